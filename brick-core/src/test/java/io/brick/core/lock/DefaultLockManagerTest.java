package io.brick.core.lock;

import io.brick.core.error.OperationTimeoutException;
import io.brick.core.time.Clock;
import io.brick.core.time.Deadline;
import io.brick.core.time.ManualClock;
import io.brick.core.time.Poll;
import io.brick.core.time.Sleeper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@SuppressWarnings("try") // locks held for their scope only
class DefaultLockManagerTest {
    private static final long TEST_WAIT_SECONDS = 30;

    private final ManualClock clock = new ManualClock();
    private final RecordingProcessLocks processLocks = new RecordingProcessLocks();
    private final DefaultLockManager locks = new DefaultLockManager(processLocks, clock, clock);
    private final ExecutorService threads = Executors.newCachedThreadPool();

    @AfterEach
    void stopThreads() throws InterruptedException {
        threads.shutdownNow();
        assertThat(threads.awaitTermination(TEST_WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
    }

    private Deadline seconds(long seconds) {
        return Deadline.after(Duration.ofSeconds(seconds), clock);
    }

    /** A sleeper that says a thread waits ({@code waiting}) and really pauses a millisecond, for a frozen clock. */
    private static Sleeper signalling(CountDownLatch waiting) {
        return duration -> {
            waiting.countDown();
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new io.brick.core.error.OperationInterruptedException("test wait", e);
            }
        };
    }

    /** Takes {@code key} on another thread and keeps it until {@code release} opens. */
    private Future<?> holdElsewhere(DefaultLockManager manager, String key, CountDownLatch held, CountDownLatch release) {
        return threads.submit(() -> {
            try (LockManager.Held lock = manager.acquire(key, Deadline.after(Duration.ofSeconds(1), clock))) {
                held.countDown();
                release.await(TEST_WAIT_SECONDS, TimeUnit.SECONDS);
            }
            return null;
        });
    }

    @Test
    void differentKeysDoNotWaitForEachOther() throws Exception {
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Future<?> other = holdElsewhere(locks, "iscsi-10.0.0.1:3260-iqn.a", held, release);
        assertThat(held.await(TEST_WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();

        try (LockManager.Held lock = locks.acquire("iscsi-10.0.0.2:3260-iqn.b", seconds(5))) {
            assertThat(lock.key()).isEqualTo("iscsi-10.0.0.2:3260-iqn.b");
        }
        assertThat(clock.sleeps()).isEmpty();

        release.countDown();
        other.get(TEST_WAIT_SECONDS, TimeUnit.SECONDS);
    }

    @Test
    void sameKeyIsSerialised() throws Exception {
        // a clock that never moves and a sleeper that really pauses: the waiter waits as long as the holder holds
        ManualClock frozen = new ManualClock();
        CountDownLatch waiting = new CountDownLatch(1);
        Sleeper signallingSleeper = signalling(waiting);
        DefaultLockManager manager = new DefaultLockManager(processLocks, frozen, signallingSleeper);
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Future<?> holder = holdElsewhere(manager, "key", held, release);
        assertThat(held.await(TEST_WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();

        AtomicBoolean acquired = new AtomicBoolean();
        Future<?> waiter = threads.submit(() -> {
            try (LockManager.Held lock = manager.acquire("key", Deadline.after(Duration.ofSeconds(1), frozen))) {
                acquired.set(true);
            }
            return null;
        });
        assertThat(waiting.await(TEST_WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(acquired).isFalse();

        release.countDown();
        holder.get(TEST_WAIT_SECONDS, TimeUnit.SECONDS);
        waiter.get(TEST_WAIT_SECONDS, TimeUnit.SECONDS);
        assertThat(acquired).isTrue();
        assertThat(processLocks.events).containsExactly("acquire key", "release key", "acquire key", "release key");
        assertThat(manager.trackedKeys()).isZero();
    }

    @Test
    void busyKeyTimesOutAtTheDeadlineWithTheKeyInEvidence() throws Exception {
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Future<?> other = holdElsewhere(locks, "iscsi-portal-iqn", held, release);
        assertThat(held.await(TEST_WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();

        Deadline deadline = seconds(5);
        assertThatThrownBy(() -> locks.acquire("iscsi-portal-iqn", deadline))
                .isInstanceOfSatisfying(OperationTimeoutException.class, e -> {
                    assertThat(e.evidence()).containsEntry("key", "iscsi-portal-iqn").containsKey("heldBy");
                    assertThat(e.getMessage()).contains("iscsi-portal-iqn");
                });
        // waited exactly the budget, in polls, and never past it
        assertThat(clock.slept()).isEqualTo(Duration.ofSeconds(5));
        // every 10 ms at first, then a tenth of the time waited so far, never more than Poll.MAX
        Duration waited = Duration.ZERO;
        for (Duration sleep : clock.sleeps()) {
            Duration tenth = waited.dividedBy(10);
            assertThat(sleep).isLessThanOrEqualTo(tenth.compareTo(Duration.ofMillis(10)) > 0 ? tenth : Duration.ofMillis(10))
                    .isLessThanOrEqualTo(Poll.MAX);
            waited = waited.plus(sleep);
        }
        assertThat(clock.sleeps()).first().isEqualTo(Duration.ofMillis(10));

        release.countDown();
        other.get(TEST_WAIT_SECONDS, TimeUnit.SECONDS);
        assertThat(locks.trackedKeys()).isZero();
    }

    @Test
    void processHalfIsTakenOncePerAcquisitionAndReleasedBeforeTheJvmLock() {
        processLocks.onRelease = key -> assertThat(locks.isLocked(key)).as("in-JVM lock still held").isTrue();

        try (LockManager.Held lock = locks.acquire("a", seconds(5))) {
            assertThat(processLocks.events).containsExactly("acquire a");
        }
        try (LockManager.Held lock = locks.acquire("a", seconds(5))) {
            assertThat(processLocks.events).containsExactly("acquire a", "release a", "acquire a");
        }

        assertThat(processLocks.events).containsExactly("acquire a", "release a", "acquire a", "release a");
        assertThat(processLocks.releaseChecks).hasSize(2);
        assertThat(locks.isLocked("a")).isFalse();
    }

    @Test
    void processHalfGetsTheCallersDeadline() {
        Deadline deadline = seconds(7);

        try (LockManager.Held lock = locks.acquire("a", deadline)) {
            assertThat(processLocks.deadlines).containsExactly(deadline);
        }
    }

    @Test
    void processHalfTimeoutReleasesTheJvmLock() {
        processLocks.failWith = new OperationTimeoutException("file lock a", Duration.ofSeconds(5), Duration.ofSeconds(5), java.util.Map.of());

        assertThatThrownBy(() -> locks.acquire("a", seconds(5))).isSameAs(processLocks.failWith);

        assertThat(locks.isLocked("a")).isFalse();
        assertThat(locks.trackedKeys()).isZero();
    }

    @Test
    void aProcessHalfFailureReleasesTheJvmLockToAThreadWaitingForIt() throws Exception {
        // a clock that never moves: the waiter waits until the lock is let go, however long
        ManualClock frozen = new ManualClock();
        CountDownLatch waiting = new CountDownLatch(1);
        Sleeper signallingSleeper = signalling(waiting);
        CountDownLatch inProcessHalf = new CountDownLatch(1);
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        OperationTimeoutException failure = new OperationTimeoutException("file lock key", Duration.ofSeconds(1),
                Duration.ofSeconds(1), java.util.Map.of());
        ProcessLocks failingFirst = (key, deadline) -> {
            if (calls.getAndIncrement() == 0) {
                // the first taker holds the in-JVM lock here; it fails once another thread waits for that lock
                inProcessHalf.countDown();
                try {
                    waiting.await(TEST_WAIT_SECONDS, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                throw failure;
            }
            return () -> { };
        };
        DefaultLockManager manager = new DefaultLockManager(failingFirst, frozen, signallingSleeper);

        Future<?> first = threads.submit(() -> manager.acquire("key", Deadline.after(Duration.ofSeconds(1), frozen)));
        assertThat(inProcessHalf.await(TEST_WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        Future<?> second = threads.submit(() -> {
            try (LockManager.Held lock = manager.acquire("key", Deadline.after(Duration.ofSeconds(1), frozen))) {
                return lock.key();
            }
        });

        assertThatThrownBy(() -> first.get(TEST_WAIT_SECONDS, TimeUnit.SECONDS)).hasCause(failure);
        assertThat(second.get(TEST_WAIT_SECONDS, TimeUnit.SECONDS)).isEqualTo("key");
        assertThat(manager.trackedKeys()).isZero();
    }

    @Test
    void holderMayTakeItsKeyAgainWithoutDeadlock() {
        try (LockManager.Held outer = locks.acquire("a", seconds(5))) {
            try (LockManager.Held inner = locks.acquire("a", seconds(5))) {
                assertThat(inner.key()).isEqualTo("a");
            }
            assertThat(locks.isLocked("a")).isTrue();
            assertThat(processLocks.events).containsExactly("acquire a");
        }

        assertThat(processLocks.events).containsExactly("acquire a", "release a");
        assertThat(locks.isLocked("a")).isFalse();
        assertThat(clock.sleeps()).isEmpty();
    }

    @Test
    void closingTwiceReleasesOnce() {
        LockManager.Held lock = locks.acquire("a", seconds(5));
        lock.close();
        lock.close();

        assertThat(processLocks.events).containsExactly("acquire a", "release a");
        assertThat(locks.trackedKeys()).isZero();
    }

    @Test
    void tableDoesNotKeepReleasedKeys() {
        for (int i = 0; i < 100; i++) {
            locks.acquire("key-" + i, seconds(5)).close();
        }

        assertThat(locks.trackedKeys()).isZero();
    }

    @Test
    void tableHoldsAKeyOnlyWhileItIsHeld() {
        try (LockManager.Held a = locks.acquire("a", seconds(5)); LockManager.Held b = locks.acquire("b", seconds(5))) {
            assertThat(locks.trackedKeys()).isEqualTo(2);
        }
        assertThat(locks.trackedKeys()).isZero();
    }

    @Test
    void blankKeysAreRejected() {
        assertThatThrownBy(() -> locks.acquire(" ", seconds(5))).isInstanceOf(IllegalArgumentException.class);
        assertThat(locks.trackedKeys()).isZero();
    }

    @Test
    void systemTimeManagerIsConstructible() {
        DefaultLockManager system = new DefaultLockManager(ProcessLocks.none(), Clock.system(), Sleeper.system());
        try (LockManager.Held lock = system.acquire("a", Deadline.after(Duration.ofSeconds(5), Clock.system()))) {
            assertThat(system.isLocked("a")).isTrue();
        }
        assertThat(system.isLocked("a")).isFalse();
    }

    /** Records what the lock manager asks of the process half. */
    private static final class RecordingProcessLocks implements ProcessLocks {
        final List<String> events = Collections.synchronizedList(new ArrayList<>());
        final List<Deadline> deadlines = Collections.synchronizedList(new ArrayList<>());
        final List<String> releaseChecks = Collections.synchronizedList(new ArrayList<>());
        volatile java.util.function.Consumer<String> onRelease = key -> { };
        volatile OperationTimeoutException failWith;

        @Override
        public Release acquire(String key, Deadline deadline) {
            if (failWith != null) {
                throw failWith;
            }
            events.add("acquire " + key);
            deadlines.add(deadline);
            return () -> {
                onRelease.accept(key);
                releaseChecks.add(key);
                events.add("release " + key);
            };
        }
    }
}
