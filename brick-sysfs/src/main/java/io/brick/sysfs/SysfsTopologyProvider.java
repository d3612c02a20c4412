package io.brick.sysfs;

import io.brick.core.error.HostStateException;
import io.brick.core.error.InvalidInputException;
import io.brick.core.host.HostRoot;
import io.brick.core.model.BlockDevice;
import io.brick.core.model.DevicePath;
import io.brick.core.model.DeviceState;
import io.brick.core.model.Hctl;
import io.brick.core.model.KernelNames;
import io.brick.core.model.MultipathMap;
import io.brick.core.model.Quoted;
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
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
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
 *   <li>a device: {@code block/NAME} → {@code .../H:C:T:L/block/NAME} ({@code size}, {@code holders/}), with
 *   {@code device} → {@code H:C:T:L} ({@code wwid} or {@code vpd_pg83}, {@code state}, {@code vendor}, {@code model});</li>
 *   <li>a map: {@code block/dm-N} ({@code dm/name}, {@code dm/uuid}, {@code slaves/}, {@code size}), and
 *   {@code /dev/disk/by-id/dm-uuid-mpath-WWID} → {@code dm-N}.</li>
 * </ul>
 * A transport's own objects (iSCSI sessions, FC HBAs) are read by the transport through {@link HostSysfsAccess}.
 * {@link #topology()} lists the SCSI devices of iSCSI and Fibre Channel hosts only (not local ATA or SAS disks).
 * Targeted lookups follow those paths only; {@code /sys/block} is listed only by {@link #multipathMaps()} and
 * {@link #topology()}. A link that resolves outside the host root's {@code sys} (or {@code dev}) directory is treated
 * as absent. An object that disappears while it is read is absent; an expected file of an object that is still there
 * but cannot be read is a {@link HostStateException} naming the path.
 */
final class SysfsTopologyProvider implements TopologyProvider {
    private static final Logger log = LoggerFactory.getLogger(SysfsTopologyProvider.class);

    private static final Pattern HOST = Pattern.compile("host(\\d{1,9})");
    private static final Pattern HCTL = Pattern.compile("\\d{1,9}:\\d{1,9}:\\d{1,9}:\\d{1,20}");
    private static final String MPATH_UUID_PREFIX = "mpath-";
    private static final long SECTOR = 512;

    private static final Comparator<Hctl> HCTL_ORDER = Comparator.comparingInt(Hctl::host)
            .thenComparingInt(Hctl::channel).thenComparingInt(Hctl::target)
            .thenComparing(Hctl::lun, Long::compareUnsigned);

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

    /**
     * The device-mapper devices holding a device: one listing of its {@code holders/} (the kernel follows
     * {@code block/NAME}, as os-brick's glob of {@code holders/dm-*} does), keeping only names of the kernel's form
     * ({@code dm-N}), so no name from the listing can lead a later read anywhere else. Nothing is read of them: a
     * caller that needs the map asks {@link #holderMap(String, String)}, which checks it where it really is.
     */
    @Override
    public List<String> holders(String kernelName) {
        if (!HostFiles.isKernelName(kernelName)) {
            return List.of();
        }
        List<String> listed = HostFiles.listUnsorted(files.sys("block", kernelName, "holders"));
        if (listed.isEmpty()) {
            return List.of();
        }
        List<String> holders = new ArrayList<>(listed.size());
        for (String name : listed) {
            if (KernelNames.isDeviceMapper(name)) {
                holders.add(name);
            }
        }
        if (holders.size() > 1) {
            holders.sort(KernelNames.ORDER);
        }
        return List.copyOf(holders);
    }

    /**
     * One holder read as a map: where {@code block/dm-N} really leads inside {@code /sys}, its {@code dm/uuid} first (a
     * holder that is not a multipath map costs one read), and it must list the device among its {@code slaves/}, the
     * other half of the link the kernel makes, so a name from a listing outside {@code /sys} never makes a map brick's.
     */
    @Override
    public Optional<MultipathMap> holderMap(String kernelName, String holder) {
        if (!HostFiles.isKernelName(kernelName) || !KernelNames.isDeviceMapper(holder)) {
            return Optional.empty();
        }
        return absentIfGone(() -> files.realInSys(files.sys("block", holder))
                .flatMap(block -> readMultipathMap(holder, block)))
                .filter(found -> found.slaves().contains(kernelName));
    }

    /** A device-mapper device that is a multipath map ({@code dm/uuid} {@code mpath-<wwid>}); empty for any other. */
    private Optional<MultipathMap> readMultipathMap(String kernelName, Path block) {
        String uuid;
        try {
            uuid = HostFiles.readText(block.resolve("dm").resolve("uuid")).strip();
        } catch (NoSuchFileException | java.nio.file.NotDirectoryException e) {
            return Optional.empty(); // not a device-mapper device (or gone)
        } catch (IOException e) {
            if (!HostFiles.isDirectory(block)) {
                throw new Gone(block);
            }
            throw HostFiles.unreadable(block.resolve("dm").resolve("uuid"), e);
        }
        return mpathWwid(kernelName, uuid).isEmpty() ? Optional.empty() : readMap(kernelName, block, Optional.of(uuid));
    }

    @Override
    public Optional<MultipathMap> multipathMap(String kernelName) {
        if (!HostFiles.isKernelName(kernelName)) {
            return Optional.empty();
        }
        return absentIfGone(() -> files.realInSys(files.sys("block", kernelName))
                .flatMap(block -> readMap(kernelName, block, Optional.empty())));
    }

    private Optional<MultipathMap> readMap(String kernelName, Path block, Optional<String> knownUuid) {
        Path dm = block.resolve("dm");
        if (knownUuid.isEmpty() && !HostFiles.isDirectory(dm)) {
            return Optional.empty();
        }
        String name = required(dm, "name").strip();
        String uuid = knownUuid.isPresent() ? knownUuid.get() : optional(dm, "uuid").map(String::strip).orElse("");
        Optional<Wwid> wwid = mpathWwid(kernelName, uuid);
        List<String> slaves = new ArrayList<>(HostFiles.list(block.resolve("slaves")));
        slaves.sort(KernelNames.ORDER);
        long sizeBytes = requiredLong(block, "size") * SECTOR;
        return Optional.of(new MultipathMap(kernelName, name, wwid, slaves, sizeBytes));
    }

    /** The WWID of a multipath map's uuid ({@code mpath-<wwid>}); none for any other uuid. */
    private static Optional<Wwid> mpathWwid(String kernelName, String uuid) {
        if (uuid.startsWith(MPATH_UUID_PREFIX) && uuid.length() > MPATH_UUID_PREFIX.length()) {
            try {
                return Optional.of(Wwid.of(uuid.substring(MPATH_UUID_PREFIX.length())));
            } catch (InvalidInputException e) {
                log.debug("{} has uuid '{}', not a multipath WWID", kernelName, uuid);
            }
        }
        return Optional.empty();
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
        maps.sort(Comparator.comparing(MultipathMap::kernelName, KernelNames.ORDER));
        return List.copyOf(maps);
    }

    // ---------------------------------------------------------------- everything

    @Override
    public Topology topology() {
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
        return new Topology(devices, multipathMaps());
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
}
