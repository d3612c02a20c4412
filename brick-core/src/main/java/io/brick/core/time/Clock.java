package io.brick.core.time;

import java.time.Instant;

/**
 * Brick's source of time. Every wait and deadline in brick reads this, so a test's fake clock makes a 30-second
 * timeout take milliseconds.
 */
public interface Clock {
    /** A monotonic reading in nanoseconds, for measuring elapsed time and deadlines. */
    long nanoTime();

    /** Wall-clock time, for events and logs. */
    Instant instant();

    /** The running system's clock. */
    static Clock system() {
        return SystemTime.INSTANCE;
    }
}
