package io.brick.testkit.time;

import io.brick.core.error.OperationInterruptedException;
import io.brick.core.time.Deadline;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FakeClockTest {
    private final FakeClock clock = new FakeClock();

    @Test
    void startsAtAFixedInstantAndStandsStill() {
        assertThat(clock.instant()).isEqualTo(FakeClock.DEFAULT_START);
        long before = clock.nanoTime();

        assertThat(clock.nanoTime()).isEqualTo(before);
        assertThat(new FakeClock(Instant.EPOCH).instant()).isEqualTo(Instant.EPOCH);
    }

    @Test
    void sleepAdvancesTimeAndIsRecorded() {
        long before = clock.nanoTime();

        clock.sleep(Duration.ofSeconds(30));
        clock.sleep(Duration.ofMillis(250));
        clock.sleep(Duration.ZERO);

        assertThat(clock.nanoTime() - before).isEqualTo(Duration.ofMillis(30_250).toNanos());
        assertThat(clock.instant()).isEqualTo(FakeClock.DEFAULT_START.plusMillis(30_250));
        assertThat(clock.sleeps()).containsExactly(Duration.ofSeconds(30), Duration.ofMillis(250));
        assertThat(clock.slept()).isEqualTo(Duration.ofMillis(30_250));
    }

    @Test
    void advanceMovesTimeWithoutSleeping() {
        clock.advance(Duration.ofMinutes(2));

        assertThat(clock.elapsed()).isEqualTo(Duration.ofMinutes(2));
        assertThat(clock.slept()).isEqualTo(Duration.ZERO);
        assertThatThrownBy(() -> clock.advance(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void drivesDeadlines() {
        Deadline deadline = Deadline.after(Duration.ofSeconds(30), clock);

        clock.sleep(Duration.ofSeconds(29));
        assertThat(deadline.expired()).isFalse();
        clock.sleep(Duration.ofSeconds(1));
        assertThat(deadline.expired()).isTrue();
    }

    @Test
    void interruptedSleepThrowsAndKeepsTheFlag() {
        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(() -> clock.sleep(Duration.ofSeconds(1))).isInstanceOf(OperationInterruptedException.class);
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
        assertThat(clock.sleeps()).isEmpty();
    }

    @Test
    void concurrentSleepsAreAllCounted() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                done.add(threads.submit(() -> {
                    for (int i = 0; i < 1000; i++) {
                        clock.sleep(Duration.ofMillis(1));
                    }
                }));
            }
            for (Future<?> future : done) {
                future.get(30, TimeUnit.SECONDS);
            }
        } finally {
            threads.shutdownNow();
        }

        assertThat(clock.slept()).isEqualTo(Duration.ofSeconds(4));
        assertThat(clock.elapsed()).isEqualTo(Duration.ofSeconds(4));
    }
}
