package io.brick.testkit.host;

/** The kinds of fault a {@link Faults} can inject; {@link Oracle#fired()} reports which fired. */
public enum FaultKind {
    /** A login refused: bad credentials or a target that is gone. */
    LOGIN_REFUSED,
    /** A login that never answers, until the command's timeout. */
    LOGIN_HANGS,
    /** A login to one portal that takes longer than usual. */
    SLOW_LOGIN,
    /** A login that fails now and then (the seed decides when). */
    FLAKY_LOGIN,
    /** A portal's path going down right after a login to it. */
    PATH_DOWN_AFTER_LOGIN,
    /** A portal's paths going down. */
    PATH_DOWN,
    /** A portal's paths coming back. */
    PATH_UP,
    /** A path going down while a map over it is flushed. */
    PATH_DOWN_DURING_FLUSH,
    /** A map that cannot be flushed: someone holds it. */
    BUSY_MAP,
    /** Every path of a WWID going down. */
    ALL_PATHS_DOWN,
    /** A LUN number given to a new volume. */
    REUSE_LUN,
    /** A device appearing late. */
    SLOW_UDEV,
    /** iscsiadm taking longer than usual. */
    SLOW_ISCSIADM,
    /** iscsiadm failing with a given exit code. */
    ISCSIADM_FAILS,
    /** Two LUNs reporting one WWID. */
    DUPLICATE_WWID,
    /** multipathd not running. */
    MULTIPATHD_DOWN,
    /**
     * multipathd still monitoring a path whose device was removed (a remove uevent it missed, as in the hard-reboot
     * race os-brick fixed in 2025): it lists the path until {@code multipathd del path} is run.
     */
    MULTIPATHD_KEEPS_REMOVED_PATHS,
    /**
     * A multipath map's table being reloaded: for a while its {@code slaves/} and its paths' {@code holders/} are
     * empty in sysfs, while its table (and so multipath and multipathd) still names its paths.
     */
    MAP_RELOAD
}
