package io.brick.testkit.host;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/** How simulated time moves while a thread the host's user started has not taken its first step yet. */
class SimulatedClockThreadsTest {
    @TempDir
    Path dir;

    @Test
    void a_thread_started_by_the_hosts_user_holds_time_back_until_its_first_step() throws InterruptedException {
        // The new thread stands for a thread a loaded machine has not scheduled yet: it is runnable, but takes its
        // first step on the host only 200 ms (real) after it started.
        Lab lab = new Lab(dir);
        SimulatedClock clock = lab.host.clock();
        AtomicReference<Duration> firstStep = new AtomicReference<>();
        Thread worker = new Thread(() -> {
            long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200);
            while (System.nanoTime() < until) {
                Thread.onSpinWait();
            }
            firstStep.set(clock.elapsed());
            lab.run("iscsiadm", "-m", "session");
        });
        worker.start();
        // The starter polls, as a connect polls for its workers' devices.
        while (firstStep.get() == null) {
            clock.sleep(Duration.ofMillis(25));
        }
        worker.join();

        assertThat(firstStep.get()).as("simulated time when the new thread took its first step, 200 ms real after "
                + "its start (without the hold, its starter's polls ran seconds ahead)")
                .isLessThan(Duration.ofSeconds(2));
    }
}
