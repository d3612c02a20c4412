package io.brick.core.lock;

import io.brick.core.error.OperationTimeoutException;
import io.brick.core.time.Deadline;
import io.brick.core.time.ManualClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** An operation's locks: taken sorted and once each, released in reverse, never left held by a failure. */
class HeldLocksTest {
    private final ManualClock clock = new ManualClock();
    private final List<String> events = new ArrayList<>();
    private RuntimeException failOn;
    private String failingKey = "";
    private final ProcessLocks processLocks = (key, deadline) -> {
        if (key.equals(failingKey)) {
            throw failOn;
        }
        events.add("acquire " + key);
        return () -> events.add("release " + key);
    };
    private final DefaultLockManager locks = new DefaultLockManager(processLocks, clock, clock);

    private Deadline deadline() {
        return Deadline.after(Duration.ofSeconds(5), clock);
    }

    @Test
    void keysAreTakenSortedAndOnceEachAndReleasedInReverse() {
        try (HeldLocks held = HeldLocks.acquire(locks, List.of("c", "a", "b", "a"), deadline())) {
            assertThat(held.keys()).containsExactly("a", "b", "c");
            assertThat(events).containsExactly("acquire a", "acquire b", "acquire c");
            assertThat(locks.isLocked("a")).isTrue();
        }

        assertThat(events).containsExactly("acquire a", "acquire b", "acquire c", "release c", "release b", "release a");
        assertThat(locks.trackedKeys()).isZero();
    }

    @Test
    void aTimeoutOnALaterKeyReleasesTheKeysAlreadyTaken() {
        failingKey = "c";
        failOn = new OperationTimeoutException("file lock c", Duration.ofSeconds(5), Duration.ofSeconds(5), Map.of());

        assertThatThrownBy(() -> HeldLocks.acquire(locks, List.of("a", "b", "c"), deadline())).isSameAs(failOn);

        assertThat(events).containsExactly("acquire a", "acquire b", "release b", "release a");
        assertThat(locks.isLocked("a")).isFalse();
        assertThat(locks.trackedKeys()).isZero();
    }

    @Test
    void anyOtherFailureOnALaterKeyAlsoReleasesTheKeysAlreadyTaken() {
        // not only brick's own exceptions: FC's former helper released only on a BrickException
        failingKey = "b";
        failOn = new IllegalStateException("the lock directory went away");

        assertThatThrownBy(() -> HeldLocks.acquire(locks, List.of("a", "b"), deadline())).isSameAs(failOn);

        assertThat(events).containsExactly("acquire a", "release a");
        assertThat(locks.isLocked("a")).isFalse();
        assertThat(locks.trackedKeys()).isZero();
    }

    @Test
    void closingTwiceReleasesOnce() {
        HeldLocks held = HeldLocks.acquire(locks, List.of("a"), deadline());

        held.close();
        held.close();

        assertThat(events).containsExactly("acquire a", "release a");
    }

    @Test
    void noKeysHoldNothing() {
        try (HeldLocks held = HeldLocks.acquire(locks, List.of(), deadline())) {
            assertThat(held.keys()).isEmpty();
        }
        assertThat(events).isEmpty();
    }
}
