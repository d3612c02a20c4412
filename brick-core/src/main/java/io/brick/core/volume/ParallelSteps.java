package io.brick.core.volume;

import io.brick.core.error.BrickException;
import io.brick.core.error.OperationInterruptedException;
import io.brick.core.time.Deadline;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static java.util.Objects.requireNonNull;

/**
 * Independent steps of one operation run at once (a transport's cleanup of several targets: each logout waits for its
 * own session's teardown, and one target's does not depend on another's), the operation going on only when every
 * one has ended. Every step is always run to its end, whatever another step does: a failure of one never leaves
 * another target half done. The failure rethrown afterwards is that of the first failed step in the given order, so
 * the caller's error does not depend on which thread was faster. Steps record their own failures through an
 * {@link ErrorCollector} with {@code force}; without it, their rethrown failures come back here.
 */
public final class ParallelSteps {
    /** How long past the deadline the steps' own bounded commands may take to give up, before they are abandoned. */
    static final Duration GRACE = Duration.ofSeconds(5);

    private ParallelSteps() {
    }

    /**
     * Runs the steps, at once on the executor when there are several (a single step runs on the calling thread), and
     * returns when all have ended.
     *
     * @param steps the steps, in the order whose first failure wins
     * @param executor where the steps run (the transport's worker threads)
     * @param deadline the operation's: every step's commands are bounded by it; waiting gives up {@link #GRACE} after it
     * @param what what the steps are, for a timeout's message
     * @throws BrickException the first failed step's failure, in the steps' order
     * @throws OperationInterruptedException when the calling thread is interrupted (the steps are interrupted too)
     */
    public static void run(List<Runnable> steps, Executor executor, Deadline deadline, String what) {
        run(steps, executor, deadline, what, GRACE);
    }

    static void run(List<Runnable> steps, Executor executor, Deadline deadline, String what, Duration grace) {
        requireNonNull(steps, "steps is null");
        requireNonNull(executor, "executor is null");
        requireNonNull(deadline, "deadline is null");
        requireNonNull(what, "what is null");
        if (steps.size() == 1) {
            steps.get(0).run();
            return;
        }
        List<FutureTask<Void>> tasks = new ArrayList<>();
        for (Runnable step : steps) {
            FutureTask<Void> task = new FutureTask<>(step, null);
            tasks.add(task);
            executor.execute(task);
        }
        RuntimeException first = null;
        for (FutureTask<Void> task : tasks) {
            RuntimeException failure = await(task, tasks, deadline, what, grace);
            if (first == null && failure != null) {
                first = failure;
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /**
     * The task's failure, if any, once it has ended. A step still running at the deadline's grace, or an interrupt of
     * the caller, cancels every step (interrupting those that run; one not started never runs) and is thrown at once.
     */
    private static RuntimeException await(FutureTask<Void> task, List<FutureTask<Void>> tasks, Deadline deadline,
                                          String what, Duration grace) {
        try {
            task.get(deadline.remaining().plus(grace).toNanos(), TimeUnit.NANOSECONDS);
            return null;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Error error) {
                // a bug, or the JVM's own trouble: not a step's failure to weigh against the others'
                throw error;
            }
            return e.getCause() instanceof RuntimeException runtime ? runtime : new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            tasks.forEach(each -> each.cancel(true));
            Thread.currentThread().interrupt();
            throw new OperationInterruptedException(what, e);
        } catch (TimeoutException e) {
            tasks.forEach(each -> each.cancel(true));
            throw deadline.timeout(what, Map.of());
        }
    }
}
