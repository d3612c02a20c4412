package io.brick.core.volume;

import io.brick.core.time.Deadline;

import java.util.List;

/**
 * The transport's last step of a disconnect, after the volume's devices are gone: end what only this volume used
 * (iSCSI: log out of and delete the node of every session that now carries no other LUN). Decided on the host's
 * state at that moment, under the transport's per-target locks.
 */
public interface TransportCleanup {
    /** What {@link #run} would do now, and what it would keep and why, for a dry run ({@code logout 127.0.0.1:3260 ...}). */
    List<String> plan();

    /** Does it; failures go through the collector (raised at once without force). */
    void run(ErrorCollector errors, Deadline deadline);

    /** Nothing to clean up. */
    static TransportCleanup none() {
        return new TransportCleanup() {
            @Override
            public List<String> plan() {
                return List.of();
            }

            @Override
            public void run(ErrorCollector errors, Deadline deadline) {
            }
        };
    }
}
