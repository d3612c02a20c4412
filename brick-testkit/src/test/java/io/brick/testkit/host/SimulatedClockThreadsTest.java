package io.brick.testkit.host;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/** How simulated time moves while a thread the host's user started has not taken its first step yet. */
class SimulatedClockThreadsTest {
    @TempDir
    Path dir;

    @Test
    void a_thread_started_by_the_hosts_user_holds_time_back_until_its_first_step() throws InterruptedException {
        // Made before the host: not the host user's thread, so it holds nothing back. It stands in for the scheduler
        // of a loaded machine, letting the new thread take its first step only 200 ms (real) after it started.
        CountDownLatch go = new CountDownLatch(1);
        Thread scheduler = new Thread(() -> {
            try {
                TimeUnit.MILLISECONDS.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            go.countDown();
        });
        Lab lab = new Lab(dir);
        SimulatedClock clock = lab.host.clock();
        AtomicReference<Duration> firstStep = new AtomicReference<>();
        Thread worker = new Thread(() -> {
            try {
                go.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            firstStep.set(clock.elapsed());
            lab.run("iscsiadm", "-m", "session");
        });
        scheduler.start();
        worker.start();
        // The starter polls, as a connect polls for its workers' devices.
        while (firstStep.get() == null) {
            clock.sleep(Duration.ofMillis(25));
        }
        worker.join();
        scheduler.join();

        assertThat(firstStep.get()).as("simulated time when the new thread took its first step, 200 ms real after "
                + "its start (without the hold, its starter's polls ran seconds ahead)")
                .isLessThan(Duration.ofSeconds(2));
    }
}
