package io.brick.benchmarks;

import io.brick.testkit.sysfs.FakeSysfs;

import java.nio.file.Path;
import java.util.Locale;

import static java.util.Objects.requireNonNull;

/**
 * Writes the host of a {@link HostShape} with the testkit's {@link FakeSysfs}: one iSCSI session per (target, portal),
 * one disk per (session, LUN), one multipath map per (target, LUN) over its portals' disks. The benchmarks' trees are
 * {@link FakeSysfs.Detail#READERS} trees: every directory, link and {@code /dev} node the kernel and udev make, and the
 * attributes brick's readers and the walk-everything baseline read (a test in this module checks that brick reads the
 * same topology from it as from a full {@link FakeSysfs.Detail#KERNEL} tree of the same host).
 *
 * <pre>java -cp brick-benchmarks/target/benchmarks.jar io.brick.benchmarks.HostTree SHAPE DIR [KERNEL|READERS]</pre>
 */
public final class HostTree {
    private HostTree() {
    }

    /** Writes the host of {@code shape} under {@code root} (which must be empty or absent), as the benchmarks use it. */
    public static void write(Path root, HostShape shape) {
        write(root, shape, FakeSysfs.Detail.READERS);
    }

    /** Writes the host of {@code shape} under {@code root} with {@code detail}. */
    public static FakeSysfs write(Path root, HostShape shape, FakeSysfs.Detail detail) {
        requireNonNull(shape, "shape is null");
        FakeSysfs sysfs = FakeSysfs.create(root, detail);
        for (int target = 0; target < shape.targets(); target++) {
            String iqn = HostShape.iqn(target);
            for (int portal = 0; portal < shape.portals(); portal++) {
                int session = shape.session(target, portal);
                String address = HostShape.address(portal);
                sysfs.iscsiSession(HostShape.hostOf(session), session, spec -> spec.target(iqn).portal(address, 3260));
            }
            for (int lun = 0; lun < shape.lunsPerTarget(); lun++) {
                String wwid = HostShape.wwid(target, lun);
                String[] disks = new String[shape.portals()];
                for (int portal = 0; portal < shape.portals(); portal++) {
                    disks[portal] = shape.disk(target, portal, lun);
                    sysfs.scsiDevice(HostShape.hostOf(shape.session(target, portal)) + ":0:0:" + lun, disks[portal],
                            spec -> spec.wwid(wwid));
                }
                sysfs.multipathMap(shape.map(target, lun), spec -> spec.wwid(wwid).slaves(disks));
            }
        }
        return sysfs;
    }

    /**
     * Builds one host and prints how long it took.
     *
     * @param args the shape ({@code 8x2x64}), an absent or empty directory, and the detail (default READERS)
     */
    public static void main(String[] args) {
        HostShape shape = HostShape.parse(args[0]);
        Path root = Path.of(args[1]);
        FakeSysfs.Detail detail = args.length > 2 ? FakeSysfs.Detail.valueOf(args[2]) : FakeSysfs.Detail.READERS;
        long start = System.nanoTime();
        write(root, shape, detail);
        System.out.printf(Locale.ROOT, "%s (%d disks, %d maps) %s: built in %.2f s%n", shape, shape.devices(),
                shape.maps(), detail, (System.nanoTime() - start) / 1e9);
    }
}
