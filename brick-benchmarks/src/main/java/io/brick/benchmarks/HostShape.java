package io.brick.benchmarks;

import io.brick.testkit.sysfs.FakeSysfs;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The shape of a benchmark host: {@code targets} iSCSI targets, each reached through {@code portals} portals (one
 * session per portal, each on its own SCSI host, as iscsi_tcp makes them) and carrying {@code lunsPerTarget} LUNs; one
 * SCSI disk per (session, LUN) and one multipath map per LUN over its {@code portals} disks.
 *
 * <p>Numbering: session {@code s} (from 1) is on SCSI host {@code s + 1}; target {@code t} (from 0) has sessions
 * {@code t * portals + p + 1} for portal {@code p}; the disk of (target, portal, LUN) is the
 * {@code ((t * lunsPerTarget + lun) * portals + p)}-th {@code sdX} name; the map of (target, LUN) is
 * {@code dm-(t * lunsPerTarget + lun)}.
 *
 * @param targets iSCSI targets
 * @param portals portals per target (sessions per target)
 * @param lunsPerTarget LUNs per target
 */
public record HostShape(int targets, int portals, int lunsPerTarget) {
    private static final Pattern TEXT = Pattern.compile("(\\d{1,6})x(\\d{1,6})x(\\d{1,6})");

    public HostShape {
        if (targets < 1 || portals < 1 || lunsPerTarget < 1) {
            throw new IllegalArgumentException("a host shape has at least one target, portal and LUN: " + targets
                    + "x" + portals + "x" + lunsPerTarget);
        }
    }

    /** {@code 8x2x64}: targets x portals x LUNs per target. */
    public static HostShape parse(String text) {
        Matcher matcher = TEXT.matcher(text);
        if (!matcher.matches()) {
            throw new IllegalArgumentException("not a host shape (targets x portals x luns): " + text);
        }
        return new HostShape(Integer.parseInt(matcher.group(1)), Integer.parseInt(matcher.group(2)),
                Integer.parseInt(matcher.group(3)));
    }

    /** SCSI disks: sessions x LUNs. */
    public int devices() {
        return targets * portals * lunsPerTarget;
    }

    /** iSCSI sessions. */
    public int sessions() {
        return targets * portals;
    }

    /** Multipath maps: one per LUN. */
    public int maps() {
        return targets * lunsPerTarget;
    }

    /** The session of (target, portal). */
    public int session(int target, int portal) {
        return target * portals + portal + 1;
    }

    /** The SCSI host of a session. */
    public static int hostOf(int session) {
        return session + 1;
    }

    /** The kernel name of the disk of (target, portal, LUN). */
    public String disk(int target, int portal, int lun) {
        return FakeSysfs.diskName((target * lunsPerTarget + lun) * portals + portal);
    }

    /** The kernel name of the map of (target, LUN). */
    public String map(int target, int lun) {
        return "dm-" + (target * lunsPerTarget + lun);
    }

    /** The IQN of a target. */
    public static String iqn(int target) {
        return "iqn.2010-10.org.openstack:volume-" + String.format(Locale.ROOT, "%08x", target);
    }

    /** The portal address of portal {@code p}: {@code 10.0.<p>.1}. */
    public static String address(int portal) {
        return "10.0." + portal + ".1";
    }

    /** The WWID (udev form, LIO's NAA) of (target, LUN). */
    public static String wwid(int target, int lun) {
        return "36001405" + String.format(Locale.ROOT, "%013x%012x", target, lun);
    }

    @Override
    public String toString() {
        return targets + "x" + portals + "x" + lunsPerTarget;
    }
}
