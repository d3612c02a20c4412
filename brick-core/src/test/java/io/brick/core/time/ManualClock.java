package io.brick.core.time;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A hand-written fake {@link Clock} and {@link Sleeper} for brick-core's own tests (which cannot use the testkit):
 * time moves only when a test advances it or something sleeps. Thread-safe.
 */
public final class ManualClock implements Clock, Sleeper {
    private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

    /** Starts far from zero, so code that assumes {@code nanoTime()} begins at 0 is caught. */
    private long nanos = 7_000_000_000_000L;
    private long startNanos = nanos;
    private final List<Duration> sleeps = new ArrayList<>();

    @Override
    public synchronized long nanoTime() {
        return nanos;
    }

    @Override
    public synchronized Instant instant() {
        return START.plusNanos(nanos - startNanos);
    }

    @Override
    public synchronized void sleep(Duration duration) {
        if (duration.isNegative() || duration.isZero()) {
            return;
        }
        sleeps.add(duration);
        nanos += duration.toNanos();
    }

    /** Moves time forward without sleeping. */
    public synchronized void advance(Duration duration) {
        nanos += duration.toNanos();
    }

    /** Every sleep so far, in order. */
    public synchronized List<Duration> sleeps() {
        return List.copyOf(sleeps);
    }

    /** The sum of every sleep so far. */
    public synchronized Duration slept() {
        return sleeps.stream().reduce(Duration.ZERO, Duration::plus);
    }
}
