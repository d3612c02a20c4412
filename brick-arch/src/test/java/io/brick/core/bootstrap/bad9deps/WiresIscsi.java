package io.brick.core.bootstrap.bad9deps;

import io.brick.iscsi.good8.nodes.Node;

/** Bad for rule 9 only (the bootstrap may use Guice, not a transport): core's bootstrap naming an iSCSI class. */
public final class WiresIscsi {
    private WiresIscsi() {
    }

    public static String name() {
        return new Node("iqn.2001-04.com.example:disk1").name();
    }
}
