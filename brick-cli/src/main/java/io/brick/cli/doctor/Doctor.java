package io.brick.cli.doctor;

import io.brick.core.host.HostRoot;
import io.brick.core.model.BlockDevice;
import io.brick.iscsi.IscsiSession;
import io.brick.core.model.MultipathMap;
import io.brick.iscsi.Portal;
import io.brick.core.port.MultipathManager;
import io.brick.iscsi.SessionManager;
import io.brick.core.model.Wwid;
import io.brick.core.port.SysfsAccess;
import io.brick.core.port.TopologyProvider;
import io.brick.iscsi.IscsiSessionReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import static java.util.Objects.requireNonNull;

/**
 * Looks for leftovers and trouble on a host, reading the kernel's view through a {@link TopologyProvider} and the
 * transports' readers ({@link HostTopology}), and the {@code /dev/disk} links under a {@link HostRoot}. It only reads;
 * every {@link Finding} carries the action that would usually clear it, for an operator to run after checking.
 *
 * <p>What it finds:
 * <ul>
 *   <li>{@code phantom-device}: a SCSI device held by a multipath map whose WWID differs from the map's: the stale
 *   device of a LUN number the array gave to another volume;</li>
 *   <li>{@code failed-path}: a SCSI device of an iSCSI or FC host whose state is not {@code running}
 *   ({@code blocked}, {@code offline}, {@code transport-offline}, ...), or, when the caller passes what
 *   {@code multipathd show paths} said, a path multipathd has failed (a LUN the target no longer reports stays
 *   {@code running} in sysfs);</li>
 *   <li>{@code map-without-active-path}: a multipath map with no path, or whose every path is unusable (a path
 *   device brick cannot read as a SCSI device, e.g. NVMe, counts as usable: the doctor does not judge it). A map
 *   whose {@code slaves/} is empty while devices of its WWID (or multipathd) still name its paths is in a table
 *   reload, not a ghost: it is judged by those paths;</li>
 *   <li>{@code empty-session}: an iSCSI session without any SCSI device;</li>
 *   <li>{@code dangling-link}: a link in {@code /dev/disk/by-id} or {@code /dev/disk/by-path} whose target does
 *   not exist.</li>
 * </ul>
 * The doctor runs no command: node records without a session ({@code iscsiadm -m node}) and multipathd's path
 * states are checked only when the caller passes them ({@link #examine(List, List)}; the CLI does on the running host).
 */
public final class Doctor {
    private static final Logger log = LoggerFactory.getLogger(Doctor.class);

    /** The {@code /dev} directories whose links are checked. */
    private static final List<String> LINK_DIRECTORIES = List.of("disk/by-id", "disk/by-path");

    private final TopologyProvider topology;
    private final SysfsAccess sysfs;
    private final IscsiSessionReader sessions;
    private final HostRoot root;

    /**
     * @param topology the host's shared view (devices, maps)
     * @param sysfs what the transports' readers read (sessions, HBAs)
     * @param root where the {@code /dev/disk} links are
     */
    public Doctor(TopologyProvider topology, SysfsAccess sysfs, HostRoot root) {
        this.topology = requireNonNull(topology, "topology is null");
        this.sysfs = requireNonNull(sysfs, "sysfs is null");
        this.sessions = new IscsiSessionReader(sysfs, topology);
        this.root = requireNonNull(root, "root is null");
    }

    /**
     * Examines the host once.
     *
     * @return the findings, sorted by {@link Finding#ORDER}; empty for a clean host
     * @throws UncheckedIOException when a {@code /dev/disk} directory exists but cannot be listed
     */
    public List<Finding> examine() {
        return examine(List.of());
    }

    /**
     * {@link #examine()}, and {@code node-without-session} for every iSCSI node record (as {@code iscsiadm -m node}
     * lists them; the caller runs that, the doctor itself runs nothing) that has no session: a leftover of a detach
     * that logged out but did not delete the record, which makes iscsid log in again at boot.
     */
    public List<Finding> examine(List<SessionManager.Node> nodeRecords) {
        return examine(nodeRecords, List.of());
    }

    /**
     * {@link #examine(List)}, and the paths multipathd reports failed ({@code multipathd show paths}; the caller runs
     * that): a LUN the target no longer reports keeps a {@code running} device in sysfs, but its path checker finds
     * it faulty and dm-multipath fails it. Such a path is a {@code failed-path}, and a map whose every path is failed
     * is a {@code map-without-active-path}.
     */
    public List<Finding> examine(List<SessionManager.Node> nodeRecords, List<MultipathManager.PathStatus> paths) {
        requireNonNull(nodeRecords, "nodeRecords is null");
        requireNonNull(paths, "paths is null");
        Map<String, MultipathManager.PathStatus> failedPaths = new HashMap<>();
        for (MultipathManager.PathStatus path : paths) {
            if (path.failed()) {
                failedPaths.put(path.device(), path);
            }
        }
        HostTopology host = HostTopology.read(topology, sysfs);
        List<Finding> findings = new ArrayList<>();
        Map<String, BlockDevice> devices = new HashMap<>();
        for (BlockDevice device : host.devices()) {
            devices.put(device.name(), device);
        }
        Map<String, MultipathMap> maps = new HashMap<>();
        for (MultipathMap map : host.multipathMaps()) {
            maps.put(map.kernelName(), map);
        }
        for (BlockDevice device : host.devices()) {
            failedPath(device).or(() -> failedInMultipath(device, failedPaths.get(device.name())))
                    .ifPresent(findings::add);
            findings.addAll(phantoms(device, maps));
        }
        Map<String, List<String>> pathsByMap = new HashMap<>();
        for (MultipathManager.PathStatus path : paths) {
            pathsByMap.computeIfAbsent(path.map(), key -> new ArrayList<>()).add(path.device());
        }
        for (MultipathMap map : host.multipathMaps()) {
            mapWithoutActivePath(map, devices, failedPaths, pathsByMap).ifPresent(findings::add);
        }
        for (IscsiSession session : host.iscsiSessions()) {
            emptySession(session).ifPresent(findings::add);
        }
        for (String directory : LINK_DIRECTORIES) {
            findings.addAll(danglingLinks(directory));
        }
        for (SessionManager.Node node : nodeRecords) {
            boolean hasSession = host.iscsiSessions().stream()
                    .anyMatch(session -> session.connects(node.portal(), node.target()));
            if (!hasSession) {
                findings.add(new Finding("node-without-session", node.portal() + " " + node.target().value(),
                        "an iSCSI node record with no session (iscsid logs in again at boot if node.startup is "
                                + "automatic)",
                        "iscsiadm -m node -T " + node.target().value() + " -p " + node.portal()
                                + " --op delete, if no volume should be attached there"));
            }
        }
        findings.sort(Finding.ORDER);
        log.info("doctor found {} problem(s)", findings.size());
        return List.copyOf(findings);
    }

    private static Optional<Finding> failedPath(BlockDevice device) {
        if (device.state().usable()) {
            return Optional.empty();
        }
        String maps = device.holders().isEmpty() ? "" : ", held by " + String.join(", ", device.holders());
        return Optional.of(new Finding("failed-path", device.name(),
                device.name() + " (" + device.hctl() + wwidText(device.wwid()) + ") is "
                        + device.state().kernelName() + maps,
                "check the session and the storage network of host" + device.hctl().host()
                        + "; if the path is gone for good, remove it: echo 1 > /sys/block/" + device.name()
                        + "/device/delete"));
    }

    private static Optional<Finding> failedInMultipath(BlockDevice device, MultipathManager.PathStatus status) {
        if (status == null) {
            return Optional.empty();
        }
        return Optional.of(new Finding("failed-path", device.name(),
                device.name() + " (" + device.hctl() + wwidText(device.wwid()) + ") is " + device.state().kernelName()
                        + " in sysfs but multipathd finds it " + status.dmState() + " (checker " + status.checkerState()
                        + ") in map " + status.map() + ": the target may no longer report this LUN",
                "check the LUN on the storage and the session of host" + device.hctl().host()
                        + "; if the LUN is gone for good, flush its map and remove the path: echo 1 > /sys/block/"
                        + device.name() + "/device/delete"));
    }

    private static List<Finding> phantoms(BlockDevice device, Map<String, MultipathMap> maps) {
        List<Finding> found = new ArrayList<>();
        if (device.wwid().isEmpty()) {
            return found;
        }
        Wwid wwid = device.wwid().get();
        for (String holder : device.holders()) {
            MultipathMap map = maps.get(holder);
            if (map == null || map.wwid().isEmpty() || map.wwid().get().equals(wwid)) {
                continue;
            }
            found.add(new Finding("phantom-device", device.name(),
                    device.name() + " (" + device.hctl() + ") has WWID " + wwid + " but sits in map " + holder
                            + " of WWID " + map.wwid().get() + ": a stale device of a reused LUN",
                    "check that nothing uses " + device.name() + ", remove it from the map (multipathd del path "
                            + device.name() + ") and delete it: echo 1 > /sys/block/" + device.name()
                            + "/device/delete"));
        }
        return found;
    }

    private Optional<Finding> mapWithoutActivePath(MultipathMap map, Map<String, BlockDevice> devices,
                                                   Map<String, MultipathManager.PathStatus> failedPaths,
                                                   Map<String, List<String>> pathsByMap) {
        if (map.wwid().isEmpty()) {
            return Optional.empty();
        }
        String subject = map.kernelName();
        String suggestion = "if the volume is no longer wanted, flush and remove the map (multipath -f " + map.name()
                + "); otherwise restore a path to the storage";
        List<String> slaves = map.slaves();
        String reloading = "";
        if (slaves.isEmpty()) {
            slaves = pathsDuringReload(map, devices, pathsByMap);
            if (slaves.isEmpty()) {
                return Optional.of(new Finding("map-without-active-path", subject,
                        "multipath map " + map.name() + " (" + subject + ") has no path", suggestion));
            }
            // a Trident bug removed live volumes' maps taken for ghosts at this moment (issue 18, item 6)
            log.debug("{} ({}) lists no slave in sysfs, but {} are its paths: a table reload, not a ghost", subject,
                    map.name(), slaves);
            reloading = " (sysfs lists no slave for the moment, as during a table reload; its paths are "
                    + String.join(", ", slaves) + ")";
        }
        List<String> states = new ArrayList<>();
        for (String slave : slaves) {
            Optional<BlockDevice> device = Optional.ofNullable(devices.get(slave)).or(() -> topology.device(slave));
            if (device.isEmpty()) {
                return Optional.empty();
            }
            MultipathManager.PathStatus status = failedPaths.get(slave);
            if (device.get().state().usable() && status == null) {
                return Optional.empty();
            }
            states.add(slave + " " + (status == null ? device.get().state().kernelName()
                    : status.dmState() + " (checker " + status.checkerState() + ")"));
        }
        return Optional.of(new Finding("map-without-active-path", subject,
                "multipath map " + map.name() + " (" + subject + ") has no usable path: " + String.join(", ", states)
                        + reloading,
                suggestion));
    }

    /**
     * The paths of a map whose {@code slaves/} is empty: while device-mapper reloads a map's table, sysfs shows no
     * slave (and no holder in the paths) though the table still names them. Its paths are then the SCSI devices of its
     * WWID that no other map holds, and those multipathd says are in it; none means a map that really has no path.
     */
    private static List<String> pathsDuringReload(MultipathMap map, Map<String, BlockDevice> devices,
                                                  Map<String, List<String>> pathsByMap) {
        Set<String> paths = new TreeSet<>();
        for (BlockDevice device : devices.values()) {
            if (device.wwid().equals(map.wwid()) && device.holders().isEmpty()) {
                paths.add(device.name());
            }
        }
        paths.addAll(pathsByMap.getOrDefault(map.name(), List.of()));
        return List.copyOf(paths);
    }

    private Optional<Finding> emptySession(IscsiSession session) {
        if (!sessions.devices(session.sessionId()).isEmpty()) {
            return Optional.empty();
        }
        Optional<Portal> portal = session.persistentPortal().or(session::currentPortal);
        String logout = "iscsiadm -m node -T " + session.targetName()
                + portal.map(p -> " -p " + p).orElse("") + " --logout";
        return Optional.of(new Finding("empty-session", "session" + session.sessionId(),
                "session" + session.sessionId() + " (host" + session.hostNumber() + ") to " + session.targetName()
                        + portal.map(p -> " at " + p).orElse("") + " is " + session.state()
                        + " without any SCSI device",
                "if no volume of this target should be attached, log out: " + logout));
    }

    private List<Finding> danglingLinks(String directory) {
        Path devRoot = Path.of(root.dev()).normalize();
        Path dir = devRoot.resolve(directory);
        List<Finding> found = new ArrayList<>();
        List<Path> links = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path entry : entries) {
                if (Files.isSymbolicLink(entry)) {
                    links.add(entry);
                }
            }
        } catch (NoSuchFileException | NotDirectoryException e) {
            log.debug("{} does not exist: no links to check", dir);
            return found;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
        for (Path link : links) {
            String hostName = "/dev/" + directory + "/" + link.getFileName();
            String target;
            try {
                target = Files.readSymbolicLink(link).toString();
            } catch (NoSuchFileException e) {
                continue;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the link " + link, e);
            }
            if (!Files.exists(targetUnderRoot(devRoot, link, target), LinkOption.NOFOLLOW_LINKS)) {
                found.add(new Finding("dangling-link", hostName,
                        hostName + " points to " + target + ", which does not exist",
                        "let udev rebuild the links (udevadm trigger --action=change --subsystem-match=block"
                                + " && udevadm settle) or remove it: rm " + hostName));
            }
        }
        return found;
    }

    /**
     * Where a link's target is under the host root, without following any link: a relative target from the link's
     * directory, an absolute {@code /dev/...} target under the root's {@code dev}, any other absolute target under
     * the directory that holds the root's {@code dev}.
     */
    private Path targetUnderRoot(Path devRoot, Path link, String target) {
        if (target.startsWith("/dev/")) {
            return devRoot.resolve(target.substring("/dev/".length())).normalize();
        }
        if (target.startsWith("/sys/")) {
            return Path.of(root.sys()).resolve(target.substring("/sys/".length())).normalize();
        }
        if (target.startsWith("/")) {
            Path hostRootDir = devRoot.getParent();
            return root.isSystem() || hostRootDir == null ? Path.of(target).normalize()
                    : hostRootDir.resolve(target.substring(1)).normalize();
        }
        return link.getParent().resolve(target).normalize();
    }

    private static String wwidText(Optional<Wwid> wwid) {
        return wwid.map(value -> ", WWID " + value).orElse("");
    }
}
