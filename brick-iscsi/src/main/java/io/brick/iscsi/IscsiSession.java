package io.brick.iscsi;

import java.time.Duration;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * An iSCSI session as sysfs shows it ({@code /sys/class/iscsi_session/sessionN} and its connection 0).
 *
 * @param sessionId N of {@code sessionN}
 * @param hostNumber H of the SCSI host {@code hostH} the session belongs to
 * @param targetName the target's iSCSI name ({@code targetname})
 * @param tpgt the target portal group tag ({@code tpgt}; {@code -1} when unknown)
 * @param state the session state ({@code LOGGED_IN}, {@code FAILED}, {@code FREE}, ...)
 * @param recoveryTimeout {@code recovery_tmo}
 * @param currentPortal the connection's {@code address}/{@code port}; empty while the connection has none
 * @param persistentPortal the connection's {@code persistent_address}/{@code persistent_port}: the portal brick logged in to
 * @param ifaceName the open-iscsi iface ({@code default}, {@code iser}, ...)
 * @param transport the iSCSI transport ({@code tcp}, {@code iser}, ...) from the host's {@code proc_name} or iface
 */
public record IscsiSession(int sessionId, int hostNumber, Iqn targetName, int tpgt, String state,
                           Optional<Duration> recoveryTimeout, Optional<Portal> currentPortal,
                           Optional<Portal> persistentPortal, String ifaceName, String transport) {
    public IscsiSession {
        requireNonNull(targetName, "targetName is null");
        requireNonNull(state, "state is null");
        requireNonNull(recoveryTimeout, "recoveryTimeout is null");
        requireNonNull(currentPortal, "currentPortal is null");
        requireNonNull(persistentPortal, "persistentPortal is null");
        requireNonNull(ifaceName, "ifaceName is null");
        requireNonNull(transport, "transport is null");
    }

    /** Whether the session is logged in. */
    public boolean loggedIn() {
        return "LOGGED_IN".equals(state);
    }

    /**
     * Whether the session is over that open-iscsi iface: its {@code ifacename} is that iface, or sysfs does not say
     * (an older kernel writes none; the session is then taken for the iface's, as before brick read it).
     */
    public boolean over(String iface) {
        requireNonNull(iface, "iface is null");
        return ifaceName.isEmpty() || ifaceName.equals(iface);
    }

    /** Whether this session is to that portal and target (portal case-insensitively, target as iSCSI compares names). */
    public boolean connects(Portal portal, Iqn target) {
        return targetName.matches(target)
                && (persistentPortal.map(portal::equals).orElse(false) || currentPortal.map(portal::equals).orElse(false));
    }
}
