package io.brick.benchmarks;

import io.brick.testkit.sysfs.FakeSysfs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static java.util.Objects.requireNonNull;

/**
 * Writes a host of a {@link HostShape} as the kernel lays it out, at the same paths as the testkit's
 * {@link FakeSysfs} (which a test in this module checks: both trees give the same topology), but only the entries
 * brick's readers and the naive baseline look at: about 15 entries per disk instead of FakeSysfs's ~160.
 *
 * <p>Why not {@link FakeSysfs} itself: it writes every attribute, queue setting and VPD page a real disk has (~160
 * files, links and directories, ~400 KiB on tmpfs per disk), so 64,000 disks would need ~10 million inodes and ~26 GB;
 * and its builder re-derives every udev link and looks for a free {@code sg} index over all disks on each add, which
 * makes building quadratic (1,024 disks take ~28 s). The benchmarks need the shape, not every attribute.
 *
 * <p>Per session: {@code devices/platform/hostH/{scsi_host,iscsi_host}/hostH}, {@code .../sessionN/iscsi_session/sessionN}
 * (targetname, tpgt, state, recovery_tmo, ifacename) and {@code .../connectionN:0/iscsi_connection/connectionN:0}
 * (address, port, persistent_address, persistent_port, state), with their class links. Per disk:
 * {@code .../targetH:0:0/H:0:0:L} (state, vendor, model, wwid), {@code block/sdX} (size, holders/, device link),
 * {@code /sys/block/sdX}, {@code /sys/bus/scsi/devices/H:0:0:L}, {@code /dev/sdX} and its by-path link. Per map:
 * {@code devices/virtual/block/dm-N} (size, dm/name, dm/uuid, slaves/), {@code /sys/block/dm-N}, {@code /dev/dm-N},
 * {@code /dev/mapper/WWID} and the by-id links udev makes for a map ({@code dm-name-}, {@code dm-uuid-mpath-},
 * {@code scsi-}, {@code wwn-}).
 */
public final class LeanHostTree {
    /** Disk size: 1 GiB, as FakeSysfs's default. */
    public static final long DISK_BYTES = 1L << 30;

    private final Path root;

    private LeanHostTree(Path root) {
        this.root = requireNonNull(root, "root is null");
    }

    /** Writes the host of {@code shape} under {@code root} (which must be empty or absent). */
    public static void write(Path root, HostShape shape) {
        new LeanHostTree(root.toAbsolutePath()).writeAll(requireNonNull(shape, "shape is null"));
    }

    private void writeAll(HostShape shape) {
        for (String each : new String[] {"sys/block", "sys/bus/scsi/devices", "sys/class/iscsi_session",
                "sys/class/iscsi_connection", "sys/class/iscsi_host", "sys/class/scsi_host", "sys/devices/platform",
                "sys/devices/virtual/block", "dev/disk/by-id", "dev/disk/by-path", "dev/mapper"}) {
            mkdirs(each);
        }
        write("etc/iscsi/initiatorname.iscsi", "InitiatorName=" + FakeSysfs.DEFAULT_INITIATOR + "\n");
        for (int target = 0; target < shape.targets(); target++) {
            String iqn = HostShape.iqn(target);
            String[] sessionDirs = new String[shape.portals()];
            for (int portal = 0; portal < shape.portals(); portal++) {
                sessionDirs[portal] = session(shape.session(target, portal), iqn, HostShape.address(portal));
            }
            for (int lun = 0; lun < shape.lunsPerTarget(); lun++) {
                String wwid = HostShape.wwid(target, lun);
                String[] blocks = new String[shape.portals()];
                for (int portal = 0; portal < shape.portals(); portal++) {
                    int host = HostShape.hostOf(shape.session(target, portal));
                    blocks[portal] = disk(sessionDirs[portal], host, lun, shape.disk(target, portal, lun), wwid, iqn,
                            HostShape.address(portal));
                }
                map(shape.map(target, lun), wwid, blocks);
            }
        }
    }

    /** One session on its own host; returns the session's device directory. */
    private String session(int session, String iqn, String address) {
        int host = HostShape.hostOf(session);
        String hostDir = "sys/devices/platform/host" + host;
        String scsiHost = hostDir + "/scsi_host/host" + host;
        attr(scsiHost + "/proc_name", "iscsi_tcp");
        link("sys/class/scsi_host/host" + host, scsiHost);
        String iscsiHost = hostDir + "/iscsi_host/host" + host;
        attr(iscsiHost + "/ipaddress", "192.0.2.10");
        link("sys/class/iscsi_host/host" + host, iscsiHost);

        String sessionDir = hostDir + "/session" + session;
        String attrs = sessionDir + "/iscsi_session/session" + session;
        attr(attrs + "/targetname", iqn);
        attr(attrs + "/tpgt", "1");
        attr(attrs + "/state", "LOGGED_IN");
        attr(attrs + "/recovery_tmo", "120");
        attr(attrs + "/ifacename", "default");
        link("sys/class/iscsi_session/session" + session, attrs);

        String connection = "connection" + session + ":0";
        String conn = sessionDir + "/" + connection + "/iscsi_connection/" + connection;
        attr(conn + "/address", address);
        attr(conn + "/port", "3260");
        attr(conn + "/persistent_address", address);
        attr(conn + "/persistent_port", "3260");
        attr(conn + "/state", "up");
        link("sys/class/iscsi_connection/" + connection, conn);
        return sessionDir;
    }

    /** One disk at {@code H:0:0:L} of a session; returns its block directory. */
    private String disk(String sessionDir, int host, int lun, String name, String wwid, String iqn, String address) {
        String hctl = host + ":0:0:" + lun;
        String deviceDir = sessionDir + "/target" + host + ":0:0/" + hctl;
        attr(deviceDir + "/state", "running");
        attr(deviceDir + "/vendor", pad("LIO-ORG", 8));
        attr(deviceDir + "/model", pad("lun" + lun, 16));
        attr(deviceDir + "/wwid", "naa." + wwid.substring(1));
        String block = deviceDir + "/block/" + name;
        attr(block + "/size", Long.toString(DISK_BYTES / 512));
        mkdirs(block + "/holders");
        link(block + "/device", deviceDir);
        link("sys/block/" + name, block);
        link("sys/bus/scsi/devices/" + hctl, deviceDir);
        write("dev/" + name, "");
        link("dev/disk/by-path/ip-" + address + ":3260-iscsi-" + iqn + "-lun-" + lun, "dev/" + name);
        return block;
    }

    private void map(String name, String wwid, String[] blocks) {
        String dir = "sys/devices/virtual/block/" + name;
        attr(dir + "/size", Long.toString(DISK_BYTES / 512));
        attr(dir + "/dm/name", wwid);
        attr(dir + "/dm/uuid", "mpath-" + wwid);
        mkdirs(dir + "/slaves");
        for (String block : blocks) {
            String disk = block.substring(block.lastIndexOf('/') + 1);
            link(dir + "/slaves/" + disk, block);
            link(block + "/holders/" + name, dir);
        }
        link("sys/block/" + name, dir);
        write("dev/" + name, "");
        link("dev/mapper/" + wwid, "dev/" + name);
        for (String byId : new String[] {"dm-name-" + wwid, "dm-uuid-mpath-" + wwid, "scsi-" + wwid,
                "wwn-0x" + wwid.substring(1)}) {
            link("dev/disk/by-id/" + byId, "dev/" + name);
        }
    }

    private static String pad(String text, int width) {
        return text.length() >= width ? text : text + " ".repeat(width - text.length());
    }

    private void attr(String relative, String value) {
        write(relative, value + "\n");
    }

    private void write(String relative, String text) {
        Path path = root.resolve(relative);
        try {
            Files.createDirectories(path.getParent());
            Files.write(path, text.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + path, e);
        }
    }

    private void mkdirs(String relative) {
        try {
            Files.createDirectories(root.resolve(relative));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + relative, e);
        }
    }

    /** A relative symlink, as sysfs and udev make them. */
    private void link(String link, String target) {
        Path linkPath = root.resolve(link);
        Path targetPath = root.resolve(target);
        try {
            Files.createDirectories(linkPath.getParent());
            Files.createSymbolicLink(linkPath, linkPath.getParent().relativize(targetPath));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot link " + linkPath + " to " + targetPath, e);
        }
    }
}
