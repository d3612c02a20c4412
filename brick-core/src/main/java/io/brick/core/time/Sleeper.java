package io.brick.core.time;

import java.time.Duration;

/**
 * Waits. The only place brick pauses a thread; a test's fake sleeper advances its fake clock instead.
 */
public interface Sleeper {
    /**
     * Pauses for the duration (nothing for zero or negative).
     *
     * @throws io.brick.core.error.OperationInterruptedException when the thread is interrupted (the flag is kept)
     */
    void sleep(Duration duration);

    /** Sleeps on the running system's clock. */
    static Sleeper system() {
        return SystemTime.INSTANCE;
    }
}
