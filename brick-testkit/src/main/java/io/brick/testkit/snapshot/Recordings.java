package io.brick.testkit.snapshot;

import java.util.List;

/**
 * The names of the real-kernel recordings shipped in the testkit (under
 * {@code io/brick/testkit/fixtures/<name>/} on the classpath), for {@link Snapshot#load(String)}.
 *
 * <p>Each was recorded on Debian 12 (kernel 6.1) with the LIO target and open-iscsi over loopback portals, target
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

    private static final List<String> ALL = List.of(A_SINGLE_PORTAL_ONE_LUN, B_TWO_PORTALS_ONE_LUN, E_AFTER_DISCONNECT,
            OSBRICK_ATTACHED, OSBRICK_AFTER_DISCONNECT);

    private Recordings() {
    }

    /** Every recording name, in the order above. */
    public static List<String> all() {
        return ALL;
    }
}
