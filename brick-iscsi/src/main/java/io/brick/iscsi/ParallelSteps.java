package io.brick.iscsi;

import io.brick.core.error.OperationInterruptedException;
import io.brick.core.time.Clock;
import io.brick.core.time.Deadline;
import io.brick.core.time.Poll;
import io.brick.core.time.Sleeper;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;

import static java.util.Objects.requireNonNull;

/**
 * Runs independent steps at once (a disconnect's logouts, one per target: each {@code iscsiadm --logout} waits for its
 * own session's teardown, and one after another they add up): the first on the calling thread, the others on the
 * transport's workers. Returns only once every step has ended, since the caller holds the targets' locks until it
 * returns; then rethrows the first failure in the steps' order (the others suppressed in it). Waits by polling with
 * brick's sleeper, as brick's waits for its workers do.
 */
final class ParallelSteps {
    private ParallelSteps() {
    }

    /**
     * Runs the steps and waits for all of them.
     *
     * @throws OperationInterruptedException when the calling thread is interrupted; the workers' steps are interrupted
     */
    static void run(List<Runnable> steps, Executor workers, Sleeper sleeper, Clock clock) {
        requireNonNull(steps, "steps is null");
        requireNonNull(workers, "workers is null");
        requireNonNull(sleeper, "sleeper is null");
        requireNonNull(clock, "clock is null");
        if (steps.isEmpty()) {
            return;
        }
        List<Slot> others = new ArrayList<>();
        for (Runnable step : steps.subList(1, steps.size())) {
            Slot slot = new Slot(requireNonNull(step, "a step is null"));
            others.add(slot);
            workers.execute(slot);
        }
        Throwable first = null;
        try {
            steps.get(0).run();
        } catch (RuntimeException | Error failure) {
            first = failure;
        }
        Poll poll = Poll.within(Deadline.after(Deadline.MAX_BUDGET, clock));
        try {
            for (Slot slot : others) {
                while (!slot.done()) {
                    sleeper.sleep(poll.next());
                }
            }
        } catch (OperationInterruptedException interrupted) {
            others.forEach(Slot::interrupt);
            throw interrupted;
        }
        for (Slot slot : others) {
            Throwable failure = slot.failure();
            if (failure == null) {
                continue;
            }
            if (first == null) {
                first = failure;
            } else {
                first.addSuppressed(failure);
            }
        }
        if (first instanceof RuntimeException runtime) {
            throw runtime;
        }
        if (first instanceof Error error) {
            throw error;
        }
    }

    /** A step on a worker: whether it ended, how, and its thread while it runs (to interrupt). */
    private static final class Slot implements Runnable {
        private final Runnable step;
        private Thread thread;
        private boolean done;
        private boolean interrupted;
        private Throwable failure;

        Slot(Runnable step) {
            this.step = step;
        }

        @Override
        public void run() {
            synchronized (this) {
                if (interrupted) {
                    done = true;
                    failure = new OperationInterruptedException("a parallel step",
                            new InterruptedException("interrupted before it started"));
                    return;
                }
                thread = Thread.currentThread();
            }
            Throwable outcome = null;
            try {
                step.run();
            } catch (RuntimeException | Error e) {
                outcome = e;
            }
            synchronized (this) {
                thread = null;
                if (interrupted) {
                    Thread.interrupted(); // the pool's thread goes back clean
                }
                failure = outcome;
                done = true;
            }
        }

        synchronized boolean done() {
            return done;
        }

        synchronized Throwable failure() {
            return failure;
        }

        synchronized void interrupt() {
            interrupted = true;
            if (thread != null) {
                thread.interrupt();
            }
        }
    }
}
