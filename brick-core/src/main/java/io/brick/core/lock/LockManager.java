package io.brick.core.lock;

import io.brick.core.time.Deadline;

/**
 * Per-key mutual exclusion across threads and processes: operations on the same target take the same key
 * ({@code iscsi-<portal>-<iqn>}), so a detach never logs out a session that a concurrent attach (in this JVM or
 * another process sharing the lock directory) has just started to use. Different keys never wait on each other.
 */
public interface LockManager {
    /**
     * Takes the lock for {@code key}, waiting at most until the deadline.
     *
     * @throws io.brick.core.error.OperationTimeoutException when the lock is still held by someone else at the deadline
     */
    Held acquire(String key, Deadline deadline);

    /** A held lock; closing it releases it (the file lock first, then the in-JVM lock). */
    interface Held extends AutoCloseable {
        String key();

        @Override
        void close();
    }
}
