package io.brick.testkit.sysfs;

import io.brick.core.host.HostRoot;
import io.brick.core.model.DeviceState;
import io.brick.core.model.Hctl;
import io.brick.core.model.Lun;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static java.util.Objects.requireNonNull;

/**
 * Builds a kernel-shaped host tree in a directory: {@code <dir>/sys}, {@code <dir>/dev}, {@code <dir>/etc} and
 * {@code <dir>/run/udev/data}, in exactly the layout a Linux 6.1 kernel, udev and multipath-tools give them (the recordings in
 * {@code shared/fixtures} are the reference), so that brick's production sysfs adapter, pointed at
 * {@link #hostRoot()}, cannot tell it from a real host for anything it reads.
 *
 * <p>What it writes, per call:
 * <ul>
 *     <li>{@link #iscsiSession}: an iscsi_tcp SCSI host ({@code devices/platform/hostH} with {@code iscsi_host/hostH}
 *     and {@code scsi_host/hostH}, {@code scan} included), its session ({@code hostH/sessionN/iscsi_session/sessionN})
 *     and connection ({@code sessionN/connectionN:0/iscsi_connection/connectionN:0}), with the class and bus links
 *     ({@code /sys/class/iscsi_host/hostH}, {@code /sys/class/scsi_host/hostH},
 *     {@code /sys/class/iscsi_session/sessionN}, {@code /sys/class/iscsi_connection/connectionN:0},
 *     {@code /sys/bus/scsi/devices/hostH});</li>
 *     <li>{@link #fcHost} and {@link #fcRemotePort}: an FC HBA under its PCI path ({@code fc_host/hostH},
 *     {@code scsi_host/hostH}) and remote ports ({@code hostH/rport-H:C-N/fc_remote_ports/rport-H:C-N}), linked from
 *     {@code /sys/class/fc_host} and {@code /sys/class/fc_remote_ports};</li>
 *     <li>{@link #scsiDevice}: a disk LUN under its session or remote port: the target directory
 *     ({@code targetH:C:T}, for FC with {@code fc_transport/targetH:C:T}) when it is the first LUN, the device
 *     ({@code H:C:T:L} with {@code wwid}, {@code vendor}, {@code model}, {@code rev}, {@code state},
 *     {@code vpd_pg80}, {@code vpd_pg83}, {@code inquiry}, {@code delete}, {@code rescan}, ...), its
 *     {@code block/sdX} ({@code size} in 512-byte sectors, {@code dev}, {@code ro}, {@code holders/},
 *     {@code slaves/}), {@code scsi_device}, {@code scsi_disk}, {@code bsg} and {@code scsi_generic} children, every
 *     class and bus link ({@code /sys/block/sdX}, {@code /sys/class/block/sdX}, {@code /sys/dev/block/M:m},
 *     {@code /sys/bus/scsi/devices/H:C:T:L}, {@code /sys/bus/scsi/drivers/sd/H:C:T:L}, ...), the node
 *     {@code /dev/sdX} (an empty file) and the udev links ({@code /dev/disk/by-path/ip-...-iscsi-...-lun-L} or
 *     {@code pci-...-fc-0x...-lun-L}, {@code /dev/disk/by-id/scsi-1...}, {@code scsi-S...}, {@code scsi-<wwid>},
 *     {@code wwn-0x...}), and udev's database entry {@code /run/udev/data/b<major>:<minor>} listing those links
 *     ({@code S:disk/by-id/...}) and its properties ({@code E:ID_SERIAL=...}); the recordings have no {@code /run},
 *     and the recorded-tree comparisons look only at what they recorded;</li>
 *     <li>{@link #multipathMap}: {@code /sys/devices/virtual/block/dm-N} ({@code dm/name}, {@code dm/uuid},
 *     {@code dm/suspended}, {@code size}, {@code dev}, {@code slaves/sdX}) with {@code holders/dm-N} in each path
 *     device, {@code /dev/dm-N}, {@code /dev/mapper/<name>}, and the by-id links udev gives a map:
 *     {@code dm-name-}, {@code dm-uuid-mpath-}, and {@code scsi-<wwid>} and {@code wwn-0x...}, which now point to the
 *     map instead of a path (as in the recordings).</li>
 * </ul>
 * Every symbolic link is relative, as the kernel's are. File modes are not reproduced: write-only attributes
 * ({@code scan}, {@code delete}, {@code rescan}) are empty regular files a test can write to and read back.
 *
 * <p>The methods that change the tree afterwards ({@link #removeScsiDevice}, {@link #removeMultipathMap},
 * {@link #removeSession}, {@link #removeFcRemotePort}, {@link #removeHost}, {@link #deviceState},
 * {@link #sizeBytes}, {@link #sessionState}, ...) do what the kernel and udev do, links and all: removing the last
 * LUN of a target removes the target directory; removing a path device takes it out of its map; logging out an
 * iscsi_tcp session removes its host.
 *
 * <p>A two-portal multipath volume:
 * <pre>{@code
 * FakeSysfs host = FakeSysfs.create(dir)
 *     .iscsiSession(2, 1, s -> s.target("iqn.2003-01.org.linux-iscsi.labvm:target1").portal("127.0.0.1", 3260))
 *     .iscsiSession(3, 2, s -> s.target("iqn.2003-01.org.linux-iscsi.labvm:target1").portal("127.0.0.2", 3260))
 *     .scsiDevice("2:0:0:1", "sda", d -> d.wwid("360014053b8c2d6119a414f0b8e275d1c").sizeBytes(128L << 20))
 *     .scsiDevice("3:0:0:1", "sdb", d -> d.wwid("360014053b8c2d6119a414f0b8e275d1c").sizeBytes(128L << 20))
 *     .multipathMap("dm-0", m -> m.wwid("360014053b8c2d6119a414f0b8e275d1c").slaves("sda", "sdb"));
 * TopologyProvider topology = ... // the sysfs adapter on host.hostRoot()
 * }</pre>
 *
 * <p>Methods are synchronized: a simulated host may change the tree from several threads. Misuse (a device on a
 * host that does not exist, a name used twice) is an {@link IllegalStateException} or
 * {@link IllegalArgumentException}; I/O failures are {@link java.io.UncheckedIOException}s.
 */
public final class FakeSysfs {
    /** How much of what the kernel shows a fake host writes. */
    public enum Detail {
        /**
         * Everything: every attribute, VPD page, queue setting, class and bus link a real host shows (about 160
         * files, links and directories per disk), as the recorded-tree comparisons check.
         */
        KERNEL,
        /**
         * What brick's readers and the benchmarks' baseline read, at the same places: the {@code /dev} nodes and
         * udev links, the links brick follows ({@code /sys/block}, {@code /sys/bus/scsi/devices}, the iSCSI, SCSI host
         * and FC classes, {@code device}, {@code holders}, {@code slaves}), and the attributes it reads or writes
         * (state, vendor, model, wwid, vpd_pg83, size, dm name and uuid, the session's and connection's addressing,
         * delete, rescan, scan, ...); no class devices under a disk, queue settings, other VPD pages or counters.
         * brick reads the same topology from it as from a {@link #KERNEL} tree (a benchmark test checks that), and
         * a disk takes about 30 entries instead of about 160, so a host of 65,536 disks fits a common tmpfs.
         */
        READERS
    }

    /** The initiator name written to {@code /etc/iscsi/initiatorname.iscsi} and sessions unless set otherwise. */
    public static final String DEFAULT_INITIATOR = "iqn.1993-08.org.debian:01:brick";

    private static final String SYS = "sys/";
    private static final String DEV = "dev/";
    private static final String BY_ID = DEV + "disk/by-id/";
    private static final String BY_PATH = DEV + "disk/by-path/";
    private static final String UDEV_DATA = "run/udev/data/";
    private static final Pattern DISK_NAME = Pattern.compile("sd[a-z]{1,4}");
    private static final Pattern DM_NAME = Pattern.compile("dm-(\\d{1,6})");
    private static final Pattern WWN = Pattern.compile("(0x)?[0-9a-fA-F]{16}");
    private static final Pattern PCI_ADDRESS = Pattern.compile("[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\\.[0-7]");
    private static final Pattern LIO_WWID = Pattern.compile("36001405([0-9a-f]{25})");
    private static final int SG_MAJOR = 21;
    private static final int BSG_MAJOR = 248;
    private static final int DM_MAJOR = 253;
    private static final Comparator<String> DISK_ORDER =
            Comparator.comparingInt(FakeSysfs::diskIndex).thenComparing(Comparator.naturalOrder());

    /**
     * The attribute files brick's sysfs readers and the benchmarks' walk-everything baseline read or write (by file
     * name): what a {@link Detail#READERS} tree keeps of the files.
     */
    private static final Set<String> READ_BY_BRICK = Set.of("address", "dev", "hostname", "ifacename",
            "initiatorname.iscsi", "ipaddress", "model", "name", "node_name", "persistent_address", "persistent_port",
            "port", "port_id", "port_name", "port_state", "proc_name", "recovery_tmo", "ro", "scsi_target_id", "size",
            "state", "targetname", "tpgt", "uuid", "vendor", "vpd_pg83", "wwid", "delete", "rescan", "scan");
    /** The class devices under a SCSI device and the block queue: nothing there is read by brick. */
    private static final List<String> UNREAD_DIRECTORIES = List.of("/scsi_device/", "/scsi_disk/", "/bsg/",
            "/scsi_generic/", "/queue/", "/iscsi_transport/");
    /** Links nobody of brick follows: class and driver links, {@code /sys/dev/block}, {@code /sys/class/block}. */
    private static final Set<String> UNREAD_LINK_NAMES = Set.of("subsystem", "driver", "generic", "bdi");
    private static final List<String> UNREAD_LINK_PREFIXES = List.of(SYS + "class/block/", SYS + "class/bsg/",
            SYS + "class/scsi_generic/", SYS + "class/scsi_disk/", SYS + "class/scsi_device/",
            SYS + "class/iscsi_transport/", SYS + "dev/block/", SYS + "bus/scsi/drivers/");

    private final Tree tree;
    private final Map<Integer, Host> hosts = new TreeMap<>();
    private final Map<Integer, Session> sessions = new TreeMap<>();
    /** Every session id this tree has had: the kernel never gives a new session an id an earlier one had. */
    private final java.util.NavigableSet<Integer> sessionIds = new java.util.TreeSet<>();
    private final Map<String, RemotePort> remotePorts = new TreeMap<>();
    private final Map<String, Disk> disks = new TreeMap<>(DISK_ORDER);
    private final Map<Integer, DmMap> maps = new TreeMap<>();
    /** The {@code /dev/disk/by-id} links written, each to the device it points to ({@code sda}, {@code dm-0}). */
    private final Map<String, String> udevLinks = new HashMap<>();
    /** Per by-id link name, the disks that would give it (the first in kernel order does). */
    private final Map<String, TreeSet<String>> diskLinkClaims = new HashMap<>();
    /** Per by-id link name, the maps that give it (the highest number does, over any disk). */
    private final Map<String, TreeSet<Integer>> mapLinkClaims = new HashMap<>();
    /** Disks by address, sg indices and disk indices in use, LUNs per target directory: no search over all disks. */
    private final Map<Hctl, String> disksByAddress = new HashMap<>();
    private final BitSet sgInUse = new BitSet();
    private final BitSet diskIndicesInUse = new BitSet();
    private final Map<String, Integer> lunsPerTarget = new HashMap<>();
    private long diskseq = 1;

    private FakeSysfs(Tree tree) {
        this.tree = tree;
    }

    /**
     * Makes an empty host under {@code dir}: the {@code /sys} class, bus and device directories a host with the
     * SCSI, iSCSI and device-mapper drivers loaded has (and no FC classes until an FC host is added),
     * {@code /dev/disk/by-id}, {@code /dev/disk/by-path}, {@code /dev/mapper}, and
     * {@code /etc/iscsi/initiatorname.iscsi} naming {@link #DEFAULT_INITIATOR}.
     */
    public static FakeSysfs create(Path dir) {
        return create(dir, Detail.KERNEL);
    }

    /**
     * Makes an empty host under {@code dir} as {@link #create(Path)} does, writing {@code detail} of what the kernel
     * shows: {@link Detail#READERS} for benchmark hosts of tens of thousands of disks.
     */
    public static FakeSysfs create(Path dir, Detail detail) {
        requireNonNull(dir, "dir is null");
        requireNonNull(detail, "detail is null");
        Tree tree = detail == Detail.KERNEL ? new Tree(dir.toAbsolutePath(), path -> true, path -> true)
                : new Tree(dir.toAbsolutePath(), FakeSysfs::readByBrick, FakeSysfs::followedByBrick);
        for (String each : List.of("block", "bus/scsi/devices", "bus/scsi/drivers/sd", "class/block", "class/bsg",
                "class/iscsi_connection", "class/iscsi_endpoint", "class/iscsi_host", "class/iscsi_iface",
                "class/iscsi_session", "class/iscsi_transport", "class/scsi_device", "class/scsi_disk",
                "class/scsi_generic", "class/scsi_host", "dev/block", "devices/platform", "devices/virtual/block")) {
            tree.mkdirs(SYS + each);
        }
        for (String each : List.of("disk/by-id", "disk/by-path", "mapper")) {
            tree.mkdirs(DEV + each);
        }
        tree.mkdirs("etc");
        tree.mkdirs(UDEV_DATA);
        FakeSysfs sysfs = new FakeSysfs(tree);
        sysfs.initiatorName(DEFAULT_INITIATOR);
        return sysfs;
    }

    /** The directory holding {@code sys}, {@code dev} and {@code etc}. */
    public Path root() {
        return tree.root();
    }

    /** The host root to give brick's adapters: {@code <dir>/sys}, {@code <dir>/dev}, {@code <dir>/etc}, {@code <dir>/run}. */
    public HostRoot hostRoot() {
        return HostRoot.under(tree.root().toString());
    }

    /** Writes {@code /etc/iscsi/initiatorname.iscsi} ({@code InitiatorName=<iqn>}). */
    public synchronized FakeSysfs initiatorName(String iqn) {
        requireNonNull(iqn, "iqn is null");
        tree.write("etc/iscsi/initiatorname.iscsi", "InitiatorName=" + iqn + "\n");
        return this;
    }

    // ---------------------------------------------------------------------------------------------- iSCSI

    /**
     * Adds a logged-in iSCSI session {@code sessionN} on a new iscsi_tcp SCSI host {@code hostH} (iscsi_tcp makes
     * one host per session), with its one connection {@code connectionN:0}.
     *
     * @throws IllegalStateException when the host or the session exists already
     */
    public synchronized FakeSysfs iscsiSession(int host, int session, Consumer<IscsiSessionSpec> configure) {
        requireNonNull(configure, "configure is null");
        if (hosts.containsKey(host)) {
            throw new IllegalStateException("host" + host + " exists already (iscsi_tcp makes one host per session)");
        }
        if (sessions.containsKey(session)) {
            throw new IllegalStateException("session" + session + " exists already");
        }
        if (sessionIds.contains(session)) {
            // iscsi_add_session numbers sessions from a counter (iscsi_session_nr) that only grows until reboot
            throw new IllegalStateException("session" + session + " existed before: the kernel never reuses a session"
                    + " id until the host reboots");
        }
        sessionIds.add(session);
        IscsiSessionSpec spec = new IscsiSessionSpec();
        configure.accept(spec);
        ensureIscsiTransport();

        String hostDir = SYS + "devices/platform/host" + host;
        scsiHost(host, hostDir, spec.driver);
        String iscsiHost = hostDir + "/iscsi_host/host" + host;
        tree.attr(iscsiHost + "/hwaddress", "(null)");
        tree.attr(iscsiHost + "/initiatorname", "(null)");
        tree.attr(iscsiHost + "/ipaddress", spec.localAddress == null ? spec.address : spec.localAddress);
        tree.attr(iscsiHost + "/netdev", "(null)");
        tree.write(iscsiHost + "/uevent", "");
        tree.link(iscsiHost + "/device", hostDir);
        tree.link(iscsiHost + "/subsystem", SYS + "class/iscsi_host");
        tree.link(SYS + "class/iscsi_host/host" + host, iscsiHost);

        String sessionDir = hostDir + "/session" + session;
        tree.write(sessionDir + "/uevent", "");
        String attrs = sessionDir + "/iscsi_session/session" + session;
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("abort_tmo", 15);
        values.put("creator", 1);
        values.put("data_pdu_in_order", 0);
        values.put("data_seq_in_order", 0);
        values.put("erl", 0);
        values.put("fast_abort", 1);
        values.put("first_burst_len", 65536);
        values.put("ifacename", spec.ifaceName);
        values.put("immediate_data", 1);
        values.put("initial_r2t", 1);
        values.put("initiatorname", spec.initiatorName);
        values.put("lu_reset_tmo", 30);
        values.put("max_burst_len", 262144);
        values.put("max_outstanding_r2t", 1);
        values.put("password", "(null)");
        values.put("password_in", "(null)");
        values.put("recovery_tmo", spec.recoveryTmo);
        values.put("state", spec.state);
        values.put("target_id", 0);
        values.put("target_state", spec.targetState);
        values.put("targetname", spec.target);
        values.put("tgt_reset_tmo", 30);
        values.put("tpgt", spec.tpgt);
        values.put("username", spec.username);
        values.put("username_in", "(null)");
        values.forEach((name, value) -> tree.attr(attrs + "/" + name, value));
        tree.write(attrs + "/uevent", "");
        tree.link(attrs + "/device", sessionDir);
        tree.link(attrs + "/subsystem", SYS + "class/iscsi_session");
        tree.link(SYS + "class/iscsi_session/session" + session, attrs);

        String connection = "connection" + session + ":0";
        String connectionDir = sessionDir + "/" + connection;
        tree.write(connectionDir + "/uevent", "");
        String conn = connectionDir + "/iscsi_connection/" + connection;
        Map<String, Object> connValues = new LinkedHashMap<>();
        connValues.put("address", spec.address);
        connValues.put("data_digest", 0);
        connValues.put("exp_statsn", 1);
        connValues.put("header_digest", 0);
        connValues.put("local_port", spec.localPort);
        connValues.put("max_recv_dlength", 262144);
        connValues.put("max_xmit_dlength", 262144);
        connValues.put("persistent_address", spec.address);
        connValues.put("persistent_port", spec.port);
        connValues.put("ping_tmo", 5);
        connValues.put("port", spec.port);
        connValues.put("recv_tmo", 5);
        connValues.put("state", spec.connectionState);
        connValues.forEach((name, value) -> tree.attr(conn + "/" + name, value));
        tree.write(conn + "/uevent", "");
        tree.link(conn + "/device", connectionDir);
        tree.link(conn + "/subsystem", SYS + "class/iscsi_connection");
        tree.link(SYS + "class/iscsi_connection/" + connection, conn);

        hosts.put(host, new Host(host, hostDir, Optional.empty()));
        sessions.put(session, new Session(session, host, sessionDir, spec.target, spec.address, spec.port, spec.tpgt));
        return this;
    }

    /** Sets a session's {@code state} ({@code LOGGED_IN}, {@code FAILED}, {@code FREE}). */
    public synchronized FakeSysfs sessionState(int session, String state) {
        Session found = session(session);
        tree.attr(found.dir + "/iscsi_session/session" + session + "/state", requireNonNull(state, "state is null"));
        return this;
    }

    /** Sets the state of a session's connection ({@code up}, {@code down}, {@code failed}). */
    public synchronized FakeSysfs connectionState(int session, String state) {
        Session found = session(session);
        String connection = "connection" + session + ":0";
        tree.attr(found.dir + "/" + connection + "/iscsi_connection/" + connection + "/state",
                requireNonNull(state, "state is null"));
        return this;
    }

    /** The highest session id this tree has had (0 for none): a new session's id is above it, as the kernel's. */
    public synchronized int highestSessionId() {
        return sessionIds.isEmpty() ? 0 : sessionIds.last();
    }

    /**
     * Removes an iSCSI session as a logout does: its SCSI devices (and their places in multipath maps), its
     * targets, the session and its connection, and the iscsi_tcp host that carried it.
     */
    public synchronized FakeSysfs removeSession(int session) {
        Session found = session(session);
        removeHost(found.host);
        return this;
    }

    // ---------------------------------------------------------------------------------------------- Fibre Channel

    /**
     * Adds a Fibre Channel HBA port as SCSI host {@code hostH} under its PCI device path, with
     * {@code fc_host/hostH} and {@code scsi_host/hostH}; the first one creates the {@code fc_host},
     * {@code fc_remote_ports} and {@code fc_transport} classes.
     */
    public synchronized FakeSysfs fcHost(int host, Consumer<FcHostSpec> configure) {
        requireNonNull(configure, "configure is null");
        if (hosts.containsKey(host)) {
            throw new IllegalStateException("host" + host + " exists already");
        }
        FcHostSpec spec = new FcHostSpec();
        spec.pciPath = String.format(Locale.ROOT, "pci0000:00/0000:00:03.0/0000:05:00.%d", host % 8);
        configure.accept(spec);
        for (String each : List.of("fc_host", "fc_remote_ports", "fc_transport")) {
            tree.mkdirs(SYS + "class/" + each);
        }
        String hostDir = SYS + "devices/" + spec.pciPath + "/host" + host;
        scsiHost(host, hostDir, spec.driver);
        String fc = hostDir + "/fc_host/host" + host;
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("dev_loss_tmo", 30);
        values.put("fabric_name", spec.fabricName);
        values.put("max_npiv_vports", 254);
        values.put("node_name", spec.nodeName);
        values.put("npiv_vports_inuse", 0);
        values.put("port_id", "0x010100");
        values.put("port_name", spec.portName);
        values.put("port_state", spec.portState);
        values.put("port_type", "NPort (fabric via point-to-point)");
        values.put("speed", spec.speed);
        values.put("supported_classes", "Class 3");
        values.put("supported_speeds", "4 Gbit, 8 Gbit, 16 Gbit");
        values.put("symbolic_name", "brick fake HBA");
        values.put("tgtid_bind_type", "wwpn (World Wide Port Name)");
        values.forEach((name, value) -> tree.attr(fc + "/" + name, value));
        tree.write(fc + "/issue_lip", "");
        tree.write(fc + "/uevent", "");
        tree.link(fc + "/device", hostDir);
        tree.link(fc + "/subsystem", SYS + "class/fc_host");
        tree.link(SYS + "class/fc_host/host" + host, fc);
        hosts.put(host, new Host(host, hostDir, Optional.of(spec.pciPath)));
        return this;
    }

    /** Sets an FC host's {@code port_state} ({@code Online}, {@code Linkdown}, ...). */
    public synchronized FakeSysfs fcHostPortState(int host, String state) {
        Host found = host(host);
        if (found.pciPath.isEmpty()) {
            throw new IllegalStateException("host" + host + " is not a Fibre Channel host");
        }
        tree.attr(found.dir + "/fc_host/host" + host + "/port_state", requireNonNull(state, "state is null"));
        return this;
    }

    /**
     * Adds the remote port {@code rport-H:C-N} that FC host H sees; its LUNs are then added with
     * {@link #scsiDevice} at {@code H:C:T:L}, T being its {@link FcRemotePortSpec#scsiTargetId(int) SCSI target id}.
     */
    public synchronized FakeSysfs fcRemotePort(int host, int channel, int number, Consumer<FcRemotePortSpec> configure) {
        requireNonNull(configure, "configure is null");
        Host found = host(host);
        if (found.pciPath.isEmpty()) {
            throw new IllegalStateException("host" + host + " is not a Fibre Channel host");
        }
        String name = "rport-" + host + ":" + channel + "-" + number;
        if (remotePorts.containsKey(name)) {
            throw new IllegalStateException(name + " exists already");
        }
        FcRemotePortSpec spec = new FcRemotePortSpec();
        spec.scsiTargetId = number;
        configure.accept(spec);
        String dir = found.dir + "/" + name;
        tree.write(dir + "/uevent", "");
        String attrs = dir + "/fc_remote_ports/" + name;
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("dev_loss_tmo", spec.devLossTmo);
        values.put("fast_io_fail_tmo", spec.fastIoFailTmo);
        values.put("node_name", spec.nodeName);
        values.put("port_id", spec.portId);
        values.put("port_name", spec.portName);
        values.put("port_state", spec.portState);
        values.put("roles", spec.roles);
        values.put("scsi_target_id", spec.scsiTargetId);
        values.put("supported_classes", "Class 3");
        values.forEach((key, value) -> tree.attr(attrs + "/" + key, value));
        tree.write(attrs + "/uevent", "");
        tree.link(attrs + "/device", dir);
        tree.link(attrs + "/subsystem", SYS + "class/fc_remote_ports");
        tree.link(SYS + "class/fc_remote_ports/" + name, attrs);
        remotePorts.put(name, new RemotePort(name, host, channel, dir, spec.scsiTargetId, spec.portName,
                spec.nodeName, spec.portId));
        return this;
    }

    /** Sets a remote port's {@code port_state} ({@code Online}, {@code Blocked}, ...). */
    public synchronized FakeSysfs fcRemotePortState(int host, int channel, int number, String state) {
        RemotePort port = remotePort(host, channel, number);
        tree.attr(port.dir + "/fc_remote_ports/" + port.name + "/port_state", requireNonNull(state, "state is null"));
        return this;
    }

    /** Removes a remote port with its SCSI devices and target, as the FC transport does at dev_loss_tmo. */
    public synchronized FakeSysfs removeFcRemotePort(int host, int channel, int number) {
        RemotePort port = remotePort(host, channel, number);
        removeDevicesUnder(port.dir + "/");
        tree.delete(port.dir);
        tree.delete(SYS + "class/fc_remote_ports/" + port.name);
        remotePorts.remove(port.name);
        return this;
    }

    // ---------------------------------------------------------------------------------------------- SCSI devices

    /** {@link #scsiDevice(Hctl, String, Consumer)} with the address as the kernel writes it ({@code 2:0:0:1}). */
    public FakeSysfs scsiDevice(String hctl, String kernelName, Consumer<ScsiDeviceSpec> configure) {
        return scsiDevice(Hctl.parse(hctl), kernelName, configure);
    }

    /**
     * Adds a SCSI disk at {@code H:C:T:L} named {@code sdX}: under host H's session for an iSCSI host, under the
     * remote port of channel C whose SCSI target id is T for an FC host. The target directory is created with the
     * first LUN.
     *
     * @throws IllegalStateException when the host (or the FC remote port) does not exist, or the name or the address
     *                               is taken
     */
    public synchronized FakeSysfs scsiDevice(Hctl hctl, String kernelName, Consumer<ScsiDeviceSpec> configure) {
        requireNonNull(hctl, "hctl is null");
        requireNonNull(kernelName, "kernelName is null");
        requireNonNull(configure, "configure is null");
        if (!DISK_NAME.matcher(kernelName).matches()) {
            throw new IllegalArgumentException("'" + kernelName + "' is not a SCSI disk name (sda, sdb, ..., sdaa)");
        }
        if (disks.containsKey(kernelName)) {
            throw new IllegalStateException(kernelName + " exists already");
        }
        if (deviceAt(hctl).isPresent()) {
            throw new IllegalStateException("a device exists already at " + hctl);
        }
        ScsiDeviceSpec spec = new ScsiDeviceSpec();
        configure.accept(spec);
        if (spec.wwid == null) {
            throw new IllegalArgumentException("the device " + kernelName + " needs a WWID");
        }
        Host host = host(hctl.host());
        String lun = Lun.ofUnsigned(hctl.lun()).byPathForm();
        String parent;
        Optional<String> byPath;
        Optional<Vpd.IscsiName> iscsiName;
        Optional<RemotePort> fcPort;
        if (host.pciPath.isEmpty()) {
            Session session = sessions.values().stream().filter(each -> each.host == host.number).findFirst()
                    .orElseThrow(() -> new IllegalStateException("host" + host.number + " has no session"));
            parent = session.dir;
            byPath = Optional.of("ip-" + unbracketed(session.address) + ":" + session.port + "-iscsi-"
                    + session.target + "-lun-" + lun);
            iscsiName = Optional.of(new Vpd.IscsiName(session.target, session.tpgt));
            fcPort = Optional.empty();
        } else {
            RemotePort port = remotePorts.values().stream()
                    .filter(each -> each.host == hctl.host() && each.channel == hctl.channel()
                            && each.scsiTargetId == hctl.target())
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException("host" + hctl.host() + " has no remote port with "
                            + "channel " + hctl.channel() + " and SCSI target id " + hctl.target()));
            parent = port.dir;
            byPath = fcByPathPrefix(host.pciPath.get()).map(prefix -> prefix + "-fc-" + port.portName + "-lun-" + lun);
            iscsiName = Optional.empty();
            fcPort = Optional.of(port);
        }

        String targetDir = parent + "/" + hctl.targetName();
        if (!tree.exists(targetDir)) {
            tree.write(targetDir + "/uevent", "DEVTYPE=scsi_target\n");
            tree.link(targetDir + "/subsystem", SYS + "bus/scsi");
            tree.link(SYS + "bus/scsi/devices/" + hctl.targetName(), targetDir);
            if (fcPort.isPresent()) {
                String transport = targetDir + "/fc_transport/" + hctl.targetName();
                tree.attr(transport + "/node_name", fcPort.get().nodeName);
                tree.attr(transport + "/port_id", fcPort.get().portId);
                tree.attr(transport + "/port_name", fcPort.get().portName);
                tree.write(transport + "/uevent", "");
                tree.link(transport + "/device", targetDir);
                tree.link(transport + "/subsystem", SYS + "class/fc_transport");
                tree.link(SYS + "class/fc_transport/" + hctl.targetName(), transport);
            }
        }

        String address = hctl.toString();
        String model = spec.model.orElse("lun" + lun);
        String serial = spec.serial.orElseGet(() -> defaultSerial(spec.wwid));
        String deviceDir = targetDir + "/" + address;
        int sg = freeSgIndex();
        int index = diskIndex(kernelName);
        int major = sdMajor(index);
        int minor = (index % 16) * 16;
        long seq = diskseq++;

        Map<String, Object> values = new LinkedHashMap<>();
        values.put("access_state", "active/optimized");
        values.put("device_blocked", 0);
        values.put("device_busy", 0);
        values.put("dh_state", "alua");
        values.put("eh_timeout", 10);
        for (String event : List.of("capacity_change_reported", "inquiry_change_reported", "lun_change_reported",
                "media_change", "mode_parameter_change_reported", "soft_threshold_reached")) {
            values.put("evt_" + event, 0);
        }
        values.put("iocounterbits", 32);
        values.put("iodone_cnt", "0x0");
        values.put("ioerr_cnt", "0x0");
        values.put("iorequest_cnt", "0x0");
        values.put("iotmo_cnt", "0x0");
        values.put("modalias", "scsi:t-0x00");
        values.put("model", Vpd.pad(model, 16));
        values.put("preferred_path", 0);
        values.put("queue_depth", spec.queueDepth);
        values.put("queue_ramp_up_period", 120000);
        values.put("queue_type", "simple");
        values.put("rev", Vpd.pad(spec.rev, 4));
        values.put("scsi_level", 7);
        values.put("state", spec.state.kernelName());
        values.put("timeout", 30);
        values.put("type", 0);
        values.put("vendor", Vpd.pad(spec.vendor, 8));
        values.put("wwid", spec.sysfsWwid.orElseGet(() -> sysfsWwid(spec.wwid)));
        values.forEach((name, value) -> tree.attr(deviceDir + "/" + name, value));
        tree.write(deviceDir + "/blacklist", "");
        tree.write(deviceDir + "/delete", "");
        tree.write(deviceDir + "/rescan", "");
        tree.write(deviceDir + "/uevent", "DEVTYPE=scsi_device\nDRIVER=sd\nMODALIAS=scsi:t-0x00\n");
        tree.writeBytes(deviceDir + "/inquiry", Vpd.inquiry(0, spec.vendor, model, spec.rev));
        tree.writeBytes(deviceDir + "/vpd_pg0", Vpd.page0());
        tree.writeBytes(deviceDir + "/vpd_pg80", Vpd.page80(serial));
        tree.writeBytes(deviceDir + "/vpd_pgb0", Vpd.pageB0());
        tree.writeBytes(deviceDir + "/vpd_pgb1", Vpd.pageB1());
        tree.writeBytes(deviceDir + "/vpd_pgb2", Vpd.pageB2());
        tree.writeBytes(deviceDir + "/vpd_pg83", Vpd.page83(spec.wwid, spec.vendor, model, serial,
                fcPort.isPresent() ? Vpd.PROTOCOL_FC : Vpd.PROTOCOL_ISCSI, iscsiName));
        tree.link(deviceDir + "/subsystem", SYS + "bus/scsi");
        tree.link(deviceDir + "/driver", SYS + "bus/scsi/drivers/sd");
        tree.link(deviceDir + "/generic", deviceDir + "/scsi_generic/sg" + sg);

        classDevice(deviceDir, "scsi_device", address, "");
        String disk = deviceDir + "/scsi_disk/" + address;
        Map<String, Object> diskValues = new LinkedHashMap<>();
        diskValues.put("FUA", 1);
        diskValues.put("allow_restart", 0);
        diskValues.put("app_tag_own", 0);
        diskValues.put("cache_type", "write back");
        diskValues.put("manage_runtime_start_stop", 0);
        diskValues.put("manage_shutdown", 0);
        diskValues.put("manage_start_stop", 0);
        diskValues.put("manage_system_start_stop", 0);
        diskValues.put("max_medium_access_timeouts", 2);
        diskValues.put("max_retries", 5);
        diskValues.put("max_write_same_blocks", 65535);
        diskValues.put("protection_mode", "none");
        diskValues.put("protection_type", 0);
        diskValues.put("provisioning_mode", "full");
        diskValues.put("thin_provisioning", 0);
        diskValues.put("zeroing_mode", "writesame");
        diskValues.put("zoned_cap", "none");
        diskValues.forEach((name, value) -> tree.attr(disk + "/" + name, value));
        classDevice(deviceDir, "scsi_disk", address, "");
        tree.attr(deviceDir + "/bsg/" + address + "/dev", BSG_MAJOR + ":" + sg);
        classDevice(deviceDir, "bsg", address, "MAJOR=" + BSG_MAJOR + "\nMINOR=" + sg + "\nDEVNAME=bsg/" + address + "\n");
        tree.attr(deviceDir + "/scsi_generic/sg" + sg + "/dev", SG_MAJOR + ":" + sg);
        classDevice(deviceDir, "scsi_generic", "sg" + sg, "MAJOR=" + SG_MAJOR + "\nMINOR=" + sg + "\nDEVNAME=sg" + sg + "\n");

        String blockDir = deviceDir + "/block/" + kernelName;
        blockDevice(blockDir, kernelName, major, minor, seq, spec.sizeBytes, spec.readOnly, 16, 256, 0, 226);
        tree.link(blockDir + "/device", deviceDir);
        tree.link(SYS + "bus/scsi/devices/" + address, deviceDir);
        tree.link(SYS + "bus/scsi/drivers/sd/" + address, deviceDir);

        byPath.ifPresent(link -> tree.link(BY_PATH + link, DEV + kernelName));
        Disk added = new Disk(kernelName, hctl, deviceDir, blockDir, targetDir, spec.wwid, Vpd.pad(spec.vendor, 8),
                model, serial, sg, byPath);
        disks.put(kernelName, added);
        disksByAddress.put(hctl, kernelName);
        sgInUse.set(sg);
        diskIndicesInUse.set(index);
        lunsPerTarget.merge(targetDir, 1, Integer::sum);
        List<String> links = diskLinks(added);
        links.forEach(link -> diskLinkClaims.computeIfAbsent(link, key -> new TreeSet<>(DISK_ORDER)).add(kernelName));
        refreshUdevLinks(links);
        tree.write(udevEntry(major, minor), udevDatabase(added, links, spec.rev, seq));
        return this;
    }

    /** udev's database entry of a block device: {@code run/udev/data/b<major>:<minor>}. */
    private static String udevEntry(int major, int minor) {
        return UDEV_DATA + "b" + major + ":" + minor;
    }

    /**
     * What udev's database holds of a disk, as {@code udevadm} writes it: the links it claims ({@code S:}, relative
     * to {@code /dev}, whether or not it won them: a map's {@code scsi-<wwid>} still is among its paths'), the link
     * priority, the time it was initialized, the properties its rules set ({@code E:ID_SERIAL=...}) and its tags.
     */
    private static String udevDatabase(Disk disk, List<String> byIdLinks, String rev, long seq) {
        StringBuilder text = new StringBuilder();
        byIdLinks.forEach(link -> text.append("S:disk/by-id/").append(link).append('\n'));
        disk.byPath.ifPresent(link -> text.append("S:disk/by-path/").append(link).append('\n'));
        text.append("L:0\n");
        text.append("I:").append(1_000_000L + seq * 1_000L).append('\n');
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("ID_SCSI", "1");
        properties.put("ID_VENDOR", udevString(disk.vendor));
        properties.put("ID_MODEL", udevString(disk.model));
        properties.put("ID_REVISION", rev);
        properties.put("ID_TYPE", "disk");
        properties.put("ID_SERIAL", disk.wwid);
        properties.put("ID_SERIAL_SHORT", disk.wwid.substring(1));
        if (disk.wwid.startsWith("3")) {
            String naa = disk.wwid.substring(1);
            properties.put("ID_WWN", "0x" + naa.substring(0, Math.min(16, naa.length())));
            properties.put("ID_WWN_WITH_EXTENSION", "0x" + naa);
        }
        properties.put("ID_SCSI_SERIAL", disk.serial);
        properties.put("ID_BUS", "scsi");
        disk.byPath.ifPresent(link -> {
            properties.put("ID_PATH", link);
            properties.put("ID_PATH_TAG", link.replaceAll("[^A-Za-z0-9-]", "_"));
        });
        properties.forEach((key, value) -> text.append("E:").append(key).append('=').append(value).append('\n'));
        text.append("G:systemd\nQ:systemd\nV:1\n");
        return text.toString();
    }

    /** Sets a SCSI device's state ({@code device/state}): {@code offline}, {@code blocked}, ... */
    public synchronized FakeSysfs deviceState(String kernelName, DeviceState state) {
        requireNonNull(state, "state is null");
        tree.attr(disk(kernelName).deviceDir + "/state", state.kernelName());
        return this;
    }

    /** Sets the size of a SCSI disk ({@code sdX}) or a map ({@code dm-N}), written in 512-byte sectors. */
    public synchronized FakeSysfs sizeBytes(String kernelName, long bytes) {
        if (bytes < 0 || bytes % 512 != 0) {
            throw new IllegalArgumentException("a block device's size is a multiple of 512 bytes: " + bytes);
        }
        Optional<DmMap> map = mapNamed(kernelName);
        String dir = map.isPresent() ? map.get().dir : disk(kernelName).blockDir;
        tree.attr(dir + "/size", bytes / 512);
        return this;
    }

    /**
     * Removes a SCSI device as a write to its {@code delete} does, followed by udev: the {@code H:C:T:L} directory,
     * every class and bus link, {@code /dev/sdX} and its udev links; the device leaves any map it was a path of; the
     * target directory goes with its last LUN.
     */
    public synchronized FakeSysfs removeScsiDevice(String kernelName) {
        Disk disk = disk(kernelName);
        for (DmMap map : List.copyOf(maps.values())) {
            if (map.slaves.contains(kernelName)) {
                tree.delete(map.dir + "/slaves/" + kernelName);
                maps.put(map.number, map.withoutSlave(kernelName));
            }
        }
        String address = disk.hctl.toString();
        tree.delete(disk.deviceDir);
        for (String link : List.of("block/" + kernelName, "class/block/" + kernelName, "bus/scsi/devices/" + address,
                "bus/scsi/drivers/sd/" + address, "class/scsi_device/" + address, "class/scsi_disk/" + address,
                "class/bsg/" + address, "class/scsi_generic/sg" + disk.sg)) {
            tree.delete(SYS + link);
        }
        int index = diskIndex(kernelName);
        tree.delete(SYS + "dev/block/" + sdMajor(index) + ":" + (index % 16) * 16);
        tree.delete(DEV + kernelName);
        disk.byPath.ifPresent(link -> tree.delete(BY_PATH + link));
        disks.remove(kernelName);
        disksByAddress.remove(disk.hctl);
        sgInUse.clear(disk.sg);
        diskIndicesInUse.clear(index);
        boolean targetHasLuns = lunsPerTarget.merge(disk.targetDir, -1, Integer::sum) > 0;
        if (!targetHasLuns) {
            lunsPerTarget.remove(disk.targetDir);
            String target = disk.hctl.targetName();
            tree.delete(disk.targetDir);
            tree.delete(SYS + "bus/scsi/devices/" + target);
            tree.delete(SYS + "class/fc_transport/" + target);
        }
        List<String> links = diskLinks(disk);
        links.forEach(link -> unclaim(diskLinkClaims, link, kernelName));
        refreshUdevLinks(links);
        tree.delete(udevEntry(sdMajor(index), (index % 16) * 16));
        return this;
    }

    // ---------------------------------------------------------------------------------------------- multipath

    /**
     * Adds a device-mapper multipath map {@code dm-N} over existing path devices, as multipathd and udev make it.
     *
     * @throws IllegalStateException when {@code dm-N} exists or a path device does not
     */
    public synchronized FakeSysfs multipathMap(String kernelName, Consumer<MultipathMapSpec> configure) {
        requireNonNull(kernelName, "kernelName is null");
        requireNonNull(configure, "configure is null");
        Matcher matcher = DM_NAME.matcher(kernelName);
        if (!matcher.matches()) {
            throw new IllegalArgumentException("'" + kernelName + "' is not a device-mapper name (dm-N)");
        }
        int number = Integer.parseInt(matcher.group(1));
        if (maps.containsKey(number)) {
            throw new IllegalStateException(kernelName + " exists already");
        }
        MultipathMapSpec spec = new MultipathMapSpec();
        configure.accept(spec);
        if (spec.wwid == null && spec.uuid.isEmpty()) {
            throw new IllegalArgumentException("the map " + kernelName + " needs a WWID (or a dm uuid)");
        }
        List<Disk> paths = new ArrayList<>();
        for (String slave : spec.slaves) {
            paths.add(disk(slave));
        }
        String name = spec.name.orElseGet(() -> requireNonNull(spec.wwid, "a map without a WWID needs a name"));
        String uuid = spec.uuid.orElseGet(() -> "mpath-" + spec.wwid);
        long size = spec.sizeBytes.orElseGet(() -> paths.isEmpty() ? 0 : sectorsOf(paths.get(0)) * 512);

        String dir = SYS + "devices/virtual/block/" + kernelName;
        blockDevice(dir, kernelName, DM_MAJOR, number, diskseq++, size, false, 1, 1, 4, 256);
        tree.attr(dir + "/dm/name", name);
        tree.attr(dir + "/dm/uuid", uuid);
        tree.attr(dir + "/dm/suspended", spec.suspended ? 1 : 0);
        tree.attr(dir + "/dm/use_blk_mq", 1);
        tree.attr(dir + "/dm/rq_based_seq_io_merge_deadline", 0);
        for (Disk path : paths) {
            tree.link(dir + "/slaves/" + path.name, path.blockDir);
            tree.link(path.blockDir + "/holders/" + kernelName, dir);
        }
        tree.link(DEV + "mapper/" + name, DEV + kernelName);
        DmMap added = new DmMap(kernelName, number, name, Optional.ofNullable(spec.wwid), uuid, dir, spec.slaves);
        maps.put(number, added);
        List<String> links = mapLinks(added);
        links.forEach(link -> mapLinkClaims.computeIfAbsent(link, key -> new TreeSet<>()).add(number));
        refreshUdevLinks(links);
        return this;
    }

    /**
     * Adds an existing path device to an existing map, as multipathd does when a later path of the map's WWID
     * appears: {@code slaves/sdX} in the map and {@code holders/dm-N} in the device.
     *
     * @throws IllegalStateException when the map or the device does not exist, or the device is a path already
     */
    public synchronized FakeSysfs addMultipathPath(String mapKernelName, String deviceKernelName) {
        DmMap map = mapNamed(requireNonNull(mapKernelName, "mapKernelName is null"))
                .orElseThrow(() -> new IllegalStateException("no multipath map " + mapKernelName));
        Disk disk = disk(deviceKernelName);
        if (map.slaves.contains(deviceKernelName)) {
            throw new IllegalStateException(deviceKernelName + " is a path of " + mapKernelName + " already");
        }
        tree.link(map.dir + "/slaves/" + disk.name, disk.blockDir);
        tree.link(disk.blockDir + "/holders/" + map.kernelName, map.dir);
        List<String> slaves = new ArrayList<>(map.slaves);
        slaves.add(disk.name);
        maps.put(map.number, new DmMap(map.kernelName, map.number, map.name, map.wwid, map.uuid, map.dir, slaves));
        return this;
    }

    /**
     * Empties a map's {@code slaves/} and its paths' {@code holders/}, as sysfs shows a map for a moment while
     * device-mapper reloads its table; {@link #addMultipathPath} puts each path back.
     *
     * @return the paths the map had in sysfs
     * @throws IllegalStateException when the map does not exist
     */
    public synchronized List<String> detachMultipathPaths(String mapKernelName) {
        DmMap map = mapNamed(requireNonNull(mapKernelName, "mapKernelName is null"))
                .orElseThrow(() -> new IllegalStateException("no multipath map " + mapKernelName));
        for (String slave : map.slaves) {
            tree.delete(map.dir + "/slaves/" + slave);
            tree.delete(disks.get(slave).blockDir + "/holders/" + map.kernelName);
        }
        maps.put(map.number, new DmMap(map.kernelName, map.number, map.name, map.wwid, map.uuid, map.dir, List.of()));
        return map.slaves;
    }

    /** The directory of a SCSI disk's device ({@code .../targetH:C:T/H:C:T:L}), where {@code delete}, {@code rescan} and {@code state} are. */
    public synchronized Path scsiDeviceDirectory(String kernelName) {
        return tree.resolve(disk(kernelName).deviceDir);
    }

    /** The directory of a SCSI host's {@code scsi_host/hostH} class device, where {@code scan} is. */
    public synchronized Path scsiHostDirectory(int host) {
        return tree.resolve(host(host).dir + "/scsi_host/host" + host);
    }

    /** Removes a map as {@code multipath -f} does: its sysfs directory and links, holder links, /dev entries. */
    public synchronized FakeSysfs removeMultipathMap(String kernelName) {
        DmMap map = mapNamed(kernelName)
                .orElseThrow(() -> new IllegalStateException("no multipath map " + kernelName));
        for (String slave : map.slaves) {
            tree.delete(disks.get(slave).blockDir + "/holders/" + kernelName);
        }
        tree.delete(map.dir);
        tree.delete(SYS + "block/" + kernelName);
        tree.delete(SYS + "class/block/" + kernelName);
        tree.delete(SYS + "dev/block/" + DM_MAJOR + ":" + map.number);
        tree.delete(DEV + kernelName);
        tree.delete(DEV + "mapper/" + map.name);
        maps.remove(map.number);
        List<String> links = mapLinks(map);
        links.forEach(link -> unclaim(mapLinkClaims, link, map.number));
        refreshUdevLinks(links);
        return this;
    }

    // ---------------------------------------------------------------------------------------------- hosts

    /** Removes a SCSI host with everything under it: sessions, remote ports, targets and devices. */
    public synchronized FakeSysfs removeHost(int host) {
        Host found = host(host);
        removeDevicesUnder(found.dir + "/");
        for (Session session : List.copyOf(sessions.values())) {
            if (session.host == host) {
                tree.delete(SYS + "class/iscsi_session/session" + session.id);
                tree.delete(SYS + "class/iscsi_connection/connection" + session.id + ":0");
                sessions.remove(session.id);
            }
        }
        for (RemotePort port : List.copyOf(remotePorts.values())) {
            if (port.host == host) {
                tree.delete(SYS + "class/fc_remote_ports/" + port.name);
                remotePorts.remove(port.name);
            }
        }
        tree.delete(found.dir);
        for (String link : List.of("class/scsi_host/host", "class/iscsi_host/host", "class/fc_host/host",
                "bus/scsi/devices/host")) {
            tree.delete(SYS + link + host);
        }
        hosts.remove(host);
        return this;
    }

    // ---------------------------------------------------------------------------------------------- queries

    /** The kernel name of the SCSI disk at that address, if there is one. */
    public synchronized Optional<String> deviceAt(Hctl hctl) {
        return Optional.ofNullable(disksByAddress.get(requireNonNull(hctl, "hctl is null")));
    }

    /** The SCSI disks' kernel names, in kernel order ({@code sda}, {@code sdb}, ..., {@code sdaa}). */
    public synchronized List<String> scsiDevices() {
        return List.copyOf(disks.keySet());
    }

    /** The maps' kernel names ({@code dm-0}, ...), by number. */
    public synchronized List<String> multipathMaps() {
        return maps.values().stream().map(each -> each.kernelName).collect(Collectors.toUnmodifiableList());
    }

    /** The name the kernel gives the next SCSI disk: the lowest unused {@code sdX}. */
    public synchronized String nextDiskName() {
        return diskName(diskIndicesInUse.nextClearBit(0));
    }

    /** The name device-mapper gives the next map: the lowest unused {@code dm-N}. */
    public synchronized String nextDmName() {
        int number = 0;
        while (maps.containsKey(number)) {
            number++;
        }
        return "dm-" + number;
    }

    // ---------------------------------------------------------------------------------------------- internals

    /** A {@link Detail#READERS} tree's files: {@code /dev} nodes, /etc, and the attributes brick reads or writes. */
    private static boolean readByBrick(String relative) {
        if (!relative.startsWith(SYS)) {
            return true;
        }
        return READ_BY_BRICK.contains(relative.substring(relative.lastIndexOf('/') + 1))
                && UNREAD_DIRECTORIES.stream().noneMatch(relative::contains);
    }

    /** A {@link Detail#READERS} tree's links: those brick's readers follow (and udev's in {@code /dev}). */
    private static boolean followedByBrick(String relative) {
        if (!relative.startsWith(SYS)) {
            return true;
        }
        return !UNREAD_LINK_NAMES.contains(relative.substring(relative.lastIndexOf('/') + 1))
                && UNREAD_LINK_PREFIXES.stream().noneMatch(relative::startsWith)
                && UNREAD_DIRECTORIES.stream().noneMatch(relative::contains);
    }

    private void ensureIscsiTransport() {
        String dir = SYS + "devices/virtual/iscsi_transport/tcp";
        if (tree.exists(dir)) {
            return;
        }
        tree.attr(dir + "/caps", "0x39");
        tree.attr(dir + "/handle", "18446744072643104864");
        tree.write(dir + "/uevent", "");
        tree.link(dir + "/subsystem", SYS + "class/iscsi_transport");
        tree.link(SYS + "class/iscsi_transport/tcp", dir);
    }

    /** The SCSI host device and its {@code scsi_host/hostH} class device, common to iSCSI and FC. */
    private void scsiHost(int host, String hostDir, String procName) {
        tree.write(hostDir + "/uevent", "DEVTYPE=scsi_host\n");
        tree.link(hostDir + "/subsystem", SYS + "bus/scsi");
        String scsiHost = hostDir + "/scsi_host/host" + host;
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("active_mode", "Initiator");
        values.put("can_queue", 113);
        values.put("cmd_per_lun", 32);
        values.put("eh_deadline", "off");
        values.put("host_busy", 0);
        values.put("nr_hw_queues", 1);
        values.put("proc_name", procName);
        values.put("prot_capabilities", 0);
        values.put("prot_guard_type", 0);
        values.put("sg_prot_tablesize", 0);
        values.put("sg_tablesize", 4096);
        values.put("state", "running");
        values.put("supported_mode", "Initiator");
        values.put("unique_id", 0);
        values.put("use_blk_mq", 1);
        values.forEach((name, value) -> tree.attr(scsiHost + "/" + name, value));
        tree.write(scsiHost + "/host_reset", "");
        tree.write(scsiHost + "/scan", "");
        tree.write(scsiHost + "/uevent", "");
        tree.link(scsiHost + "/device", hostDir);
        tree.link(scsiHost + "/subsystem", SYS + "class/scsi_host");
        tree.link(SYS + "class/scsi_host/host" + host, scsiHost);
        tree.link(SYS + "bus/scsi/devices/host" + host, hostDir);
    }

    /** A class device under a SCSI device ({@code scsi_device/H:C:T:L}, ...) with its links. */
    private void classDevice(String deviceDir, String className, String name, String uevent) {
        String dir = deviceDir + "/" + className + "/" + name;
        tree.write(dir + "/uevent", uevent);
        tree.link(dir + "/device", deviceDir);
        tree.link(dir + "/subsystem", SYS + "class/" + className);
        tree.link(SYS + "class/" + className + "/" + name, dir);
    }

    /** A block device directory ({@code block/sdX} or {@code virtual/block/dm-N}) with its class links and node. */
    private void blockDevice(String dir, String name, int major, int minor, long seq, long sizeBytes, boolean readOnly,
                             int range, int extRange, int capability, int nrRequests) {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("alignment_offset", 0);
        values.put("capability", capability);
        values.put("dev", major + ":" + minor);
        values.put("discard_alignment", 0);
        values.put("diskseq", seq);
        values.put("events_poll_msecs", -1);
        values.put("ext_range", extRange);
        values.put("hidden", 0);
        values.put("inflight", "       0        0");
        values.put("range", range);
        values.put("removable", 0);
        values.put("ro", readOnly ? 1 : 0);
        values.put("size", sizeBytes / 512);
        values.put("stat", "       0        0        0        0        0        0        0        0        0        0"
                + "        0        0        0        0        0        0        0");
        values.forEach((key, value) -> tree.attr(dir + "/" + key, value));
        tree.write(dir + "/events", "");
        tree.write(dir + "/events_async", "");
        tree.write(dir + "/uevent", "MAJOR=" + major + "\nMINOR=" + minor + "\nDEVNAME=" + name
                + "\nDEVTYPE=disk\nDISKSEQ=" + seq + "\n");
        Map<String, Object> queue = new LinkedHashMap<>();
        queue.put("hw_sector_size", 512);
        queue.put("logical_block_size", 512);
        queue.put("max_hw_sectors_kb", 32767);
        queue.put("max_sectors_kb", 8192);
        queue.put("minimum_io_size", 512);
        queue.put("nr_requests", nrRequests);
        queue.put("optimal_io_size", 8388608);
        queue.put("physical_block_size", 512);
        queue.put("read_ahead_kb", 16384);
        queue.put("rotational", 1);
        queue.put("scheduler", "[mq-deadline] none");
        queue.put("write_cache", "write back");
        queue.forEach((key, value) -> tree.attr(dir + "/queue/" + key, value));
        tree.mkdirs(dir + "/holders");
        tree.mkdirs(dir + "/slaves");
        tree.link(dir + "/subsystem", SYS + "class/block");
        tree.link(dir + "/bdi", SYS + "devices/virtual/bdi/" + major + ":" + minor);
        tree.link(SYS + "block/" + name, dir);
        tree.link(SYS + "class/block/" + name, dir);
        tree.link(SYS + "dev/block/" + major + ":" + minor, dir);
        tree.write(DEV + name, "");
    }

    /**
     * Makes the {@code /dev/disk/by-id} links named {@code names} what udev makes of the current disks and maps: per
     * WWID, {@code scsi-1...} and {@code scsi-S...} point to its first path device (in kernel order),
     * {@code scsi-<wwid>} and {@code wwn-0x...} to its map when there is one, else to its first path; per map,
     * {@code dm-name-} and {@code dm-uuid-}. A link no disk or map gives any more is removed. Only the links of the
     * disk or map that changed are looked at, so a change costs the same on a host of 16,384 disks as on one of one.
     */
    private void refreshUdevLinks(List<String> names) {
        for (String link : names) {
            TreeSet<Integer> byMaps = mapLinkClaims.get(link);
            TreeSet<String> byDisks = diskLinkClaims.get(link);
            String device = byMaps != null ? maps.get(byMaps.last()).kernelName
                    : byDisks != null ? byDisks.first() : null;
            String written = udevLinks.get(link);
            if (device == null) {
                if (written != null) {
                    tree.delete(BY_ID + link);
                    udevLinks.remove(link);
                }
            } else if (!device.equals(written)) {
                tree.link(BY_ID + link, DEV + device);
                udevLinks.put(link, device);
            }
        }
    }

    /** The by-id link names a disk gives (when it is its WWID's first path and no map has that WWID). */
    private static List<String> diskLinks(Disk disk) {
        List<String> links = new ArrayList<>(4);
        links.add("scsi-" + disk.wwid);
        if (disk.wwid.startsWith("3")) {
            links.add("wwn-0x" + disk.wwid.substring(1));
        }
        links.add("scsi-1" + udevString(disk.vendor + disk.model + ":" + disk.serial));
        links.add("scsi-S" + udevString(disk.vendor.strip()) + "_" + udevString(disk.model) + "_"
                + udevString(disk.serial));
        return links;
    }

    /** The by-id link names a map gives. */
    private static List<String> mapLinks(DmMap map) {
        List<String> links = new ArrayList<>(4);
        links.add("dm-name-" + map.name);
        links.add("dm-uuid-" + map.uuid);
        if (map.wwid.isPresent()) {
            String wwid = map.wwid.get();
            links.add("scsi-" + wwid);
            if (wwid.startsWith("3")) {
                links.add("wwn-0x" + wwid.substring(1));
            }
        }
        return links;
    }

    private static <T> void unclaim(Map<String, TreeSet<T>> claims, String link, T claimant) {
        TreeSet<T> claimants = claims.get(link);
        if (claimants != null && claimants.remove(claimant) && claimants.isEmpty()) {
            claims.remove(link);
        }
    }

    private void removeDevicesUnder(String dirPrefix) {
        for (Disk disk : List.copyOf(disks.values())) {
            if (disk.deviceDir.startsWith(dirPrefix)) {
                removeScsiDevice(disk.name);
            }
        }
    }

    private long sectorsOf(Disk disk) {
        return Long.parseLong(tree.read(disk.blockDir + "/size").strip());
    }

    private int freeSgIndex() {
        return sgInUse.nextClearBit(0);
    }

    private Host host(int number) {
        Host found = hosts.get(number);
        if (found == null) {
            throw new IllegalStateException("no host" + number);
        }
        return found;
    }

    private Session session(int id) {
        Session found = sessions.get(id);
        if (found == null) {
            throw new IllegalStateException("no session" + id);
        }
        return found;
    }

    private RemotePort remotePort(int host, int channel, int number) {
        String name = "rport-" + host + ":" + channel + "-" + number;
        RemotePort found = remotePorts.get(name);
        if (found == null) {
            throw new IllegalStateException("no " + name);
        }
        return found;
    }

    private Disk disk(String kernelName) {
        Disk found = disks.get(requireNonNull(kernelName, "kernelName is null"));
        if (found == null) {
            throw new IllegalStateException("no SCSI disk " + kernelName);
        }
        return found;
    }

    private Optional<DmMap> mapNamed(String kernelName) {
        return maps.values().stream().filter(each -> each.kernelName.equals(kernelName)).findFirst();
    }

    /**
     * The start of an FC LUN's {@code /dev/disk/by-path} name as udev's {@code path_id} makes it from the HBA's device
     * path: {@code pci-<the PCI function the HBA hangs off>}, with {@code platform-<device>-} before it for a PCI bus
     * under a platform device. Elements from a {@code net} directory on (an FCoE HBA's {@code net/ens2f2/ctlr_2})
     * are not PCI devices and are skipped: {@code pci0000:20/0000:20:03.0/0000:21:00.2/net/ens2f2/ctlr_2} gives
     * {@code pci-0000:21:00.2}; {@code platform/smb/smb:motherboard/80040000000.peu0-c0/pci0000:00/0000:00:03.0/0000:05:00.3}
     * gives {@code platform-80040000000.peu0-c0-pci-0000:05:00.3}. Empty for an HBA on no PCI bus (a virtual one:
     * the simulated udev makes no by-path link for its LUNs).
     */
    static Optional<String> fcByPathPrefix(String pciPath) {
        String[] parts = pciPath.split("/");
        String pci = null;
        String platform = null;
        for (int index = 0; index < parts.length; index++) {
            String part = parts[index];
            if (part.startsWith("net")) {
                break;
            }
            if (PCI_ADDRESS.matcher(part).matches()) {
                pci = part;
            } else if (part.startsWith("pci") && index > 0 && parts[0].equals("platform") && platform == null) {
                platform = parts[index - 1];
            }
        }
        if (pci == null) {
            return Optional.empty();
        }
        return Optional.of((platform == null ? "" : "platform-" + platform + "-") + "pci-" + pci);
    }

    /** {@code naa.} + hex for a {@code 3} WWID, {@code eui.} for {@code 2}, {@code t10.} for {@code 1}. */
    static String sysfsWwid(String udevWwid) {
        String rest = udevWwid.substring(1);
        return switch (udevWwid.charAt(0)) {
            case '3' -> "naa." + rest;
            case '2' -> "eui." + rest;
            case '1' -> "t10." + rest;
            default -> throw new IllegalArgumentException("cannot derive device/wwid from '" + udevWwid
                    + "': set it with sysfsWwid(...)");
        };
    }

    /** LIO's unit serial for its NAA: the 25 hex digits after {@code 36001405}, then {@code 0000001}, as a UUID. */
    static String defaultSerial(String udevWwid) {
        Matcher lio = LIO_WWID.matcher(udevWwid);
        if (!lio.matches()) {
            return udevWwid.substring(1);
        }
        String hex = lio.group(1) + "0000001";
        return hex.substring(0, 8) + "-" + hex.substring(8, 12) + "-" + hex.substring(12, 16) + "-"
                + hex.substring(16, 20) + "-" + hex.substring(20);
    }

    /** A WWN as the FC transport writes it: {@code 0x} and 16 lower-case hex digits. */
    static String wwn(String value) {
        requireNonNull(value, "value is null");
        if (!WWN.matcher(value).matches()) {
            throw new IllegalArgumentException("'" + value + "' is not a WWN (16 hex digits)");
        }
        String digits = value.startsWith("0x") ? value.substring(2) : value;
        return "0x" + digits.toLowerCase(Locale.ROOT);
    }

    /** As udev's scsi_id --replace-whitespace: trimmed, each run of white space one {@code _}. */
    private static String udevString(String text) {
        return text.strip().replaceAll("\\s+", "_");
    }

    private static String unbracketed(String address) {
        return address.startsWith("[") && address.endsWith("]") ? address.substring(1, address.length() - 1) : address;
    }

    /** {@code sda} is 0, {@code sdz} 25, {@code sdaa} 26 (bijective base 26, as the sd driver names disks). */
    static int diskIndex(String name) {
        int index = 0;
        for (char letter : name.substring(2).toCharArray()) {
            index = index * 26 + (letter - 'a' + 1);
        }
        return index - 1;
    }

    /** The {@code index}-th SCSI disk name as the kernel gives them: sda ... sdz, sdaa ... sdzz, sdaaa ... */
    public static String diskName(int index) {
        StringBuilder letters = new StringBuilder();
        int rest = index + 1;
        while (rest > 0) {
            rest--;
            letters.insert(0, (char) ('a' + rest % 26));
            rest /= 26;
        }
        return "sd" + letters;
    }

    /** The sd driver's major number for disk index i: 8, then 65-71, then 128-135, 16 disks each. */
    static int sdMajor(int index) {
        int group = index / 16;
        if (group == 0) {
            return 8;
        }
        return group < 8 ? 64 + group : 128 + group - 8;
    }

    private record Host(int number, String dir, Optional<String> pciPath) {
    }

    private record Session(int id, int host, String dir, String target, String address, int port, int tpgt) {
    }

    private record RemotePort(String name, int host, int channel, String dir, int scsiTargetId, String portName,
                              String nodeName, String portId) {
    }

    private record Disk(String name, Hctl hctl, String deviceDir, String blockDir, String targetDir, String wwid,
                        String vendor, String model, String serial, int sg, Optional<String> byPath) {
    }

    private record DmMap(String kernelName, int number, String name, Optional<String> wwid, String uuid, String dir,
                         List<String> slaves) {
        DmMap {
            slaves = List.copyOf(slaves);
        }

        DmMap withoutSlave(String slave) {
            List<String> rest = new ArrayList<>(slaves);
            rest.remove(slave);
            return new DmMap(kernelName, number, name, wwid, uuid, dir, rest);
        }
    }
}
