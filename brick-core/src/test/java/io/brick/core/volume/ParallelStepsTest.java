package io.brick.core.volume;

import io.brick.core.error.BrickException;
import io.brick.core.error.OperationInterruptedException;
import io.brick.core.error.OperationTimeoutException;
import io.brick.core.time.Deadline;
import io.brick.core.time.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Independent steps at once: every one run to its end, the first failure in the given order raised. */
class ParallelStepsTest {
    private final ExecutorService workers = Executors.newCachedThreadPool();
    private final ManualClock clock = new ManualClock();
    private final Deadline deadline = Deadline.after(Duration.ofSeconds(60), clock);

    @AfterEach
    void stop() throws InterruptedException {
        workers.shutdownNow();
        assertThat(workers.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }

    private static BrickException failure(String what) {
        return new BrickException("test", what, false, Map.of()) { };
    }

    @Test
    void the_steps_run_at_once_and_it_returns_when_every_one_has_ended() {
        // each step waits until the other has started: one after another, neither would ever end
        CountDownLatch started = new CountDownLatch(2);
        Set<String> ended = ConcurrentHashMap.newKeySet();
        Runnable first = () -> meet(started, () -> ended.add("first"));
        Runnable second = () -> meet(started, () -> ended.add("second"));

        ParallelSteps.run(List.of(first, second), workers, deadline, "steps");

        assertThat(ended).containsExactlyInAnyOrder("first", "second");
    }

    @Test
    void every_step_runs_to_its_end_and_the_first_failure_in_the_steps_order_is_raised() {
        // the second step fails first; the first fails later; the third succeeds
        CountDownLatch secondFailed = new CountDownLatch(1);
        Set<String> ended = ConcurrentHashMap.newKeySet();
        Runnable first = () -> {
            await(secondFailed);
            ended.add("first");
            throw failure("first");
        };
        Runnable second = () -> {
            ended.add("second");
            secondFailed.countDown();
            throw failure("second");
        };
        Runnable third = () -> {
            await(secondFailed);
            ended.add("third");
        };

        assertThatThrownBy(() -> ParallelSteps.run(List.of(first, second, third), workers, deadline, "steps"))
                .isInstanceOf(BrickException.class).hasMessage("first");
        assertThat(ended).containsExactlyInAnyOrder("first", "second", "third");
    }

    @Test
    void an_error_of_a_step_is_rethrown_as_it_is_after_the_steps_before_it_in_order() {
        AssertionError bug = new AssertionError("a bug in a step");
        Set<String> ended = ConcurrentHashMap.newKeySet();
        Runnable fine = () -> ended.add("fine");
        Runnable broken = () -> {
            throw bug;
        };

        assertThatThrownBy(() -> ParallelSteps.run(List.of(fine, broken), workers, deadline, "steps")).isSameAs(bug);
        assertThat(ended).containsExactly("fine");
    }

    @Test
    void a_single_step_runs_on_the_calling_thread() {
        AtomicReference<Thread> ran = new AtomicReference<>();

        ParallelSteps.run(List.of(() -> ran.set(Thread.currentThread())), workers, deadline, "step");

        assertThat(ran.get()).isSameAs(Thread.currentThread());
    }

    @Test
    void steps_that_outlast_the_deadline_and_its_grace_are_abandoned_interrupted_with_a_timeout() throws Exception {
        Deadline past = Deadline.after(Duration.ofSeconds(1), clock);
        clock.advance(Duration.ofSeconds(2));
        Runnable hung = () -> {
            try {
                new CountDownLatch(1).await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };

        assertThatThrownBy(() -> ParallelSteps.run(List.of(hung, hung), workers, past, "the logouts", Duration.ZERO))
                .isInstanceOf(OperationTimeoutException.class).hasMessageContaining("the logouts");
        // a step that started was interrupted, one that had not is never run: none is left hanging
        workers.shutdown();
        assertThat(workers.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void an_interrupt_of_the_caller_interrupts_the_steps_and_is_raised() throws InterruptedException {
        CountDownLatch running = new CountDownLatch(2);
        CountDownLatch interrupted = new CountDownLatch(2);
        Runnable hung = () -> {
            running.countDown();
            try {
                new CountDownLatch(1).await();
            } catch (InterruptedException e) {
                interrupted.countDown();
            }
        };
        AtomicReference<Throwable> raised = new AtomicReference<>();
        AtomicReference<Boolean> flagKept = new AtomicReference<>();
        Thread caller = new Thread(() -> {
            try {
                ParallelSteps.run(List.of(hung, hung), workers, deadline, "the logouts");
            } catch (RuntimeException e) {
                raised.set(e);
                flagKept.set(Thread.currentThread().isInterrupted());
            }
        });
        caller.start();
        await(running);
        caller.interrupt();
        caller.join(30_000);

        assertThat(raised.get()).isInstanceOf(OperationInterruptedException.class);
        assertThat(flagKept.get()).isTrue();
        await(interrupted);
    }

    private static void meet(CountDownLatch started, Runnable then) {
        started.countDown();
        await(started);
        then.run();
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(30, TimeUnit.SECONDS)) {
                throw new AssertionError("not reached within 30 s");
            }
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}
