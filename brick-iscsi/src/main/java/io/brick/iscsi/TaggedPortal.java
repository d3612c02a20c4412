package io.brick.iscsi;


import static java.util.Objects.requireNonNull;

/**
 * A portal with its target portal group tag, as iscsiadm prints them together ({@code 127.0.0.1:3260,1},
 * {@code [2001:db8::1]:3260,-1}).
 *
 * @param portal the portal
 * @param tpgt the target portal group tag; {@code -1} when the target's group is unknown (iscsiadm prints it as
 *             {@code -1} or, in node lists, as the unsigned {@code 4294967295})
 */
record TaggedPortal(Portal portal, int tpgt) {
    TaggedPortal {
        requireNonNull(portal, "portal is null");
        if (tpgt < -1 || tpgt > IscsiadmText.MAX_TPGT) {
            throw new IllegalArgumentException("tpgt " + tpgt + " is not from -1 to " + IscsiadmText.MAX_TPGT);
        }
    }

    /** {@code host:port,tpgt}, with brackets around an IPv6 address, as iscsiadm prints it. */
    @Override
    public String toString() {
        return portal + "," + tpgt;
    }
}
