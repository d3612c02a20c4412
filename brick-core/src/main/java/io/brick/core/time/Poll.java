package io.brick.core.time;

import java.time.Duration;

import static java.util.Objects.requireNonNull;

/**
 * How long a wait sleeps between two looks at the host: {@link #FIRST} at first, so what comes within a few hundred
 * milliseconds (a healthy path) is seen at once, then a tenth of the time waited so far, at most {@link #MAX}; never
 * past the wait's deadline.
 *
 * <p>What appears after {@code t} of waiting is therefore seen at most {@code max(first, min(t / 10, MAX))} late, and
 * a wait of a minute (a dead portal, a slow udev) looks about 150 times instead of 2,400. Each look reads sysfs, which
 * on a host with thousands of devices and a flaky network is the cost that matters, not the sleep.
 *
 * <p>Immutable: it keeps only when the wait began, so one instance may be read from any thread.
 */
public final class Poll {
    /** The first intervals: a look every 25 ms while little time has passed. */
    public static final Duration FIRST = Duration.ofMillis(25);
    /** The longest interval, reached after 5 s of waiting. */
    public static final Duration MAX = Duration.ofMillis(500);

    private final Deadline wait;
    private final long startNanos;
    private final long firstNanos;

    private Poll(Deadline wait, Duration first) {
        this.wait = requireNonNull(wait, "wait is null");
        requireNonNull(first, "first is null");
        if (first.isNegative() || first.isZero() || first.compareTo(MAX) > 0) {
            throw new IllegalArgumentException("a first poll interval is positive and at most " + MAX + ": " + first);
        }
        this.firstNanos = first.toNanos();
        this.startNanos = wait.clock().nanoTime();
    }

    /** A poll that begins now, on {@code wait}'s clock, and never sleeps past {@code wait}. */
    public static Poll within(Deadline wait) {
        return new Poll(wait, FIRST);
    }

    /** The same, starting at {@code first} rather than {@link #FIRST} (a lock held a few milliseconds). */
    public static Poll within(Deadline wait, Duration first) {
        return new Poll(wait, first);
    }

    /** The next sleep: the interval for the time waited so far, capped at what is left of the wait. */
    public Duration next() {
        return wait.cap(interval());
    }

    /** The interval for the time waited so far, not capped by the wait. */
    public Duration interval() {
        long tenth = Math.max(0, wait.clock().nanoTime() - startNanos) / 10;
        return Duration.ofNanos(Math.min(MAX.toNanos(), Math.max(firstNanos, tenth)));
    }
}
