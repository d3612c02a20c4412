package io.brick.core.lock;

import io.brick.core.time.Clock;
import io.brick.core.time.Deadline;
import io.brick.core.time.Poll;
import io.brick.core.time.Sleeper;
import jakarta.inject.Inject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

import static java.util.Objects.requireNonNull;

/**
 * brick's {@link LockManager}: for each key, an in-JVM lock and then the {@link ProcessLocks} half (a file lock other
 * processes see), released in the reverse order.
 *
 * <p><b>Waiting.</b> A busy key is polled through the {@link Sleeper} until the deadline, never longer: every
 * {@value #POLL_MILLIS} ms at first, then at a tenth of the time waited, at most {@link Poll#MAX} (a holder keeps a key
 * for a whole operation, which on a dead portal is a minute); so a test's fake clock and sleeper drive lock timeouts as they drive every other wait.
 * Waiters are not served in arrival order (each poll may take the lock): brick's holders keep a key for a whole
 * operation and few threads ever contend for one key.
 *
 * <p><b>Reentrancy.</b> Locks are reentrant: a thread that holds a key may take it again (a failed connect that
 * cleans up through disconnect code, for instance). Only the outermost acquisition takes the process half; the key is
 * released, process half first, when the last {@link Held} of that thread is closed. A {@code Held} is closed by the
 * thread that took it; closing it twice does nothing.
 *
 * <p><b>Memory.</b> A key's entry lives only while a thread holds or waits for it, so the table does not grow with
 * the number of keys ever used.
 *
 * <p>Thread-safe; one instance serves the whole process (bind it as a singleton).
 */
public final class DefaultLockManager implements LockManager {
    private static final Logger log = LoggerFactory.getLogger(DefaultLockManager.class);

    /** How often a waiter looks at a busy key again. */
    static final long POLL_MILLIS = 10;
    private static final Duration FIRST_POLL = Duration.ofMillis(POLL_MILLIS);

    private final ProcessLocks processLocks;
    private final Clock clock;
    private final Sleeper sleeper;
    /** Guarded by itself. */
    private final Map<String, Entry> entries = new HashMap<>();

    /** A lock manager whose process half is {@code processLocks}, waiting with {@code sleeper}. */
    @Inject
    public DefaultLockManager(ProcessLocks processLocks, Clock clock, Sleeper sleeper) {
        this.processLocks = requireNonNull(processLocks, "processLocks is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.sleeper = requireNonNull(sleeper, "sleeper is null");
    }

    @Override
    public Held acquire(String key, Deadline deadline) {
        requireNonNull(key, "key is null");
        requireNonNull(deadline, "deadline is null");
        if (key.isBlank()) {
            throw new IllegalArgumentException("a lock key is not blank");
        }
        Entry entry = reference(key);
        boolean done = false;
        try {
            long waitStart = clock.nanoTime();
            lockInJvm(key, entry, deadline);
            try {
                if (entry.lock.getHoldCount() == 1) {
                    entry.processRelease = processLocks.acquire(key, deadline);
                    entry.acquiredNanos = clock.nanoTime();
                    log.debug("lock {} acquired after {} ms", key, millis(entry.acquiredNanos - waitStart));
                } else {
                    log.debug("lock {} taken again by its holder ({} holds)", key, entry.lock.getHoldCount());
                }
                done = true;
                return new HeldLock(key, entry);
            } finally {
                if (!done) {
                    entry.lock.unlock();
                }
            }
        } finally {
            if (!done) {
                dereference(key, entry);
            }
        }
    }

    /** Takes the in-JVM lock, polling until the deadline, or throws the timeout. */
    private void lockInJvm(String key, Entry entry, Deadline deadline) {
        Poll poll = Poll.within(deadline, FIRST_POLL);
        while (!entry.lock.tryLock()) {
            Duration left = deadline.remaining();
            if (left.isZero()) {
                Map<String, String> observed = new LinkedHashMap<>();
                observed.put("key", key);
                entry.lock.holder().ifPresent(holder -> observed.put("heldBy", holder));
                throw deadline.timeout("lock " + key, observed);
            }
            sleeper.sleep(poll.next());
        }
    }

    private Entry reference(String key) {
        synchronized (entries) {
            Entry entry = entries.computeIfAbsent(key, unused -> new Entry());
            entry.references++;
            return entry;
        }
    }

    private void dereference(String key, Entry entry) {
        synchronized (entries) {
            entry.references--;
            if (entry.references == 0) {
                entries.remove(key, entry);
            }
        }
    }

    /** How many keys are held or awaited right now (for tests: zero once every lock is released). */
    int trackedKeys() {
        synchronized (entries) {
            return entries.size();
        }
    }

    /** Whether any thread holds {@code key} in this JVM right now. */
    boolean isLocked(String key) {
        synchronized (entries) {
            Entry entry = entries.get(key);
            return entry != null && entry.lock.isLocked();
        }
    }

    private static long millis(long nanos) {
        return Duration.ofNanos(Math.max(0, nanos)).toMillis();
    }

    /** One key: its lock, how many threads reference it, and (while held) the process half. */
    private static final class Entry {
        final OwnerAwareLock lock = new OwnerAwareLock();
        /** Guarded by the entries map. */
        int references;
        /** Written and read only by the thread holding {@link #lock}. */
        ProcessLocks.Release processRelease;
        long acquiredNanos;
    }

    /** A reentrant lock that can name its holder for a timeout's evidence. */
    private static final class OwnerAwareLock extends ReentrantLock {
        Optional<String> holder() {
            Thread owner = getOwner();
            return owner == null ? Optional.empty() : Optional.of("thread " + owner.getName());
        }
    }

    private final class HeldLock implements Held {
        private final String key;
        private final Entry entry;
        private final Thread owner = Thread.currentThread();
        private boolean closed;

        HeldLock(String key, Entry entry) {
            this.key = key;
            this.entry = entry;
        }

        @Override
        public String key() {
            return key;
        }

        @Override
        public void close() {
            if (Thread.currentThread() != owner) {
                throw new IllegalStateException("lock " + key + " is released by the thread that took it (" + owner.getName() + ")");
            }
            if (closed) {
                return;
            }
            closed = true;
            try {
                if (entry.lock.getHoldCount() == 1) {
                    ProcessLocks.Release release = entry.processRelease;
                    entry.processRelease = null;
                    log.debug("lock {} released after {} ms", key, millis(clock.nanoTime() - entry.acquiredNanos));
                    release.close();
                }
            } finally {
                entry.lock.unlock();
                dereference(key, entry);
            }
        }

        @Override
        public String toString() {
            return "Held[" + key + "]";
        }
    }
}
