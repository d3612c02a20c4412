package io.brick.iscsi.bad4;

import io.brick.sysfs.bad4target.SysfsTree;

/** Bad for rule 4 only: one adapter (iscsi) using another (sysfs) directly. */
final class UsesSysfs {
    private final SysfsTree tree = new SysfsTree();

    String root() {
        return tree.root();
    }
}
