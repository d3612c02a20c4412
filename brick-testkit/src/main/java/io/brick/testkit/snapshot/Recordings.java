package io.brick.testkit.snapshot;

import java.util.List;

/**
 * The names of the real-kernel recordings shipped in the testkit (under
 * {@code io/brick/testkit/fixtures/<name>/} on the classpath), for {@link Snapshot#load(String)}.
 *
 * <p>The {@link #all()} ones were recorded on Debian 12 (kernel 6.1) with the LIO target and open-iscsi over loopback portals, target
 * {@code iqn.2003-01.org.linux-iscsi.labvm:target1}, LUN 1 of 128 MiB with WWID
 * {@code 360014053b8c2d6119a414f0b8e275d1c}; see the {@code README.md} beside them.
 */
public final class Recordings {
    /** One portal (127.0.0.1:3260), one session (host2), LUN 1 as sda under a single-path map dm-0. */
    public static final String A_SINGLE_PORTAL_ONE_LUN = "a-single-portal-one-lun";

    /** Two portals, two sessions (host2, host3), LUN 1 as sda and sdb under dm-0. */
    public static final String B_TWO_PORTALS_ONE_LUN = "b-two-portals-one-lun";

    /** {@link #B_TWO_PORTALS_ONE_LUN} after flush, SCSI delete, logout and node deletion: a clean host. */
    public static final String E_AFTER_DISCONNECT = "e-after-disconnect";

    /** After os-brick's {@code connect_volume} with multipath over both portals. */
    public static final String OSBRICK_ATTACHED = "osbrick-attached";

    /** After os-brick's {@code disconnect_volume}; also holds os-brick's command traces and timings. */
    public static final String OSBRICK_AFTER_DISCONNECT = "osbrick-after-disconnect";

    /** Kernel lab: after {@code brick connect} over one portal: LUN 1 under a single-path map. */
    public static final String LAB_SINGLE_PORTAL_ATTACHED = "lab-single-portal-attached";

    /** Kernel lab: after {@code brick connect} over two portals: LUN 1 as two paths under one map. */
    public static final String LAB_TWO_PORTALS_ATTACHED = "lab-two-portals-attached";

    /** Kernel lab: {@link #LAB_TWO_PORTALS_ATTACHED} after {@code brick disconnect}: nothing left. */
    public static final String LAB_TWO_PORTALS_AFTER_DISCONNECT = "lab-two-portals-after-disconnect";

    /** Kernel lab: LUNs 1 and 2 over two portals, then LUN 1 disconnected: both sessions and LUN 2's map kept. */
    public static final String LAB_TWO_LUNS_ONE_DISCONNECTED = "lab-two-luns-one-disconnected";

    /**
     * Kernel lab: LUNs 1 and 2 over one portal that was then deleted on the target: both paths failed; a disconnect
     * of LUN 2 (held open with dirty pages) without {@code --force} failed its flush and removed nothing.
     */
    public static final String LAB_PATH_DOWN_BEFORE_FORCE = "lab-path-down-before-force";

    /**
     * Kernel lab: LUN 1 connected, then deleted and recreated on the target with a new WWID: the old device and its
     * map linger, sysfs still shows the old WWID while {@code scsi_id} (a fresh INQUIRY) answers the new one.
     */
    public static final String LAB_LUN_REUSED_STALE_DEVICE = "lab-lun-reused-stale-device";

    /**
     * Kernel lab: LUNs 1 and 2 over two portals, then LUN 2 deleted on the target: its paths are failed in
     * multipathd while sysfs still says {@code running}.
     */
    public static final String LAB_DOCTOR_LEFTOVER = "lab-doctor-leftover";

    private static final List<String> ALL = List.of(A_SINGLE_PORTAL_ONE_LUN, B_TWO_PORTALS_ONE_LUN, E_AFTER_DISCONNECT,
            OSBRICK_ATTACHED, OSBRICK_AFTER_DISCONNECT);

    private static final List<String> LAB = List.of(LAB_SINGLE_PORTAL_ATTACHED, LAB_TWO_PORTALS_ATTACHED,
            LAB_TWO_PORTALS_AFTER_DISCONNECT, LAB_TWO_LUNS_ONE_DISCONNECTED, LAB_PATH_DOWN_BEFORE_FORCE,
            LAB_LUN_REUSED_STALE_DEVICE, LAB_DOCTOR_LEFTOVER);

    private Recordings() {
    }

    /** The recordings of {@code shared/fixtures} (taken by hand, with os-brick's), in the order above. */
    public static List<String> all() {
        return ALL;
    }

    /**
     * The recordings brick's real-kernel lane took with {@code brick snapshot} ({@code tests/kernel}), each with the
     * tools' outputs of the same moment ({@code commands.json}) and a {@code NOTE.txt}.
     */
    public static List<String> lab() {
        return LAB;
    }
}
