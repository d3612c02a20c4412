package io.brick.exec;

import org.apache.commons.exec.ExecuteException;
import org.apache.commons.exec.ExecuteResultHandler;
import org.apache.commons.exec.ProcessDestroyer;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One asynchronous execution as commons-exec reports it: the {@link Process} once it is started (commons-exec hands
 * every started process to its {@link ProcessDestroyer}), and the end of the execution (the process has exited and
 * its output has been read to the end).
 */
final class Launch implements ProcessDestroyer, ExecuteResultHandler {
    private final CompletableFuture<Process> started = new CompletableFuture<>();
    private final CompletableFuture<Integer> finished = new CompletableFuture<>();

    /** The process started, or a failure to start it; empty if neither happened within {@code wait}. */
    Optional<Process> awaitStart(Duration wait) throws InterruptedException, StartFailure {
        try {
            return Optional.of(started.get(Math.max(0, wait.toNanos()), TimeUnit.NANOSECONDS));
        } catch (TimeoutException e) {
            return Optional.empty();
        } catch (ExecutionException e) {
            throw new StartFailure(e.getCause());
        }
    }

    /** The process if it has been started. */
    Optional<Process> process() {
        if (!started.isDone() || started.isCompletedExceptionally()) {
            return Optional.empty();
        }
        return Optional.of(started.join());
    }

    /** Waits until the execution is over, output included; false if it was not within {@code wait}. */
    boolean awaitEnd(Duration wait) throws InterruptedException {
        try {
            finished.get(Math.max(0, wait.toNanos()), TimeUnit.NANOSECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            return true;
        }
    }

    @Override
    public boolean add(Process process) {
        return started.complete(process);
    }

    @Override
    public boolean remove(Process process) {
        return true;
    }

    @Override
    public int size() {
        return started.isDone() ? 1 : 0;
    }

    @Override
    public void onProcessComplete(int exitValue) {
        finished.complete(exitValue);
    }

    @Override
    public void onProcessFailed(ExecuteException e) {
        started.completeExceptionally(e);
        finished.completeExceptionally(e);
    }

    /** The process could not be started (or its streams could not be connected). */
    static final class StartFailure extends Exception {
        private static final long serialVersionUID = 1L;

        StartFailure(Throwable cause) {
            super(cause);
        }

        /**
         * The reason the JVM gave, e.g. {@code Cannot run program "x": error=2, No such file or directory}: the first
         * message in the chain that is not commons-exec's generic wrapper.
         */
        String reason() {
            String reason = null;
            for (Throwable cause = getCause(); cause != null && reason == null; cause = cause.getCause()) {
                boolean generic = cause instanceof ExecuteException;
                if (!generic && cause.getMessage() != null && !cause.getMessage().isBlank()) {
                    reason = cause.getMessage();
                }
            }
            if (reason == null && getCause() != null) {
                reason = getCause().getMessage();
            }
            return reason == null ? "unknown reason" : reason;
        }
    }
}
