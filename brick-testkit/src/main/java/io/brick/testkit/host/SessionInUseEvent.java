package io.brick.testkit.host;

import java.time.Duration;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * A session was logged out while it was in use: SCSI devices of it still existed (the logout removed them, and any
 * map they were paths of lost them), or a scan of one of its LUNs was in flight (written into {@code scan}, or made by
 * the login itself, and its device not there yet), as when a concurrent connect has just started to use the session.
 * brick's disconnect logs a session out only after the volume's own devices are gone and only when no other LUN uses
 * it, so with brick alone this never happens unless the per-target lock is broken (DESIGN promise 6).
 *
 * @param at simulated time since the host was built
 * @param sessionId the session's id ({@code sid})
 * @param portal the session's portal ({@code address:port})
 * @param target the session's target IQN
 * @param devices the session's SCSI devices at the logout, as {@code sdb (LUN 1)}
 * @param pendingScans LUNs of the session whose scan was in flight at the logout
 */
public record SessionInUseEvent(Duration at, int sessionId, String portal, String target, List<String> devices,
                                List<Integer> pendingScans) {
    public SessionInUseEvent {
        requireNonNull(at, "at is null");
        requireNonNull(portal, "portal is null");
        requireNonNull(target, "target is null");
        devices = List.copyOf(devices);
        pendingScans = List.copyOf(pendingScans);
    }
}
