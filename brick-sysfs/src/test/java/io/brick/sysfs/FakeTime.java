package io.brick.sysfs;

import io.brick.core.time.Clock;
import io.brick.core.time.Deadline;
import io.brick.core.time.Sleeper;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** A fake clock whose sleeper advances it, running a hook (the "kernel") on every sleep. */
final class FakeTime implements Clock, Sleeper {
    private long nanos = 1_000_000_000L;
    private final List<Duration> sleeps = new ArrayList<>();
    private Runnable onSleep = () -> { };

    @Override
    public synchronized long nanoTime() {
        return nanos;
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochSecond(1_700_000_000L).plusNanos(nanoTime());
    }

    @Override
    public void sleep(Duration duration) {
        synchronized (this) {
            sleeps.add(duration);
            nanos += Math.max(duration.toNanos(), 1);
        }
        onSleep.run();
    }

    FakeTime onSleep(Runnable hook) {
        this.onSleep = hook;
        return this;
    }

    synchronized List<Duration> sleeps() {
        return List.copyOf(sleeps);
    }

    Deadline deadline(Duration budget) {
        return Deadline.after(budget, this);
    }
}
