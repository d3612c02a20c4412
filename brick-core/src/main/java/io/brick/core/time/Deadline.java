package io.brick.core.time;

import java.time.Duration;

/**
 * A point in (monotonic) time by which something must be done: one operation has one time budget, and every wait
 * and command inside it gets at most what is left.
 */
public final class Deadline {
    // filled in by the core infrastructure work
    private final Clock clock;
    private final long deadlineNanos;
    private final Duration budget;

    private Deadline(Clock clock, long deadlineNanos, Duration budget) {
        this.clock = clock;
        this.deadlineNanos = deadlineNanos;
        this.budget = budget;
    }

    /** A deadline {@code budget} from now on the clock. */
    public static Deadline after(Duration budget, Clock clock) {
        return new Deadline(clock, clock.nanoTime() + budget.toNanos(), budget);
    }

    /** Time left; zero once passed. */
    public Duration remaining() {
        long left = deadlineNanos - clock.nanoTime();
        return left <= 0 ? Duration.ZERO : Duration.ofNanos(left);
    }

    public boolean expired() {
        return deadlineNanos - clock.nanoTime() <= 0;
    }

    /** The whole budget this deadline was made with. */
    public Duration budget() {
        return budget;
    }

    /** Time since the deadline was made. */
    public Duration elapsed() {
        return budget.minus(Duration.ofNanos(deadlineNanos - clock.nanoTime()));
    }

    /** The smaller of {@code limit} and the time left: a per-step timeout inside this budget. */
    public Duration cap(Duration limit) {
        Duration left = remaining();
        return left.compareTo(limit) < 0 ? left : limit;
    }

    public Clock clock() {
        return clock;
    }
}
