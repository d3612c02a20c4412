package io.brick.core.time;

import io.brick.core.error.OperationTimeoutException;

import java.time.Duration;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * A point in (monotonic) time by which something must be done: one operation has one time budget, and every wait
 * and command inside it gets at most what is left.
 *
 * <p>Immutable and safe to share between threads. Readings come from the {@link Clock} the deadline was made with,
 * so a test's fake clock drives every deadline. Budgets longer than {@link #MAX_BUDGET} (about 73 years) are treated
 * as {@code MAX_BUDGET}, which keeps the monotonic arithmetic free of overflow.
 */
public final class Deadline {
    /** The longest budget a deadline keeps; longer ones are shortened to it. */
    public static final Duration MAX_BUDGET = Duration.ofNanos(Long.MAX_VALUE / 4);

    private final Clock clock;
    private final long startNanos;
    private final long deadlineNanos;
    private final Duration budget;

    private Deadline(Clock clock, long startNanos, Duration budget) {
        this.clock = clock;
        this.startNanos = startNanos;
        this.budget = budget;
        this.deadlineNanos = startNanos + budget.toNanos();
    }

    /**
     * A deadline {@code budget} from now on the clock.
     *
     * @throws IllegalArgumentException when the budget is negative
     */
    public static Deadline after(Duration budget, Clock clock) {
        requireNonNull(budget, "budget is null");
        requireNonNull(clock, "clock is null");
        if (budget.isNegative()) {
            throw new IllegalArgumentException("a deadline's budget is not negative: " + budget);
        }
        return new Deadline(clock, clock.nanoTime(), budget.compareTo(MAX_BUDGET) > 0 ? MAX_BUDGET : budget);
    }

    /** Time left; zero once passed. */
    public Duration remaining() {
        long left = deadlineNanos - clock.nanoTime();
        return left <= 0 ? Duration.ZERO : Duration.ofNanos(left);
    }

    /** Whether the deadline has passed (a zero budget is expired at once). */
    public boolean expired() {
        return deadlineNanos - clock.nanoTime() <= 0;
    }

    /** The whole budget this deadline was made with. */
    public Duration budget() {
        return budget;
    }

    /** Time since the deadline was made (it keeps growing after the deadline passed). */
    public Duration elapsed() {
        long elapsed = clock.nanoTime() - startNanos;
        return elapsed <= 0 ? Duration.ZERO : Duration.ofNanos(elapsed);
    }

    /** The smaller of {@code limit} and the time left: a per-step timeout inside this budget. */
    public Duration cap(Duration limit) {
        requireNonNull(limit, "limit is null");
        Duration left = remaining();
        return left.compareTo(limit) < 0 ? left : limit;
    }

    /**
     * A child deadline for one step: {@code limit} from now, but never later than this deadline. Its budget is the
     * time it actually has.
     *
     * @throws IllegalArgumentException when the limit is negative
     */
    public Deadline sub(Duration limit) {
        requireNonNull(limit, "limit is null");
        if (limit.isNegative()) {
            throw new IllegalArgumentException("a step's time limit is not negative: " + limit);
        }
        long now = clock.nanoTime();
        long left = Math.max(0, deadlineNanos - now);
        long wanted = limit.compareTo(MAX_BUDGET) > 0 ? MAX_BUDGET.toNanos() : limit.toNanos();
        return new Deadline(clock, now, Duration.ofNanos(Math.min(left, wanted)));
    }

    /**
     * Throws when the deadline has passed; does nothing otherwise.
     *
     * @param what what was being awaited, for the message ({@code "device sdb"}, {@code "login to 10.0.0.1:3260"})
     * @throws OperationTimeoutException carrying {@code what}, the elapsed time and the budget
     */
    public void check(String what) {
        check(what, Map.of());
    }

    /**
     * Throws when the deadline has passed, with what was observed as evidence; does nothing otherwise.
     *
     * @throws OperationTimeoutException carrying {@code what}, the elapsed time, the budget and {@code observed}
     */
    public void check(String what, Map<String, String> observed) {
        requireNonNull(what, "what is null");
        requireNonNull(observed, "observed is null");
        if (expired()) {
            throw timeout(what, observed);
        }
    }

    /** The timeout error for {@code what} on this deadline (for a caller that decides itself when to give up). */
    public OperationTimeoutException timeout(String what, Map<String, String> observed) {
        requireNonNull(what, "what is null");
        requireNonNull(observed, "observed is null");
        return new OperationTimeoutException(what, elapsed(), budget, observed);
    }

    /** The clock this deadline reads. */
    public Clock clock() {
        return clock;
    }

    @Override
    public String toString() {
        return "Deadline[budget=" + budget + ", remaining=" + remaining() + "]";
    }
}
