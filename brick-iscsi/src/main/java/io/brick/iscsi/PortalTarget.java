package io.brick.iscsi;


import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * A target reachable through a portal, as a line of {@code iscsiadm -m node} or of sendtargets discovery shows it
 * ({@code 127.0.0.1:3260,1 iqn.2003-01.org.linux-iscsi.labvm:target1}).
 *
 * @param portal the portal and its portal group tag
 * @param targetName the target's name exactly as printed (kept as text: a node record may hold a name brick would
 *                   not accept as input, and it must still be possible to delete it)
 */
record PortalTarget(TaggedPortal portal, String targetName) {
    PortalTarget {
        requireNonNull(portal, "portal is null");
        requireNonNull(targetName, "targetName is null");
    }

    /** The target name as an iSCSI name, when it is a valid one. */
    Optional<Iqn> target() {
        return IscsiadmText.iscsiName(targetName);
    }
}
