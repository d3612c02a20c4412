package io.brick.sysfs;

import io.brick.core.error.HostStateException;
import io.brick.core.error.InvalidInputException;
import io.brick.core.host.HostRoot;
import io.brick.core.model.BlockDevice;
import io.brick.core.model.DevicePath;
import io.brick.core.model.DeviceState;
import io.brick.core.model.FcHost;
import io.brick.core.model.FcRemotePort;
import io.brick.core.model.FcTransportTarget;
import io.brick.core.model.Hctl;
import io.brick.core.model.Iqn;
import io.brick.core.model.IscsiSession;
import io.brick.core.model.Lun;
import io.brick.core.model.MultipathMap;
import io.brick.core.model.Portal;
import io.brick.core.model.Quoted;
import io.brick.core.model.ScsiTarget;
import io.brick.core.model.Topology;
import io.brick.core.model.Wwid;
import io.brick.core.port.TopologyProvider;
import jakarta.inject.Inject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * {@link TopologyProvider} over the kernel's sysfs, read the way the kernel lays it out:
 * <ul>
 *   <li>a session: {@code class/iscsi_session/sessionN} → {@code devices/platform/hostH/sessionN/iscsi_session/sessionN}
 *   ({@code targetname}, {@code tpgt}, {@code state}, {@code recovery_tmo}, {@code ifacename}); its host is the
 *   {@code hostH} directory above {@code sessionN}; its portal from {@code class/iscsi_connection/connectionN:0};
 *   its transport from {@code class/scsi_host/hostH/proc_name};</li>
 *   <li>its LUNs: {@code hostH/sessionN/targetH:C:T/H:C:T:L/block/NAME};</li>
 *   <li>a device: {@code block/NAME} → {@code .../H:C:T:L/block/NAME} ({@code size}, {@code holders/}), with
 *   {@code device} → {@code H:C:T:L} ({@code wwid} or {@code vpd_pg83}, {@code state}, {@code vendor}, {@code model});</li>
 *   <li>a map: {@code block/dm-N} ({@code dm/name}, {@code dm/uuid}, {@code slaves/}, {@code size}), and
 *   {@code /dev/disk/by-id/dm-uuid-mpath-WWID} → {@code dm-N};</li>
 *   <li>Fibre Channel: {@code class/fc_host/hostN}, {@code class/fc_remote_ports/rport-H:C-N} and
 *   {@code class/fc_transport/targetH:C:T}.</li>
 * </ul>
 * {@link #topology()} lists the SCSI devices of iSCSI and Fibre Channel hosts only (not local ATA or SAS disks).
 * An HBA or remote port whose names cannot be read is skipped with a warning, as os-brick does.
 * Targeted lookups follow those paths only; {@code /sys/block} is listed only by {@link #multipathMaps()} and
 * {@link #topology()}. A link that resolves outside the host root's {@code sys} (or {@code dev}) directory is treated
 * as absent. An object that disappears while it is read is absent; an expected file of an object that is still there
 * but cannot be read is a {@link HostStateException} naming the path.
 */
final class SysfsTopologyProvider implements TopologyProvider {
    private static final Logger log = LoggerFactory.getLogger(SysfsTopologyProvider.class);

    private static final Pattern SESSION = Pattern.compile("session(\\d{1,9})");
    private static final Pattern HOST = Pattern.compile("host(\\d{1,9})");
    private static final Pattern TARGET = Pattern.compile("target(\\d{1,9}):(\\d{1,9}):(\\d{1,9})");
    private static final Pattern HCTL = Pattern.compile("\\d{1,9}:\\d{1,9}:\\d{1,9}:\\d{1,20}");
    private static final Pattern RPORT = Pattern.compile("rport-(\\d{1,9}):(\\d{1,9})-(\\d{1,9})");
    private static final Pattern NAME_NUMBER = Pattern.compile("(.*?)(\\d{1,9})");
    private static final String MPATH_UUID_PREFIX = "mpath-";
    private static final long SECTOR = 512;
    /** The most characters of an attribute's content an error shows. */

    private static final Comparator<Hctl> HCTL_ORDER = Comparator.comparingInt(Hctl::host)
            .thenComparingInt(Hctl::channel).thenComparingInt(Hctl::target)
            .thenComparing(Hctl::lun, Long::compareUnsigned);
    private static final Comparator<String> KERNEL_NAME_ORDER = SysfsTopologyProvider::compareKernelNames;
    private static final Comparator<FcRemotePort> RPORT_ORDER = Comparator.comparingInt(FcRemotePort::hostNumber)
            .thenComparingInt(FcRemotePort::channel).thenComparing(FcRemotePort::name, KERNEL_NAME_ORDER);

    private final HostFiles files;

    @Inject
    SysfsTopologyProvider(HostRoot root) {
        this.files = new HostFiles(requireNonNull(root, "root is null"));
    }

    /** Thrown inside a read when the object being read disappeared: the lookup answers "absent". */
    private static final class Gone extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Gone(Path path) {
            super(path.toString(), null, false, false);
        }
    }

    /** A session's directories: its class attributes, its device directory ({@code hostH/sessionN}), its host. */
    private record SessionDirs(int sessionId, Path attributes, Path device, int hostNumber) {
    }

    // ---------------------------------------------------------------- sessions

    @Override
    public List<IscsiSession> iscsiSessions() {
        List<IscsiSession> sessions = new ArrayList<>();
        for (String name : HostFiles.list(files.sys("class", "iscsi_session"))) {
            Matcher matcher = SESSION.matcher(name);
            if (matcher.matches()) {
                iscsiSession(Integer.parseInt(matcher.group(1))).ifPresent(sessions::add);
            }
        }
        sessions.sort(Comparator.comparingInt(IscsiSession::sessionId));
        return List.copyOf(sessions);
    }

    /**
     * Reads each session's {@code targetname} only, and the whole session only where it names the target: on a host
     * with many sessions a lookup by target costs one small read per other session instead of a dozen.
     */
    @Override
    public List<IscsiSession> iscsiSessions(Iqn target) {
        requireNonNull(target, "target is null");
        List<IscsiSession> sessions = new ArrayList<>();
        Path classDir = files.sys("class", "iscsi_session");
        for (String name : HostFiles.list(classDir)) {
            Matcher matcher = SESSION.matcher(name);
            if (matcher.matches() && namesTarget(classDir.resolve(name), target)) {
                iscsiSession(Integer.parseInt(matcher.group(1)))
                        .filter(session -> session.targetName().matches(target)).ifPresent(sessions::add);
            }
        }
        sessions.sort(Comparator.comparingInt(IscsiSession::sessionId));
        return List.copyOf(sessions);
    }

    /**
     * Whether a session's {@code targetname} may name the target; a session whose name cannot be read here is read in
     * full by {@link #iscsiSession(int)}, which decides (absent, or the host error it is).
     */
    private static boolean namesTarget(Path session, Iqn target) {
        try {
            return HostFiles.readText(session.resolve("targetname")).strip().equalsIgnoreCase(target.value());
        } catch (IOException e) {
            log.debug("{}/targetname not readable ({}): the session is read in full", session, HostFiles.reason(e));
            return true;
        }
    }

    @Override
    public Optional<IscsiSession> iscsiSession(int sessionId) {
        return absentIfGone(() -> sessionDirs(sessionId).flatMap(this::readSession));
    }

    private Optional<IscsiSession> readSession(SessionDirs dirs) {
        Path attributes = dirs.attributes();
        String targetName = required(attributes, "targetname").strip();
        if (targetName.isEmpty() || "(null)".equals(targetName)) {
            log.debug("session{} has no target name yet: not reported", dirs.sessionId());
            return Optional.empty();
        }
        Iqn target;
        try {
            target = Iqn.of(targetName);
        } catch (InvalidInputException e) {
            throw new HostStateException("session" + dirs.sessionId() + " has a target name brick cannot read", true,
                    Map.of("path", attributes.resolve("targetname").toString(), "targetname", Quoted.of(targetName)), e);
        }
        int tpgt = optionalInt(attributes, "tpgt").orElse(-1);
        String state = required(attributes, "state").strip();
        Optional<Duration> recovery = optionalInt(attributes, "recovery_tmo").filter(value -> value >= 0)
                .map(Duration::ofSeconds);
        String iface = optional(attributes, "ifacename").map(String::strip).filter(SysfsTopologyProvider::isSet)
                .orElse("");
        Optional<Portal> current = Optional.empty();
        Optional<Portal> persistent = Optional.empty();
        Optional<Path> connection = files.realInSys(
                files.sys("class", "iscsi_connection", "connection" + dirs.sessionId() + ":0"));
        if (connection.isPresent()) {
            current = portal(connection.get(), "address", "port");
            persistent = portal(connection.get(), "persistent_address", "persistent_port");
        }
        return Optional.of(new IscsiSession(dirs.sessionId(), dirs.hostNumber(), target, tpgt, state, recovery, current,
                persistent, iface, transport(dirs.hostNumber(), iface)));
    }

    private Optional<SessionDirs> sessionDirs(int sessionId) {
        if (sessionId < 0) {
            return Optional.empty();
        }
        Optional<Path> attributes = files.realInSys(files.sys("class", "iscsi_session", "session" + sessionId));
        if (attributes.isEmpty()) {
            return Optional.empty();
        }
        // .../hostH/sessionN/iscsi_session/sessionN
        Path classDir = attributes.get().getParent();
        Path device = classDir == null ? null : classDir.getParent();
        Path host = device == null ? null : device.getParent();
        Matcher hostName = host == null || host.getFileName() == null ? null
                : HOST.matcher(host.getFileName().toString());
        if (hostName == null || !hostName.matches() || !device.getFileName().toString().equals("session" + sessionId)) {
            throw new HostStateException("session" + sessionId + " is not under a SCSI host directory", true,
                    Map.of("path", attributes.get().toString()), null);
        }
        return Optional.of(new SessionDirs(sessionId, attributes.get(), device, Integer.parseInt(hostName.group(1))));
    }

    /** A connection's portal; empty while the connection has none (reading the address of a down connection fails). */
    private Optional<Portal> portal(Path connection, String addressFile, String portFile) {
        try {
            String address = HostFiles.readText(connection.resolve(addressFile)).strip();
            String port = HostFiles.readText(connection.resolve(portFile)).strip();
            if (!isSet(address) || !isSet(port)) {
                return Optional.empty();
            }
            return Optional.of(new Portal(address, Integer.parseInt(port)));
        } catch (IOException | IllegalArgumentException | InvalidInputException e) {
            // an address that is not one (garbage in sysfs) is no portal, never invalid input of the caller's
            log.debug("no portal in {} ({}/{}): {}", connection, addressFile, portFile, e.toString());
            return Optional.empty();
        }
    }

    /** The iSCSI transport of a host: {@code tcp}, {@code iser}, or the offload driver's name. */
    private String transport(int hostNumber, String iface) {
        Optional<Path> host = files.realInSys(files.sys("class", "scsi_host", "host" + hostNumber));
        Optional<String> procName = host.flatMap(dir -> optional(dir, "proc_name")).map(String::strip)
                .filter(SysfsTopologyProvider::isSet);
        if (procName.isPresent()) {
            return switch (procName.get()) {
                case "iscsi_tcp" -> "tcp";
                case "ib_iser" -> "iser";
                default -> procName.get();
            };
        }
        if (iface.isEmpty() || iface.equals("default")) {
            return "tcp";
        }
        int dot = iface.indexOf('.');
        return dot > 0 ? iface.substring(0, dot) : iface;
    }

    @Override
    public Optional<ScsiTarget> sessionTarget(int sessionId) {
        return absentIfGone(() -> sessionDirs(sessionId).flatMap(dirs -> targetDirs(dirs).stream().findFirst())
                .map(SysfsTopologyProvider::scsiTarget));
    }

    @Override
    public Optional<BlockDevice> sessionDevice(int sessionId, Lun lun) {
        requireNonNull(lun, "lun is null");
        return absentIfGone(() -> {
            Optional<SessionDirs> dirs = sessionDirs(sessionId);
            if (dirs.isEmpty()) {
                return Optional.empty();
            }
            for (Path target : targetDirs(dirs.get())) {
                ScsiTarget scsiTarget = scsiTarget(target);
                Hctl hctl = scsiTarget.lun(lun);
                Path lunDir = target.resolve(hctl.toString());
                if (HostFiles.isDirectory(lunDir)) {
                    Optional<BlockDevice> device = readScsiDevice(lunDir, hctl, Optional.empty());
                    if (device.isPresent()) {
                        return device;
                    }
                }
            }
            return Optional.empty();
        });
    }

    @Override
    public List<BlockDevice> sessionDevices(int sessionId) {
        List<BlockDevice> devices = new ArrayList<>();
        List<Path> targets = sessionDirs(sessionId).map(SysfsTopologyProvider::targetDirs).orElse(List.of());
        for (Path target : targets) {
            for (String name : HostFiles.list(target)) {
                if (HCTL.matcher(name).matches()) {
                    absentIfGone(() -> readScsiDevice(target.resolve(name), Hctl.parse(name), Optional.empty()))
                            .ifPresent(devices::add);
                }
            }
        }
        devices.sort(Comparator.comparing(BlockDevice::hctl, HCTL_ORDER));
        return List.copyOf(devices);
    }

    private static List<Path> targetDirs(SessionDirs dirs) {
        List<Path> targets = new ArrayList<>();
        for (String name : HostFiles.list(dirs.device())) {
            if (TARGET.matcher(name).matches()) {
                targets.add(dirs.device().resolve(name));
            }
        }
        targets.sort(Comparator.comparing(SysfsTopologyProvider::scsiTarget, Comparator.comparingInt(ScsiTarget::host)
                .thenComparingInt(ScsiTarget::channel).thenComparingInt(ScsiTarget::target)));
        return targets;
    }

    private static ScsiTarget scsiTarget(Path targetDir) {
        Matcher matcher = TARGET.matcher(targetDir.getFileName().toString());
        if (!matcher.matches()) {
            throw new IllegalStateException("not a SCSI target directory: " + targetDir);
        }
        return new ScsiTarget(Integer.parseInt(matcher.group(1)), Integer.parseInt(matcher.group(2)),
                Integer.parseInt(matcher.group(3)));
    }

    // ---------------------------------------------------------------- devices

    @Override
    public Optional<BlockDevice> deviceAt(Hctl hctl) {
        requireNonNull(hctl, "hctl is null");
        return absentIfGone(() -> files.realInSys(files.sys("bus", "scsi", "devices", hctl.toString()))
                .flatMap(dir -> readScsiDevice(dir, hctl, Optional.empty())));
    }

    @Override
    public Optional<BlockDevice> device(String kernelName) {
        return absentIfGone(() -> scsiDeviceDir(kernelName)
                .flatMap(dir -> readScsiDevice(dir, Hctl.parse(dir.getFileName().toString()), Optional.of(kernelName))));
    }

    @Override
    public Optional<Wwid> wwid(String kernelName) {
        return absentIfGone(() -> scsiDeviceDir(kernelName).flatMap(this::readWwid));
    }

    /** The real {@code H:C:T:L} directory of a SCSI block device ({@code block/NAME/device}); empty for other devices. */
    private Optional<Path> scsiDeviceDir(String kernelName) {
        if (!HostFiles.isKernelName(kernelName)) {
            return Optional.empty();
        }
        return files.realInSys(files.sys("block", kernelName))
                .flatMap(block -> files.realInSys(block.resolve("device")))
                .filter(dir -> dir.getFileName() != null && HCTL.matcher(dir.getFileName().toString()).matches());
    }

    /**
     * Reads the block device of one SCSI device directory ({@code .../H:C:T:L}). Empty when it has no block device
     * (not a disk, or the sd driver has not attached it yet).
     */
    private Optional<BlockDevice> readScsiDevice(Path scsiDir, Hctl hctl, Optional<String> knownName) {
        String name;
        if (knownName.isPresent()) {
            name = knownName.get();
        } else {
            List<String> blocks = HostFiles.list(scsiDir.resolve("block"));
            if (blocks.isEmpty()) {
                return Optional.empty();
            }
            name = blocks.get(0);
        }
        Path block = scsiDir.resolve("block").resolve(name);
        if (!HostFiles.isDirectory(block)) {
            return Optional.empty();
        }
        long sizeBytes = requiredLong(block, "size") * SECTOR;
        List<String> holders = HostFiles.list(block.resolve("holders"));
        DeviceState state = optional(scsiDir, "state").map(DeviceState::parse).orElse(DeviceState.UNKNOWN);
        String vendor = optional(scsiDir, "vendor").map(String::strip).orElse("");
        String model = optional(scsiDir, "model").map(String::strip).orElse("");
        Optional<Wwid> wwid = readWwid(scsiDir);
        if (!HostFiles.isDirectory(block)) {
            throw new Gone(block);
        }
        return Optional.of(new BlockDevice(name, hctl, wwid, sizeBytes, state, vendor, model, holders));
    }

    /**
     * A SCSI device's WWID: {@code wwid} in udev form, else the best LUN designator of {@code vpd_pg83}. Either
     * may be missing or fail to read (the kernel answers EINVAL for a device without page 0x83): then none.
     */
    private Optional<Wwid> readWwid(Path scsiDir) {
        Optional<Wwid> fromWwid = lenientText(scsiDir, "wwid").flatMap(text -> {
            try {
                return Wwid.fromSysfs(text);
            } catch (InvalidInputException e) {
                log.debug("{}/wwid holds '{}', not a WWID", scsiDir, text.strip());
                return Optional.empty();
            }
        });
        if (fromWwid.isPresent()) {
            return fromWwid;
        }
        try {
            return Vpd83.wwid(HostFiles.readBytes(scsiDir.resolve("vpd_pg83")));
        } catch (IOException e) {
            if (!HostFiles.isDirectory(scsiDir)) {
                throw new Gone(scsiDir);
            }
            log.debug("{}/vpd_pg83 not readable: {}", scsiDir, HostFiles.reason(e));
            return Optional.empty();
        }
    }

    @Override
    public boolean blockDeviceExists(String kernelName) {
        return HostFiles.isKernelName(kernelName) && files.realInSys(files.sys("block", kernelName)).isPresent();
    }

    @Override
    public List<String> diskByIdLinks(String kernelName) {
        if (!HostFiles.isKernelName(kernelName)) {
            return List.of();
        }
        Optional<Path> devReal = files.devReal();
        if (devReal.isEmpty()) {
            return List.of();
        }
        Path device = devReal.get().resolve(kernelName);
        Path byId = files.dev("disk", "by-id");
        List<String> links = new ArrayList<>();
        for (String name : HostFiles.list(byId)) {
            Path link = byId.resolve(name);
            if (Files.isSymbolicLink(link) && files.realInDev(link).filter(device::equals).isPresent()) {
                links.add(name);
            }
        }
        return List.copyOf(links);
    }

    @Override
    public Optional<String> resolveDevLink(DevicePath link) {
        requireNonNull(link, "link is null");
        Optional<Path> devReal = files.devReal();
        if (devReal.isEmpty()) {
            return Optional.empty();
        }
        Optional<Path> target = files.realInDev(files.dev(link.path().substring("/dev/".length())));
        if (target.isEmpty() || target.get().getParent() == null || !target.get().getParent().equals(devReal.get())) {
            return Optional.empty();
        }
        return Optional.of(target.get().getFileName().toString());
    }

    // ---------------------------------------------------------------- multipath

    @Override
    public Optional<MultipathMap> holderMap(String kernelName) {
        if (!HostFiles.isKernelName(kernelName)) {
            return Optional.empty();
        }
        return absentIfGone(() -> {
            Optional<Path> block = files.realInSys(files.sys("block", kernelName));
            if (block.isEmpty()) {
                return Optional.empty();
            }
            List<String> holders = new ArrayList<>(HostFiles.list(block.get().resolve("holders")));
            holders.sort(KERNEL_NAME_ORDER);
            for (String holder : holders) {
                Optional<MultipathMap> map = multipathMap(holder).filter(found -> found.wwid().isPresent());
                if (map.isPresent()) {
                    return map;
                }
            }
            return Optional.empty();
        });
    }

    @Override
    public Optional<MultipathMap> multipathMap(String kernelName) {
        if (!HostFiles.isKernelName(kernelName)) {
            return Optional.empty();
        }
        return absentIfGone(() -> files.realInSys(files.sys("block", kernelName))
                .flatMap(block -> readMap(kernelName, block)));
    }

    private Optional<MultipathMap> readMap(String kernelName, Path block) {
        Path dm = block.resolve("dm");
        if (!HostFiles.isDirectory(dm)) {
            return Optional.empty();
        }
        String name = required(dm, "name").strip();
        String uuid = optional(dm, "uuid").map(String::strip).orElse("");
        Optional<Wwid> wwid = Optional.empty();
        if (uuid.startsWith(MPATH_UUID_PREFIX) && uuid.length() > MPATH_UUID_PREFIX.length()) {
            try {
                wwid = Optional.of(Wwid.of(uuid.substring(MPATH_UUID_PREFIX.length())));
            } catch (InvalidInputException e) {
                log.debug("{} has uuid '{}', not a multipath WWID", kernelName, uuid);
            }
        }
        List<String> slaves = new ArrayList<>(HostFiles.list(block.resolve("slaves")));
        slaves.sort(KERNEL_NAME_ORDER);
        long sizeBytes = requiredLong(block, "size") * SECTOR;
        return Optional.of(new MultipathMap(kernelName, name, wwid, slaves, sizeBytes));
    }

    @Override
    public Optional<MultipathMap> multipathMapByWwid(Wwid wwid) {
        requireNonNull(wwid, "wwid is null");
        if (!HostFiles.isKernelName("dm-uuid-mpath-" + wwid.value())) {
            return Optional.empty();
        }
        Optional<Path> devReal = files.devReal();
        Optional<Path> target = files.realInDev(files.dev("disk", "by-id", "dm-uuid-mpath-" + wwid.value()));
        if (devReal.isEmpty() || target.isEmpty() || !devReal.get().equals(target.get().getParent())) {
            return Optional.empty();
        }
        String kernelName = target.get().getFileName().toString();
        Optional<MultipathMap> map = multipathMap(kernelName);
        if (map.isPresent() && !map.get().wwid().equals(Optional.of(wwid))) {
            log.debug("/dev/disk/by-id/dm-uuid-mpath-{} points to {}, whose uuid names another WWID", wwid, kernelName);
            return Optional.empty();
        }
        return map;
    }

    @Override
    public List<MultipathMap> multipathMaps() {
        List<MultipathMap> maps = new ArrayList<>();
        for (String name : HostFiles.list(files.sys("block"))) {
            if (name.startsWith("dm-")) {
                multipathMap(name).filter(map -> map.wwid().isPresent()).ifPresent(maps::add);
            }
        }
        maps.sort(Comparator.comparing(MultipathMap::kernelName, KERNEL_NAME_ORDER));
        return List.copyOf(maps);
    }

    // ---------------------------------------------------------------- Fibre Channel

    @Override
    public List<FcHost> fcHosts() {
        List<FcHost> hosts = new ArrayList<>();
        for (String name : HostFiles.list(files.sys("class", "fc_host"))) {
            Matcher matcher = HOST.matcher(name);
            if (matcher.matches()) {
                absentIfGone(() -> readFcHost(Integer.parseInt(matcher.group(1)))).ifPresent(hosts::add);
            }
        }
        hosts.sort(Comparator.comparingInt(FcHost::hostNumber));
        return List.copyOf(hosts);
    }

    /** One HBA; one whose names cannot be read is skipped with a warning (as os-brick does). */
    private Optional<FcHost> readFcHost(int hostNumber) {
        Optional<Path> attributes = files.realInSys(files.sys("class", "fc_host", "host" + hostNumber));
        if (attributes.isEmpty()) {
            return Optional.empty();
        }
        Path dir = attributes.get();
        try {
            String portName = wwn(HostFiles.readText(dir.resolve("port_name")));
            String nodeName = wwn(HostFiles.readText(dir.resolve("node_name")));
            String portState = HostFiles.readText(dir.resolve("port_state")).strip();
            // .../hostN/fc_host/hostN: the device directory is hostN two levels up
            Path device = dir.getParent() == null || dir.getParent().getParent() == null ? dir
                    : dir.getParent().getParent();
            return Optional.of(new FcHost(hostNumber, portName, nodeName, portState, hostView(device)));
        } catch (IOException e) {
            if (!HostFiles.isDirectory(dir)) {
                throw new Gone(dir);
            }
            log.warn("Fibre Channel host{} skipped: {} ({})", hostNumber, HostFiles.reason(e), dir);
            return Optional.empty();
        }
    }

    @Override
    public List<FcRemotePort> fcRemotePorts(int hostNumber) {
        return remotePorts(hostNumber);
    }

    /** Remote ports of one host, or of every host when {@code hostNumber} is negative. */
    private List<FcRemotePort> remotePorts(int hostNumber) {
        List<FcRemotePort> ports = new ArrayList<>();
        for (String name : HostFiles.list(files.sys("class", "fc_remote_ports"))) {
            Matcher matcher = RPORT.matcher(name);
            if (matcher.matches() && (hostNumber < 0 || Integer.parseInt(matcher.group(1)) == hostNumber)) {
                absentIfGone(() -> readRemotePort(name, Integer.parseInt(matcher.group(1)),
                        Integer.parseInt(matcher.group(2)))).ifPresent(ports::add);
            }
        }
        ports.sort(RPORT_ORDER);
        return List.copyOf(ports);
    }

    private Optional<FcRemotePort> readRemotePort(String name, int hostNumber, int channel) {
        Optional<Path> attributes = files.realInSys(files.sys("class", "fc_remote_ports", name));
        if (attributes.isEmpty()) {
            return Optional.empty();
        }
        Path dir = attributes.get();
        try {
            String portName = wwn(HostFiles.readText(dir.resolve("port_name")));
            String nodeName = wwn(HostFiles.readText(dir.resolve("node_name")));
            String portState = HostFiles.readText(dir.resolve("port_state")).strip();
            int targetId = scsiTargetId(dir);
            return Optional.of(new FcRemotePort(name, hostNumber, channel, portName, nodeName, portState, targetId));
        } catch (IOException e) {
            if (!HostFiles.isDirectory(dir)) {
                throw new Gone(dir);
            }
            log.warn("Fibre Channel remote port {} skipped: {} ({})", name, HostFiles.reason(e), dir);
            return Optional.empty();
        }
    }

    /**
     * A remote port's {@code scsi_target_id}; {@code -1} (not a SCSI target) when it is missing, unreadable or not a
     * number, as os-brick treats an unreadable one: the port is then simply not used for a targeted scan.
     */
    private static int scsiTargetId(Path dir) {
        Optional<String> text = lenientText(dir, "scsi_target_id");
        if (text.isEmpty()) {
            return -1;
        }
        try {
            return Integer.parseInt(text.get().strip());
        } catch (NumberFormatException e) {
            log.debug("{}/scsi_target_id holds '{}', not a number: not a SCSI target", dir, text.get().strip());
            return -1;
        }
    }

    @Override
    public List<FcTransportTarget> fcTransportTargets(int hostNumber) {
        List<FcTransportTarget> targets = new ArrayList<>();
        for (String name : HostFiles.list(files.sys("class", "fc_transport"))) {
            Matcher matcher = TARGET.matcher(name);
            if (matcher.matches() && Integer.parseInt(matcher.group(1)) == hostNumber) {
                ScsiTarget target = new ScsiTarget(hostNumber, Integer.parseInt(matcher.group(2)),
                        Integer.parseInt(matcher.group(3)));
                absentIfGone(() -> readTransportTarget(name, target)).ifPresent(targets::add);
            }
        }
        targets.sort(Comparator.comparing(FcTransportTarget::target, Comparator.comparingInt(ScsiTarget::channel)
                .thenComparingInt(ScsiTarget::target)));
        return List.copyOf(targets);
    }

    private Optional<FcTransportTarget> readTransportTarget(String name, ScsiTarget target) {
        Optional<Path> attributes = files.realInSys(files.sys("class", "fc_transport", name));
        if (attributes.isEmpty()) {
            return Optional.empty();
        }
        Path dir = attributes.get();
        try {
            return Optional.of(new FcTransportTarget(target, wwn(HostFiles.readText(dir.resolve("port_name"))),
                    wwn(HostFiles.readText(dir.resolve("node_name")))));
        } catch (IOException e) {
            if (!HostFiles.isDirectory(dir)) {
                throw new Gone(dir);
            }
            log.debug("Fibre Channel target {} skipped: {} ({})", name, HostFiles.reason(e), dir);
            return Optional.empty();
        }
    }

    /** {@code 0x50014380242B9750} → {@code 50014380242b9750}. */
    private static String wwn(String text) {
        String value = text.strip().toLowerCase(Locale.ROOT);
        return value.startsWith("0x") ? value.substring(2) : value;
    }

    /** A real path under the host root's sys directory as the host names it: {@code /sys/devices/...}. */
    private String hostView(Path real) {
        Optional<Path> sysReal = files.sysReal();
        if (sysReal.isPresent() && real.startsWith(sysReal.get())) {
            Path relative = sysReal.get().relativize(real);
            return relative.toString().isEmpty() ? "/sys" : "/sys/" + relative;
        }
        return real.toString();
    }

    // ---------------------------------------------------------------- everything

    @Override
    public Topology topology() {
        List<IscsiSession> sessions = iscsiSessions();
        Set<Integer> transportHosts = new HashSet<>();
        for (String hostClass : List.of("iscsi_host", "fc_host")) {
            for (String name : HostFiles.list(files.sys("class", hostClass))) {
                Matcher matcher = HOST.matcher(name);
                if (matcher.matches()) {
                    transportHosts.add(Integer.parseInt(matcher.group(1)));
                }
            }
        }
        List<BlockDevice> devices = new ArrayList<>();
        for (String name : HostFiles.list(files.sys("block"))) {
            if (!name.startsWith("dm-")) {
                device(name).filter(device -> transportHosts.contains(device.hctl().host())).ifPresent(devices::add);
            }
        }
        devices.sort(Comparator.comparing(BlockDevice::hctl, HCTL_ORDER));
        return new Topology(sessions, devices, multipathMaps(), fcHosts(), remotePorts(-1));
    }

    // ---------------------------------------------------------------- reading

    private static <T> Optional<T> absentIfGone(Supplier<Optional<T>> read) {
        try {
            return read.get();
        } catch (Gone gone) {
            log.debug("{} disappeared while it was read: absent", gone.getMessage());
            return Optional.empty();
        }
    }

    /** An attribute the object must have: its absence while the object is still there is a host error. */
    private static String required(Path dir, String name) {
        Path file = dir.resolve(name);
        try {
            return HostFiles.readText(file);
        } catch (IOException e) {
            if (!HostFiles.isDirectory(dir)) {
                throw new Gone(dir);
            }
            throw HostFiles.unreadable(file, e);
        }
    }

    private static long requiredLong(Path dir, String name) {
        String text = required(dir, name).strip();
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new HostStateException(dir.resolve(name) + " holds " + Quoted.of(text) + ", not a number", true,
                    Map.of("path", dir.resolve(name).toString(), "content", Quoted.of(text)), e);
        }
    }

    /** An attribute that may be missing; a file that is there but cannot be read is a host error. */
    private static Optional<String> optional(Path dir, String name) {
        Path file = dir.resolve(name);
        try {
            return Optional.of(HostFiles.readText(file));
        } catch (NoSuchFileException e) {
            if (!HostFiles.isDirectory(dir)) {
                throw new Gone(dir);
            }
            return Optional.empty();
        } catch (IOException e) {
            if (!HostFiles.isDirectory(dir)) {
                throw new Gone(dir);
            }
            throw HostFiles.unreadable(file, e);
        }
    }

    /** An attribute whose read may fail for reasons of the device, not of the host (wwid without VPD 0x83). */
    private static Optional<String> lenientText(Path dir, String name) {
        try {
            return Optional.of(HostFiles.readText(dir.resolve(name)));
        } catch (IOException e) {
            if (!HostFiles.isDirectory(dir)) {
                throw new Gone(dir);
            }
            log.debug("{}/{} not readable: {}", dir, name, HostFiles.reason(e));
            return Optional.empty();
        }
    }

    private static Optional<Integer> optionalInt(Path dir, String name) {
        return optional(dir, name).map(String::strip).flatMap(text -> {
            try {
                return Optional.of(Integer.parseInt(text));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        });
    }

    /** Whether a kernel string attribute holds a value ({@code (null)} is the kernel's "none"). */
    private static boolean isSet(String value) {
        return !value.isEmpty() && !"(null)".equals(value);
    }

    /** {@code dm-2} before {@code dm-10}; names without a number suffix as strings. */
    private static int compareKernelNames(String left, String right) {
        Matcher a = NAME_NUMBER.matcher(left);
        Matcher b = NAME_NUMBER.matcher(right);
        if (a.matches() && b.matches() && a.group(1).equals(b.group(1))) {
            return Integer.compare(Integer.parseInt(a.group(2)), Integer.parseInt(b.group(2)));
        }
        return left.compareTo(right);
    }
}
