package io.brick.core.lock;

import io.brick.core.time.Deadline;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;

import static java.util.Objects.requireNonNull;

/**
 * The locks of one operation's keys (every target it touches), taken in the keys' sorted order and released in
 * reverse: every operation takes them so, so no two operations wait on each other in a cycle. If any key cannot be
 * taken (a timeout, an interrupt, or any other failure), the keys already taken are released before the failure
 * propagates. Closed by the thread that took it; closing it twice does nothing.
 */
public final class HeldLocks implements AutoCloseable {
    private final List<LockManager.Held> held;

    private HeldLocks(List<LockManager.Held> held) {
        this.held = held;
    }

    /**
     * Takes the lock of every distinct key, in sorted order, each waiting at most until the deadline.
     *
     * @throws io.brick.core.error.OperationTimeoutException when a key is still held by someone else at the deadline
     *                                                       (nothing is then held)
     */
    public static HeldLocks acquire(LockManager locks, Collection<String> keys, Deadline deadline) {
        requireNonNull(locks, "locks is null");
        requireNonNull(keys, "keys is null");
        requireNonNull(deadline, "deadline is null");
        List<LockManager.Held> taken = new ArrayList<>();
        try {
            for (String key : new TreeSet<>(keys)) {
                taken.add(locks.acquire(key, deadline));
            }
            return new HeldLocks(taken);
        } catch (RuntimeException | Error failure) {
            // not only brick's own failures: a lock left held here would block that target until the JVM exits
            release(taken);
            throw failure;
        }
    }

    /** The keys held, in the order they were taken. */
    public List<String> keys() {
        return held.stream().map(LockManager.Held::key).toList();
    }

    /** Releases every lock, in the reverse order of taking. */
    @Override
    public void close() {
        release(held);
    }

    private static void release(List<LockManager.Held> taken) {
        for (int index = taken.size() - 1; index >= 0; index--) {
            taken.get(index).close();
        }
        taken.clear();
    }
}
