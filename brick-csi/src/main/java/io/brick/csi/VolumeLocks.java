package io.brick.csi;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import static java.util.Objects.requireNonNull;

/**
 * One operation per volume at a time: a second RPC on a volume while one runs is refused (the CSI spec's
 * {@code ABORTED}), never queued, so the CO retries it with the outcome of the first in place. Different volumes
 * never wait for each other here.
 */
final class VolumeLocks {
    private final ConcurrentMap<String, Holder> running = new ConcurrentHashMap<>();

    /** A held volume: closing it lets the next operation on the volume in. */
    interface Held extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Takes the volume for {@code operation}, or says which operation holds it.
     *
     * @return the held volume, or empty when another operation runs on it
     */
    Optional<Held> tryAcquire(String volumeId, String operation) {
        requireNonNull(volumeId, "volumeId is null");
        requireNonNull(operation, "operation is null");
        // a holder of its own: closing a hold twice never releases a later operation's
        Holder holder = new Holder(operation);
        if (running.putIfAbsent(volumeId, holder) != null) {
            return Optional.empty();
        }
        return Optional.of(() -> running.remove(volumeId, holder));
    }

    /** The operation running on the volume now, if any (for the refusal's message). */
    Optional<String> runningOn(String volumeId) {
        return Optional.ofNullable(running.get(volumeId)).map(Holder::operation);
    }

    /** Compared by identity on purpose: each hold is its own. */
    private static final class Holder {
        private final String operation;

        Holder(String operation) {
            this.operation = operation;
        }

        String operation() {
            return operation;
        }
    }
}
