package io.brick.testkit.time;

import io.brick.core.error.OperationInterruptedException;
import io.brick.core.time.Clock;
import io.brick.core.time.Sleeper;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * A deterministic {@link Clock} and {@link Sleeper} for tests: time stands still until a test {@linkplain #advance
 * advances} it or brick {@linkplain #sleep sleeps}, and a sleep moves the clock forward at once instead of pausing. A
 * 30-second timeout therefore takes microseconds, and a test can assert exactly how long brick waited.
 * <pre>{@code
 * FakeClock clock = new FakeClock();
 * Brick brick = Brick.builder().clock(clock).sleeper(clock)...build();
 * ...
 * assertThat(clock.slept()).isEqualTo(Duration.ofSeconds(3));
 * }</pre>
 * Like the system sleeper, {@link #sleep} throws {@link OperationInterruptedException} (keeping the interrupt flag)
 * when the calling thread is interrupted. Thread-safe: every thread sees one shared time.
 */
public final class FakeClock implements Clock, Sleeper {
    /** Where a clock made with {@link #FakeClock()} starts: 2026-01-01T00:00:00Z. */
    public static final Instant DEFAULT_START = Instant.parse("2026-01-01T00:00:00Z");

    /** The monotonic reading at the start: far from zero, so code that assumes a zero origin is caught. */
    private static final long START_NANOS = 1_000_000_000_000_000L;

    private final Instant start;
    private long nanos = START_NANOS;
    private final List<Duration> sleeps = new ArrayList<>();

    /** A clock at {@link #DEFAULT_START}. */
    public FakeClock() {
        this(DEFAULT_START);
    }

    /** A clock whose wall-clock time starts at {@code start}. */
    public FakeClock(Instant start) {
        this.start = requireNonNull(start, "start is null");
    }

    @Override
    public synchronized long nanoTime() {
        return nanos;
    }

    @Override
    public synchronized Instant instant() {
        return start.plusNanos(nanos - START_NANOS);
    }

    /** Moves the clock forward by {@code duration} (zero or negative: nothing) and records the sleep; never pauses. */
    @Override
    public void sleep(Duration duration) {
        requireNonNull(duration, "duration is null");
        if (Thread.currentThread().isInterrupted()) {
            throw new OperationInterruptedException("sleep", new InterruptedException("interrupted before a fake sleep"));
        }
        if (duration.isNegative() || duration.isZero()) {
            return;
        }
        synchronized (this) {
            sleeps.add(duration);
            nanos += duration.toNanos();
        }
    }

    /**
     * Moves the clock forward without counting it as a sleep (time passing while brick works).
     *
     * @throws IllegalArgumentException when {@code duration} is negative: monotonic time never goes back
     */
    public synchronized void advance(Duration duration) {
        requireNonNull(duration, "duration is null");
        if (duration.isNegative()) {
            throw new IllegalArgumentException("a clock only moves forward: " + duration);
        }
        nanos += duration.toNanos();
    }

    /** Time since the clock started, slept or advanced. */
    public synchronized Duration elapsed() {
        return Duration.ofNanos(nanos - START_NANOS);
    }

    /** The total of every sleep so far. */
    public synchronized Duration slept() {
        return sleeps.stream().reduce(Duration.ZERO, Duration::plus);
    }

    /** Every sleep so far, in order. */
    public synchronized List<Duration> sleeps() {
        return List.copyOf(sleeps);
    }

    @Override
    public synchronized String toString() {
        return "FakeClock[" + instant() + ", slept " + slept() + " in " + sleeps.size() + " sleeps]";
    }
}
