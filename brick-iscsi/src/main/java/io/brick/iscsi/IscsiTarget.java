package io.brick.iscsi;

import io.brick.core.model.Lun;
import io.brick.iscsi.SessionManager.Node;

import static java.util.Objects.requireNonNull;

/**
 * One path of a volume: the LUN behind a target on a portal (os-brick's {@code (portal, iqn, lun)} triple).
 *
 * @param portal the portal (a {@code ,tpgt} suffix of the input is dropped)
 * @param iqn the target
 * @param lun the LUN to scan for and match in sysfs: already transformed by the volume's addressing mode
 */
public record IscsiTarget(Portal portal, Iqn iqn, Lun lun) {
    public IscsiTarget {
        requireNonNull(portal, "portal is null");
        requireNonNull(iqn, "iqn is null");
        requireNonNull(lun, "lun is null");
    }

    /** The node record this path logs in through. */
    public Node node(String iface) {
        return new Node(iqn, portal, iface);
    }

    @Override
    public String toString() {
        return portal + " " + iqn + " lun " + lun;
    }
}
