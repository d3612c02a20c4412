package io.brick.sysfs.bad4target;

/** The sysfs adapter class the iSCSI sample wrongly uses. */
public final class SysfsTree {
    public String root() {
        return "/sys";
    }
}
