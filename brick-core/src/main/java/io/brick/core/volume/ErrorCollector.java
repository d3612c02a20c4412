package io.brick.core.volume;

import io.brick.core.error.BrickException;
import io.brick.core.error.OperationInterruptedException;

import java.util.ArrayList;
import java.util.List;

/**
 * Runs the steps of a forced operation, collecting their failures instead of stopping at the first (os-brick's
 * {@code ExceptionChainer}). Without {@code force}, the first failure is rethrown at once. Only
 * {@link BrickException}s are collected; anything else (a bug) propagates, and so does an
 * {@link OperationInterruptedException} (an interrupt stops a forced operation too). Thread-safe.
 */
public final class ErrorCollector {
    private final boolean force;
    private final List<BrickException> failures = new ArrayList<>();

    public ErrorCollector(boolean force) {
        this.force = force;
    }

    /** Runs one step; with force, a failure is recorded and {@code false} returned; without, it is rethrown. */
    public boolean attempt(Runnable step) {
        try {
            step.run();
            return true;
        } catch (BrickException failure) {
            if (!force || failure instanceof OperationInterruptedException) {
                throw failure;
            }
            synchronized (this) {
                failures.add(failure);
            }
            return false;
        }
    }

    /** Records a failure observed outside {@link #attempt}; without force (or when it is an interrupt) it is thrown at once. */
    public void record(BrickException failure) {
        if (!force || failure instanceof OperationInterruptedException) {
            throw failure;
        }
        synchronized (this) {
            failures.add(failure);
        }
    }

    public boolean force() {
        return force;
    }

    public synchronized boolean failed() {
        return !failures.isEmpty();
    }

    public synchronized List<BrickException> failures() {
        return List.copyOf(failures);
    }
}
