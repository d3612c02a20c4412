package io.brick.core.lock;

import io.brick.core.time.Deadline;

/**
 * The inter-process half of a {@link LockManager}: an exclusive lock other processes on the host see (brick-sysfs
 * implements it with a {@code FileChannel} lock on a file in the lock directory). Called with the in-JVM lock for the
 * key already held, so an implementation never sees two threads of one JVM on the same key.
 */
public interface ProcessLocks {
    /**
     * Takes the process-wide lock for the key, waiting at most until the deadline.
     *
     * @throws io.brick.core.error.OperationTimeoutException when another process still holds it at the deadline
     */
    Release acquire(String key, Deadline deadline);

    /** Releases what {@link #acquire} took. */
    interface Release extends AutoCloseable {
        @Override
        void close();
    }

    /** No inter-process locking: for a single process (tests, the demo). */
    static ProcessLocks none() {
        return (key, deadline) -> () -> { };
    }
}
