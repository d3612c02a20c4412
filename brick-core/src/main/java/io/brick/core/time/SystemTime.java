package io.brick.core.time;

import io.brick.core.error.OperationInterruptedException;

import java.time.Duration;
import java.time.Instant;

/** The system's {@link Clock} and {@link Sleeper}. */
enum SystemTime implements Clock, Sleeper {
    INSTANCE;

    @Override
    public long nanoTime() {
        return System.nanoTime();
    }

    @Override
    public Instant instant() {
        return Instant.now();
    }

    @Override
    public void sleep(Duration duration) {
        if (duration.isNegative() || duration.isZero()) {
            return;
        }
        try {
            Thread.sleep(duration.toMillis(), duration.toNanosPart() % 1_000_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OperationInterruptedException("sleep", e);
        }
    }
}
