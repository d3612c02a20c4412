package io.brick.testkit.host;

import io.brick.core.model.DeviceState;
import io.brick.core.model.Hctl;
import io.brick.testkit.sysfs.FakeSysfs;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

import static java.util.Objects.requireNonNull;

/**
 * The simulated kernel, iscsid, udev and multipathd state over a {@link FakeSysfs}: sessions, SCSI devices, maps,
 * node records; sysfs writes; scheduled events. Every method runs under the host's lock (the {@link SimulatedClock}'s
 * monitor): callers hold it.
 */
final class Kernel {
    private static final Logger log = LoggerFactory.getLogger(Kernel.class);

    final FakeSysfs sysfs;
    final SimulatedClock clock;
    final Storage storage;
    final Latencies latencies;
    final Oracle oracle;
    final Faults faults;
    final Fabric fabric;
    final String initiatorName;
    final String localAddress;
    final boolean findMultipaths;
    boolean multipathdRunning;

    final Map<String, NodeRecord> nodes = new LinkedHashMap<>();
    final Map<String, DiscoveryRecord> discoveryRecords = new LinkedHashMap<>();
    /** An operator's own ifaces ({@code iscsiadm -m iface -I NAME -o new}), by name: the builtin two are not here. */
    final Map<String, IfaceRecord> ifaces = new LinkedHashMap<>();
    /** Whether a session's {@code ifacename} in sysfs names its iface; else it reads {@code (null)}, as iscsid left it unset. */
    boolean sessionIfacenames = true;
    final Map<Integer, SessionState> sessions = new TreeMap<>();
    final Map<String, Device> devices = new LinkedHashMap<>();
    /** Paths multipathd still monitors though their devices were removed ({@link Faults#multipathdKeepsRemovedPaths}). */
    final Map<String, HeldPath> heldPaths = new LinkedHashMap<>();
    final Map<String, MapState> maps = new LinkedHashMap<>();
    final Set<String> wwidsFile = new LinkedHashSet<>();
    final Set<String> portalsDown = new LinkedHashSet<>();
    final Map<Integer, HbaState> hbas = new TreeMap<>();
    final Map<String, RportState> rports = new LinkedHashMap<>();
    boolean fcScanOnLogin = true;
    private final Set<String> pendingMaps = new LinkedHashSet<>();
    private final Map<Path, Watch> watches = new LinkedHashMap<>();
    private final String defaultScan;
    private int nextHost;
    private int nextSid = 1;

    Kernel(FakeSysfs sysfs, SimulatedClock clock, Storage storage, Fabric fabric, Latencies latencies, Oracle oracle,
           Faults faults, String initiatorName, String localAddress, boolean findMultipaths, boolean multipathdRunning,
           int firstHostNumber, String defaultScan) {
        this.sysfs = sysfs;
        this.clock = clock;
        this.storage = storage;
        this.fabric = fabric;
        this.latencies = latencies;
        this.oracle = oracle;
        this.faults = faults;
        this.initiatorName = initiatorName;
        this.localAddress = localAddress;
        this.findMultipaths = findMultipaths;
        this.multipathdRunning = multipathdRunning;
        this.nextHost = firstHostNumber;
        this.defaultScan = defaultScan;
    }

    String defaultScan() {
        return defaultScan;
    }

    // ------------------------------------------------------------------------------------------- sessions

    /** Makes a logged-in session (a new SCSI host), scanning every LUN when the record says so. */
    SessionState login(NodeRecord node, Target target) {
        int host = nextHost++;
        // above every id the tree has had: the kernel never reuses one (sessions a test made before count too)
        int sid = Math.max(nextSid, sysfs.highestSessionId() + 1);
        nextSid = sid + 1;
        String[] portal = splitPortal(node.portal());
        int recoveryTmo = multipathdRunning ? 5 : 120;
        String user = "CHAP".equalsIgnoreCase(node.param("node.session.auth.authmethod"))
                ? node.param("node.session.auth.username") : "(null)";
        String address = localAddressFor(node.portal());
        sysfs.iscsiSession(host, sid, s -> s.target(target.iqn()).portal(portal[0], Integer.parseInt(portal[1]))
                .tpgt(Target.TPGT).recoveryTmo(recoveryTmo).initiatorName(initiatorName).localAddress(address)
                .localPort(40000 + sid).ifaceName(sessionIfacenames ? node.iface() : "(null)")
                .driver("iser".equals(ifaceTransport(node.iface())) ? "ib_iser" : "iscsi_tcp")
                .username(user.isEmpty() ? "(null)" : user));
        SessionState session = new SessionState(sid, host, target.iqn(), node.portal(), node.iface(), recoveryTmo);
        sessions.put(sid, session);
        watch(sysfs.scsiHostDirectory(host).resolve("scan"), new Watch(WatchKind.SCAN, host, ""));
        log.debug("login: session{} on host{} to {} {}", sid, host, node.portal(), target.iqn());
        String scan = node.param("node.session.scan");
        if (!"manual".equals(scan)) {
            for (int lun : target.lunsInternal().keySet()) {
                scheduleDevice(sid, lun);
            }
        }
        return session;
    }

    /**
     * Logs a session out: its devices go (a dirty one is data loss), then the session and its host. A session with
     * devices or a scan in flight is logged out while in use: the oracle records it.
     */
    void logout(SessionState session) {
        List<String> inUse = devicesOf(session).stream().map(each -> each.name + " (LUN " + each.hctl.lun() + ")")
                .toList();
        if (!inUse.isEmpty() || !session.pendingScans.isEmpty()) {
            oracle.sessionInUse(session.sid, session.portal, session.iqn, inUse,
                    List.copyOf(session.pendingScans.keySet()));
        }
        for (Device device : List.copyOf(devices.values())) {
            if (device.sid == session.sid) {
                checkTarget("logout", device.name, device.wwid, Optional.of(device));
                removeDevice(device, "logout", false);
            }
        }
        sysfs.removeSession(session.sid);
        unwatchHost(session.host);
        sessions.remove(session.sid);
    }

    /** Whether open-iscsi knows that iface: {@code default}, {@code iser}, or one made with {@code -m iface -o new}. */
    boolean knowsIface(String iface) {
        return "default".equals(iface) || "iser".equals(iface) || ifaces.containsKey(iface);
    }

    /**
     * The iface's {@code iface.transport_name}: {@code tcp} for {@code default}, {@code iser} for {@code iser}, an own
     * iface's as it was made or updated ({@code tcp} when unknown, as {@link SimulatedHost#loginSession} makes it).
     */
    String ifaceTransport(String iface) {
        if ("iser".equals(iface)) {
            return "iser";
        }
        IfaceRecord own = ifaces.get(iface);
        return own == null ? "tcp" : own.params.get("iface.transport_name");
    }

    List<SessionState> sessionsTo(String iqn, String portal, String iface) {
        return sessions.values().stream()
                .filter(each -> (iqn == null || each.iqn.equals(iqn)) && (portal == null || each.portal.equals(portal))
                        && (iface == null || each.iface.equals(iface)))
                .toList();
    }

    /** Every session to a portal fails: connection down, devices blocked, transport-offline after recovery_tmo. */
    void pathDown(String portal) {
        portalsDown.add(portal);
        for (SessionState session : sessions.values()) {
            if (!session.portal.equals(portal) || session.failed) {
                continue;
            }
            session.failed = true;
            long generation = ++session.stateGeneration;
            sysfs.sessionState(session.sid, "FAILED");
            sysfs.connectionState(session.sid, "failed");
            for (Device device : devicesOf(session)) {
                setState(device, DeviceState.BLOCKED);
            }
            clock.schedule(Duration.ofSeconds(session.recoveryTmo), () -> {
                if (session.failed && session.stateGeneration == generation && sessions.containsKey(session.sid)) {
                    for (Device device : devicesOf(session)) {
                        setState(device, DeviceState.TRANSPORT_OFFLINE);
                    }
                }
            });
        }
    }

    /** The portal is reachable again: its sessions log back in, their devices run. */
    void pathUp(String portal) {
        portalsDown.remove(portal);
        for (SessionState session : sessions.values()) {
            if (!session.portal.equals(portal) || !session.failed) {
                continue;
            }
            session.failed = false;
            session.stateGeneration++;
            sysfs.sessionState(session.sid, "LOGGED_IN");
            sysfs.connectionState(session.sid, "up");
            for (Device device : devicesOf(session)) {
                if (!device.state.equals(DeviceState.OFFLINE)) {
                    setState(device, DeviceState.RUNNING);
                }
            }
        }
    }

    // ------------------------------------------------------------------------------------------- SCSI devices

    /** A scan of one LUN on a session: the device appears after the scan latency (and any slow-udev delay). */
    void scheduleDevice(int sid, int lun) {
        Duration delay = latencies.scan();
        Optional<Duration> slow = faults.slowUdev();
        if (slow.isPresent()) {
            delay = delay.plus(slow.get());
            oracle.fire(FaultKind.SLOW_UDEV, "session" + sid + " LUN " + lun + " +" + slow.get().toMillis() + " ms");
        }
        SessionState session = sessions.get(sid);
        if (session != null) {
            session.pendingScans.merge(lun, 1, Integer::sum);
        }
        clock.schedule(delay, () -> deviceAppears(sid, lun));
    }

    private void deviceAppears(int sid, int lunNumber) {
        SessionState session = sessions.get(sid);
        if (session == null) {
            return;
        }
        session.pendingScans.computeIfPresent(lunNumber, (lun, count) -> count == 1 ? null : count - 1);
        if (session.failed) {
            return;
        }
        Hctl hctl = new Hctl(session.host, 0, 0, lunNumber);
        if (deviceAt(hctl).isPresent()) {
            return; // the kernel keeps the device it has at that address, whatever the LUN is now
        }
        Optional<Target.LunState> found = storage.find(session.iqn).flatMap(target -> target.lunState(lunNumber));
        if (found.isEmpty()) {
            return;
        }
        Target.LunState lun = found.get();
        if (!lun.reportedWwid().equals(lun.wwid())) {
            oracle.fire(FaultKind.DUPLICATE_WWID, session.iqn + " LUN " + lunNumber + " reports " + lun.reportedWwid());
        }
        String name = sysfs.nextDiskName();
        sysfs.scsiDevice(hctl, name, d -> d.wwid(lun.reportedWwid()).sizeBytes(lun.sizeBytes()).vendor(lun.vendor())
                .model(lun.model()));
        Device device = new Device(name, hctl, sid, session.iqn, lunNumber, lun.reportedWwid(), lun.generation(),
                lun.sizeBytes());
        device.vendor = lun.vendor();
        device.model = lun.model();
        devices.put(name, device);
        Path dir = sysfs.scsiDeviceDirectory(name);
        watch(dir.resolve("delete"), new Watch(WatchKind.DELETE, session.host, name));
        watch(dir.resolve("rescan"), new Watch(WatchKind.RESCAN, session.host, name));
        watch(dir.resolve("state"), new Watch(WatchKind.STATE, session.host, name));
        log.debug("device {} appeared at {} ({})", name, hctl, device.wwid);
        pathAdded(device);
    }

    Optional<Device> deviceAt(Hctl hctl) {
        return devices.values().stream().filter(each -> each.hctl.equals(hctl)).findFirst();
    }

    List<Device> devicesOf(SessionState session) {
        return devices.values().stream().filter(each -> each.sid == session.sid).toList();
    }

    List<Device> devicesWith(String wwid) {
        return devices.values().stream().filter(each -> each.wwid.equals(wwid) && !each.removing).toList();
    }

    void setState(Device device, DeviceState state) {
        device.state = state;
        sysfs.deviceState(device.name, state);
    }

    /** Removes a device as the kernel does after a delete write or a logout. */
    void removeDevice(Device device, String cause, boolean forced) {
        if (!devices.containsKey(device.name)) {
            return;
        }
        if (device.dirty) {
            oracle.dataLoss(device.name, device.wwid, cause, forced);
            device.dirty = false;
        }
        Optional<MapState> map = mapHolding(device.name);
        if (faults.keepsRemovedPaths() && multipathdRunning) {
            heldPaths.put(device.name, new HeldPath(device, devT(device.name)));
            oracle.fire(FaultKind.MULTIPATHD_KEEPS_REMOVED_PATHS, device.name);
        }
        sysfs.removeScsiDevice(device.name);
        devices.remove(device.name);
        watches.values().removeIf(watch -> watch.device.equals(device.name));
        log.debug("device {} removed ({})", device.name, cause);
        if (map.isPresent()) {
            MapState holder = map.get();
            holder.slaves.remove(device.name);
            if (holder.slaves.isEmpty()) {
                lastPathGone(holder, cause);
            }
        }
    }

    /**
     * multipathd 0.9.4 ({@code flush_map_nopaths}) flushes a map whose last path was removed unless it is open; queued
     * writes of a dirty map are lost then.
     */
    private void lastPathGone(MapState map, String cause) {
        if (map.dirty) {
            oracle.dataLoss(map.kernelName, map.wwid, "last path removed (" + cause + ")", false);
            map.dirty = false;
        }
        if (map.openCount == 0 && multipathdRunning) {
            removeMap(map);
        }
    }

    // ------------------------------------------------------------------------------------------- multipath

    private void pathAdded(Device device) {
        if (!multipathdRunning) {
            return;
        }
        if (mapOf(device.wwid).isPresent()) {
            clock.schedule(latencies.pathJoin(), () -> joinPath(device.name));
        } else if (eligible(device.wwid) && pendingMaps.add(device.wwid)) {
            clock.schedule(latencies.mapFormation(), () -> formMap(device.wwid));
        }
    }

    boolean eligible(String wwid) {
        return !findMultipaths || wwidsFile.contains(wwid) || devicesWith(wwid).size() >= 2;
    }

    private void formMap(String wwid) {
        pendingMaps.remove(wwid);
        if (!multipathdRunning) {
            return;
        }
        if (mapOf(wwid).isPresent()) {
            devicesWith(wwid).forEach(each -> joinPath(each.name));
            return;
        }
        createMap(wwid);
    }

    /** Adds a WWID to multipath's wwids file (the set and {@code etc/multipath/wwids}); whether it was not there. */
    boolean rememberWwid(String wwid) {
        boolean added = wwidsFile.add(wwid);
        if (added) { // multipath rewrites the file only when it changes it
            writeWwidsFile();
        }
        return added;
    }

    /** Removes a WWID from the wwids file; whether it was there. */
    boolean forgetWwid(String wwid) {
        boolean removed = wwidsFile.remove(wwid);
        if (removed) {
            writeWwidsFile();
        }
        return removed;
    }

    /** {@code etc/multipath/wwids} as multipath writes it: its header, then one {@code /WWID/} line each. */
    private void writeWwidsFile() {
        StringBuilder text = new StringBuilder("# Multipath wwids, Version : 1.0\n"
                + "# NOTE: This file is automatically maintained by multipath and multipathd.\n"
                + "# You should not need to edit this file in normal circumstances.\n#\n# Valid WWIDs:\n");
        wwidsFile.forEach(wwid -> text.append('/').append(wwid).append("/\n"));
        Path file = sysfs.root().resolve("etc/multipath/wwids");
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the simulated wwids file " + file, e);
        }
    }

    /** Makes the map of a WWID over its current paths, now; empty when it has none. */
    Optional<MapState> createMap(String wwid) {
        List<Device> paths = devicesWith(wwid);
        if (paths.isEmpty()) {
            return Optional.empty();
        }
        String kernelName = sysfs.nextDmName();
        List<String> slaves = paths.stream().map(each -> each.name).toList();
        sysfs.multipathMap(kernelName, m -> m.wwid(wwid).slaves(slaves.toArray(String[]::new)));
        MapState map = new MapState(kernelName, wwid, wwid, new ArrayList<>(slaves), paths.get(0).sizeBytes);
        map.vendor = paths.get(0).vendor;
        map.model = paths.get(0).model;
        maps.put(kernelName, map);
        // as multipathd does when it creates a map (0.9.4, whatever find_multipaths says): the WWID is remembered
        rememberWwid(wwid);
        log.debug("multipathd made {} ({}) over {}", kernelName, wwid, slaves);
        return Optional.of(map);
    }

    void joinPath(String deviceName) {
        Device device = devices.get(deviceName);
        if (device == null || device.removing) {
            return;
        }
        Optional<MapState> map = mapOf(device.wwid);
        if (map.isEmpty() || map.get().slaves.contains(deviceName) || mapHolding(deviceName).isPresent()) {
            return;
        }
        if (!map.get().reloading) {
            sysfs.addMultipathPath(map.get().kernelName, deviceName);
        }
        map.get().slaves.add(deviceName);
    }

    /**
     * Starts a reload of the map's table: its {@code slaves/} and its paths' {@code holders/} are empty in sysfs until
     * {@code duration} has passed, while the table (what multipath and multipathd print) still names the paths.
     */
    void reloadMap(MapState map, Duration duration) {
        if (map.reloading) {
            return;
        }
        map.reloading = true;
        sysfs.detachMultipathPaths(map.kernelName);
        log.debug("map {} reloading its table for {}: slaves/ empty", map.kernelName, duration);
        clock.schedule(duration, () -> endReload(map));
    }

    private void endReload(MapState map) {
        map.reloading = false;
        if (maps.get(map.kernelName) != map) {
            return;
        }
        for (String slave : map.slaves) {
            if (devices.containsKey(slave)) {
                sysfs.addMultipathPath(map.kernelName, slave);
            }
        }
        log.debug("map {} reloaded: slaves/ {}", map.kernelName, map.slaves);
    }

    Optional<MapState> mapOf(String wwid) {
        return maps.values().stream().filter(each -> each.wwid.equals(wwid)).findFirst();
    }

    Optional<MapState> mapHolding(String deviceName) {
        return maps.values().stream().filter(each -> each.slaves.contains(deviceName)).findFirst();
    }

    /** A map by name, kernel name, {@code /dev/dm-N}, {@code /dev/mapper/NAME} or a by-id link to it. */
    Optional<MapState> findMap(String reference) {
        String ref = reference;
        if (ref.startsWith("/dev/disk/by-id/")) {
            Optional<String> target = linkTarget(ref);
            if (target.isEmpty()) {
                return Optional.empty();
            }
            ref = target.get();
        }
        String name = ref.startsWith("/dev/mapper/") ? ref.substring("/dev/mapper/".length())
                : ref.startsWith("/dev/") ? ref.substring("/dev/".length()) : ref;
        return maps.values().stream().filter(each -> each.kernelName.equals(name) || each.name.equals(name))
                .findFirst();
    }

    /** A SCSI device by kernel name, {@code /dev/sdX} or a by-id/by-path link to it. */
    Optional<Device> findDevice(String reference) {
        String ref = reference;
        if (ref.startsWith("/dev/disk/")) {
            Optional<String> target = linkTarget(ref);
            if (target.isEmpty()) {
                return Optional.empty();
            }
            ref = target.get();
        }
        String name = ref.startsWith("/dev/") ? ref.substring("/dev/".length()) : ref;
        return Optional.ofNullable(devices.get(name));
    }

    /** Where a {@code /dev/disk/...} link points, as {@code /dev/NAME}. */
    private Optional<String> linkTarget(String devLink) {
        Path link = sysfs.root().resolve(devLink.substring(1));
        if (!Files.isSymbolicLink(link)) {
            return Optional.empty();
        }
        try {
            String target = Files.readSymbolicLink(link).toString();
            return Optional.of("/dev/" + target.substring(target.lastIndexOf('/') + 1));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void removeMap(MapState map) {
        sysfs.removeMultipathMap(map.kernelName);
        maps.remove(map.kernelName);
        log.debug("map {} removed", map.kernelName);
    }

    boolean anyPathUp(MapState map) {
        return map.slaves.stream().map(devices::get)
                .anyMatch(each -> each != null && each.state == DeviceState.RUNNING);
    }

    // ------------------------------------------------------------------------------------------- Fibre Channel

    /** Adds an HBA (link up) and logs it in to the target ports it is zoned with. */
    void addHba(int host, String wwpn, String wwnn, String devicePath) {
        if (hbas.containsKey(host) || sessions.values().stream().anyMatch(each -> each.host == host)) {
            throw new IllegalStateException("host" + host + " exists already");
        }
        sysfs.fcHost(host, h -> h.pciPath(devicePath).portName(wwpn).nodeName(wwnn));
        hbas.put(host, new HbaState(host, wwpn, wwnn));
        nextHost = Math.max(nextHost, host + 1);
        watch(sysfs.scsiHostDirectory(host).resolve("scan"), new Watch(WatchKind.SCAN, host, ""));
        log.debug("FC host{} {} added at {}", host, wwpn, devicePath);
        fabricChanged();
    }

    /** Logs every HBA whose link is up in to every zoned target port (remote ports that are not there or not up). */
    void fabricChanged() {
        for (HbaState hba : hbas.values()) {
            if (!hba.online) {
                continue;
            }
            for (FcTargetPort port : fabric.zonedWith(hba.wwpn)) {
                if (!port.down) {
                    rportLogin(hba, port);
                }
            }
        }
    }

    private void rportLogin(HbaState hba, FcTargetPort port) {
        Optional<RportState> existing = rports.values().stream()
                .filter(each -> each.host == hba.host && each.targetWwpn.equals(port.wwpn())).findFirst();
        RportState rport;
        if (existing.isPresent()) {
            rport = existing.get();
            if (rport.state.equals("Online")) {
                return;
            }
            rport.state = "Online";
            rport.generation++;
            sysfs.fcRemotePortState(rport.host, rport.channel, rport.number, "Online");
            for (Device device : devicesBehind(rport)) {
                if (device.state != DeviceState.OFFLINE) {
                    setState(device, DeviceState.RUNNING);
                }
            }
        } else {
            int number = hba.nextPort++;
            rport = new RportState("rport-" + hba.host + ":0-" + number, hba.host, 0, number, port.wwpn());
            sysfs.fcRemotePort(hba.host, 0, number, p -> p.portName(port.wwpn()).nodeName(port.wwnn())
                    .scsiTargetId(number).portId(String.format(java.util.Locale.ROOT, "0x%06x", 0x010200 + number)));
            rports.put(rport.name, rport);
        }
        log.debug("{} logged in to {}", rport.name, port.wwpn());
        if (fcScanOnLogin) {
            for (Target.LunState lun : port.visibleLuns(hba.wwpn)) {
                scheduleFcDevice(rport, port.kernelLun(lun.number()));
            }
        }
    }

    private void fcScanWritten(HbaState hba, String[] fields, String value, String path) {
        if ("-".equals(fields[2])) {
            oracle.busWideScan(path, value);
        }
        if (!hba.online) {
            return;
        }
        for (RportState rport : List.copyOf(rports.values())) {
            if (rport.host != hba.host || !rport.state.equals("Online")
                    || !matches(fields[0], rport.channel) || !matches(fields[1], rport.number)) {
                continue;
            }
            Optional<FcTargetPort> port = fabric.find(rport.targetWwpn);
            if (port.isEmpty()) {
                continue;
            }
            if ("-".equals(fields[2])) {
                for (Target.LunState lun : port.get().visibleLuns(hba.wwpn)) {
                    scheduleFcDevice(rport, port.get().kernelLun(lun.number()));
                }
                continue;
            }
            long lun;
            try {
                lun = Long.parseUnsignedLong(fields[2]);
            } catch (NumberFormatException e) {
                log.debug("scan of host{} ignored: bad LUN '{}'", hba.host, fields[2]);
                return;
            }
            if (port.get().visibleLun(lun, hba.wwpn).isPresent()) {
                scheduleFcDevice(rport, lun);
            }
        }
    }

    private static boolean matches(String field, int value) {
        return "-".equals(field) || field.equals(Integer.toString(value));
    }

    private void scheduleFcDevice(RportState rport, long kernelLun) {
        Duration delay = latencies.scan();
        Optional<Duration> slow = faults.slowUdev();
        if (slow.isPresent()) {
            delay = delay.plus(slow.get());
            oracle.fire(FaultKind.SLOW_UDEV, rport.name + " LUN " + kernelLun + " +" + slow.get().toMillis() + " ms");
        }
        long generation = rport.generation;
        clock.schedule(delay, () -> fcDeviceAppears(rport, generation, kernelLun));
    }

    private void fcDeviceAppears(RportState rport, long generation, long kernelLun) {
        HbaState hba = hbas.get(rport.host);
        if (hba == null || !hba.online || rports.get(rport.name) != rport || rport.generation != generation
                || !rport.state.equals("Online")) {
            return;
        }
        Hctl hctl = new Hctl(rport.host, rport.channel, rport.number, kernelLun);
        if (deviceAt(hctl).isPresent()) {
            return; // the kernel keeps the device it has at that address, whatever the LUN is now
        }
        Optional<FcTargetPort> port = fabric.find(rport.targetWwpn);
        Optional<Target.LunState> found = port.flatMap(each -> each.visibleLun(kernelLun, hba.wwpn));
        if (found.isEmpty()) {
            return;
        }
        Target.LunState lun = found.get();
        String name = sysfs.nextDiskName();
        sysfs.scsiDevice(hctl, name, d -> d.wwid(lun.reportedWwid()).sizeBytes(lun.sizeBytes()).vendor(lun.vendor())
                .model(lun.model()));
        Device device = new Device(name, hctl, 0, "0x" + port.get().wwnn(), lun.number(), lun.reportedWwid(),
                lun.generation(), lun.sizeBytes());
        device.vendor = lun.vendor();
        device.model = lun.model();
        device.fcTarget = rport.targetWwpn;
        device.rport = rport.name;
        devices.put(name, device);
        Path dir = sysfs.scsiDeviceDirectory(name);
        watch(dir.resolve("delete"), new Watch(WatchKind.DELETE, rport.host, name));
        watch(dir.resolve("rescan"), new Watch(WatchKind.RESCAN, rport.host, name));
        watch(dir.resolve("state"), new Watch(WatchKind.STATE, rport.host, name));
        log.debug("device {} appeared at {} ({}) behind {}", name, hctl, device.wwid, rport.name);
        pathAdded(device);
    }

    List<Device> devicesBehind(RportState rport) {
        return devices.values().stream().filter(each -> rport.name.equals(each.rport)).toList();
    }

    /** A target port goes down: every remote port of it blocks (see {@link #rportDown}). */
    void fcPortDown(FcTargetPort port) {
        port.down = true;
        for (RportState rport : List.copyOf(rports.values())) {
            if (rport.targetWwpn.equals(port.wwpn())) {
                rportDown(rport);
            }
        }
    }

    /** A target port is back: the HBAs zoned with it log in again. */
    void fcPortUp(FcTargetPort port) {
        port.down = false;
        fabricChanged();
    }

    /**
     * A remote port is lost: {@code Blocked}, its devices {@code blocked}; {@code transport-offline} at
     * {@code fast_io_fail_tmo} (5 s); at {@code dev_loss_tmo} (60 s) its devices are removed (unflushed data is lost)
     * and the port is {@code Not Present}.
     */
    private void rportDown(RportState rport) {
        if (!rport.state.equals("Online")) {
            return;
        }
        rport.state = "Blocked";
        long generation = ++rport.generation;
        sysfs.fcRemotePortState(rport.host, rport.channel, rport.number, "Blocked");
        for (Device device : devicesBehind(rport)) {
            setState(device, DeviceState.BLOCKED);
        }
        clock.schedule(Duration.ofSeconds(5), () -> {
            if (rport.generation == generation) {
                devicesBehind(rport).forEach(device -> setState(device, DeviceState.TRANSPORT_OFFLINE));
            }
        });
        clock.schedule(Duration.ofSeconds(60), () -> {
            if (rport.generation == generation && rports.get(rport.name) == rport) {
                for (Device device : devicesBehind(rport)) {
                    removeDevice(device, "dev_loss_tmo of " + rport.name, false);
                }
                rport.state = "Not Present";
                sysfs.fcRemotePortState(rport.host, rport.channel, rport.number, "Not Present");
            }
        });
    }

    /** An HBA's link goes down (its remote ports are lost) or comes back (it logs in again). */
    void hbaLink(int host, boolean up) {
        HbaState hba = hbas.get(host);
        if (hba == null) {
            throw new IllegalStateException("no FC host" + host);
        }
        hba.online = up;
        sysfs.fcHostPortState(host, up ? "Online" : "Linkdown");
        if (up) {
            fabricChanged();
        } else {
            for (RportState rport : List.copyOf(rports.values())) {
                if (rport.host == host) {
                    rportDown(rport);
                }
            }
        }
    }

    /** An FC HBA. */
    static final class HbaState {
        final int host;
        final String wwpn;
        final String wwnn;
        boolean online = true;
        int nextPort;

        HbaState(int host, String wwpn, String wwnn) {
            this.host = host;
            this.wwpn = wwpn;
            this.wwnn = wwnn;
        }
    }

    /** A remote port an HBA logged in to. */
    static final class RportState {
        final String name;
        final int host;
        final int channel;
        final int number;
        final String targetWwpn;
        String state = "Online";
        long generation;

        RportState(String name, int host, int channel, int number, String targetWwpn) {
            this.name = name;
            this.host = host;
            this.channel = channel;
            this.number = number;
            this.targetWwpn = targetWwpn;
        }
    }

    // ------------------------------------------------------------------------------------------- the oracle's checks

    /** Records a wrong-device event when {@code action} aims at a device that is not one of the volumes in operation. */
    void checkTarget(String action, String name, String wwid, Optional<Device> device) {
        Set<String> operating = oracle.operating();
        if (!operating.isEmpty() && !operating.contains(wwid)) {
            oracle.wrongDevice(name, wwid, action, "not a volume in operation " + operating);
            return;
        }
        if (device.isPresent()) {
            Optional<String> current = currentWwid(device.get());
            if (current.isPresent() && !current.get().equals(wwid)) {
                oracle.wrongDevice(name, wwid, action, "stale device: its LUN now holds " + current.get());
            }
        }
    }

    void checkMap(String action, MapState map) {
        checkTarget(action, map.kernelName, map.wwid, Optional.empty());
    }

    /** Whether the device's target still reports its LUN (a path checker's TUR to a deleted LUN fails). */
    boolean targetReports(Device device) {
        return lunOf(device).isPresent();
    }

    private Optional<String> currentWwid(Device device) {
        return lunOf(device).map(Target.LunState::reportedWwid);
    }

    /** What the storage holds now at a device's LUN: the iSCSI target's, or the FC target port's. */
    Optional<Target.LunState> lunOf(Device device) {
        if (device.fcTarget != null) {
            return fabric.find(device.fcTarget).flatMap(port -> port.lunState(device.lun));
        }
        return storage.find(device.iqn).flatMap(target -> target.lunState(device.lun));
    }

    /** The portal of an iSCSI device's session; empty for a Fibre Channel device. */
    Optional<String> portalOf(Device device) {
        return Optional.ofNullable(sessions.get(device.sid)).map(session -> session.portal);
    }

    // ------------------------------------------------------------------------------------------- sysfs writes

    private void watch(Path file, Watch watch) {
        watches.put(file, watch);
    }

    private void unwatchHost(int host) {
        watches.values().removeIf(watch -> watch.host == host);
    }

    /** Picks up every write into a watched attribute since the last settle point, in a fixed order. */
    void processWrites() {
        for (Map.Entry<Path, Watch> entry : List.copyOf(watches.entrySet())) {
            Path file = entry.getKey();
            Watch watch = entry.getValue();
            if (!watches.containsKey(file)) {
                continue;
            }
            String text;
            try {
                if (watch.kind == WatchKind.STATE) {
                    // never empty, so read at every settle point: one open that does not follow a link, no stat
                    Optional<String> state = readState(file);
                    if (state.isEmpty()) {
                        continue;
                    }
                    text = state.get();
                } else {
                    // one stat, not a read: a link planted in the attribute's place (a test's) is never read or
                    // truncated through, since a kernel attribute is never one; delete, rescan and scan are empty
                    // until written (and truncated after)
                    BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class,
                            LinkOption.NOFOLLOW_LINKS);
                    if (attributes.isSymbolicLink() || attributes.size() == 0) {
                        continue;
                    }
                    text = Files.readString(file, StandardCharsets.US_ASCII);
                }
            } catch (NoSuchFileException gone) {
                watches.remove(file);
                continue;
            } catch (IOException e) {
                if (Files.isDirectory(file)) {
                    continue; // a test made the attribute unwritable (a directory in its place): nothing was written
                }
                throw new UncheckedIOException(e);
            }
            String value = text.strip();
            if (watch.kind == WatchKind.STATE) {
                Device device = devices.get(watch.device);
                if (device == null || value.equals(device.state.kernelName())) {
                    continue;
                }
            } else if (text.isEmpty()) {
                continue;
            } else {
                truncate(file);
            }
            String relative = sysfs.root().relativize(file).toString();
            oracle.sysfsWrite(relative, value);
            log.debug("sysfs write {} <- '{}'", relative, value);
            switch (watch.kind) {
                case SCAN -> scanWritten(watch.host, value, relative);
                case DELETE -> deleteWritten(watch.device, value);
                case RESCAN -> rescanWritten(watch.device, value);
                case STATE -> stateWritten(watch.device, value);
                default -> throw new IllegalStateException("unknown watch " + watch.kind);
            }
        }
    }

    /**
     * A state attribute's text, read through one open that does not follow a link; empty when a link or a directory
     * stands in its place (a test's: nothing was written into an attribute then).
     */
    private static Optional<String> readState(Path file) throws IOException {
        try (SeekableByteChannel channel = Files.newByteChannel(file, StandardOpenOption.READ,
                LinkOption.NOFOLLOW_LINKS)) {
            ByteBuffer buffer = ByteBuffer.allocate(64);
            while (channel.read(buffer) >= 0) {
                if (!buffer.hasRemaining()) {
                    buffer = ByteBuffer.allocate(buffer.capacity() * 2).put(buffer.flip());
                }
            }
            return Optional.of(new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII));
        } catch (NoSuchFileException gone) {
            throw gone;
        } catch (IOException e) {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS);
            if (attributes.isSymbolicLink() || attributes.isDirectory()) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private void truncate(Path file) {
        try {
            Files.writeString(file, "", StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void scanWritten(int host, String value, String path) {
        String[] fields = value.split("\\s+");
        if (fields.length != 3) {
            log.debug("scan of host{} ignored: '{}' is not 'C T L'", host, value);
            return;
        }
        if (hbas.containsKey(host)) {
            fcScanWritten(hbas.get(host), fields, value, path);
            return;
        }
        Optional<SessionState> session = sessions.values().stream().filter(each -> each.host == host).findFirst();
        if (session.isEmpty() || session.get().failed) {
            return;
        }
        if ("-".equals(fields[2])) {
            oracle.busWideScan(path, value);
        }
        boolean channelMatches = "-".equals(fields[0]) || "0".equals(fields[0]);
        boolean targetMatches = "-".equals(fields[1]) || "0".equals(fields[1]);
        if (!channelMatches || !targetMatches) {
            return;
        }
        Optional<Target> target = storage.find(session.get().iqn);
        if (target.isEmpty()) {
            return;
        }
        List<Integer> luns;
        if ("-".equals(fields[2])) {
            luns = List.copyOf(target.get().lunsInternal().keySet());
        } else {
            try {
                luns = List.of(Integer.parseInt(fields[2]));
            } catch (NumberFormatException e) {
                log.debug("scan of host{} ignored: bad LUN '{}'", host, fields[2]);
                return;
            }
        }
        for (int lun : luns) {
            if (target.get().lunState(lun).isPresent()) {
                scheduleDevice(session.get().sid, lun);
            }
        }
    }

    private void deleteWritten(String name, String value) {
        Device device = devices.get(name);
        if (device == null || !"1".equals(value) || device.removing) {
            return;
        }
        checkTarget("delete", name, device.wwid, Optional.of(device));
        device.removing = true;
        clock.schedule(latencies.deviceRemoval(), () -> removeDevice(device, "delete write", false));
    }

    private void rescanWritten(String name, String value) {
        Device device = devices.get(name);
        if (device == null || !"1".equals(value)) {
            return;
        }
        checkTarget("rescan", name, device.wwid, Optional.of(device));
        lunOf(device).ifPresent(lun -> {
            device.sizeBytes = lun.sizeBytes();
            sysfs.sizeBytes(name, lun.sizeBytes());
        });
    }

    private void stateWritten(String name, String value) {
        Device device = devices.get(name);
        if (device == null) {
            return;
        }
        checkTarget("state " + value, name, device.wwid, Optional.of(device));
        DeviceState state = DeviceState.parse(value);
        if (state == DeviceState.OFFLINE || state == DeviceState.RUNNING) {
            setState(device, state);
        } else {
            sysfs.deviceState(name, device.state); // the kernel refuses other words
        }
    }

    // ------------------------------------------------------------------------------------------- leftovers

    Leftovers leftovers(Optional<String> wwid) {
        List<String> deviceNames = devices.values().stream()
                .filter(each -> wwid.map(each.wwid::equals).orElse(true)).map(each -> each.name)
                .sorted(Comparator.comparingInt(String::length).thenComparing(Comparator.naturalOrder())).toList();
        List<String> mapNames = maps.values().stream().filter(each -> wwid.map(each.wwid::equals).orElse(true))
                .map(each -> each.kernelName).toList();
        Set<String> iqns = new LinkedHashSet<>();
        wwid.ifPresent(w -> storage.holding(w).forEach(target -> iqns.add(target.iqn())));
        List<String> sessionLines = sessions.values().stream()
                .filter(each -> wwid.isEmpty() || iqns.contains(each.iqn) && devicesOf(each).isEmpty())
                .map(each -> each.sid + " " + each.portal + "," + Target.TPGT + " " + each.iqn).toList();
        List<String> nodeLines = nodes.values().stream().filter(each -> wwid.isEmpty() || iqns.contains(each.iqn()))
                .map(each -> each.portal() + " " + each.iqn()).toList();
        List<String> links = new ArrayList<>();
        Path byId = sysfs.root().resolve("dev/disk/by-id");
        if (Files.isDirectory(byId)) {
            try (Stream<Path> entries = Files.list(byId)) {
                for (Path link : entries.sorted().toList()) {
                    String name = link.getFileName().toString();
                    if (wwid.isPresent()) {
                        String w = wwid.get();
                        if (name.contains(w) || w.startsWith("3") && name.equals("wwn-0x" + w.substring(1))) {
                            links.add(name);
                        }
                    } else if (!Files.exists(link)) {
                        links.add(name);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return new Leftovers(deviceNames, mapNames, sessionLines, nodeLines, links);
    }

    // ------------------------------------------------------------------------------------------- helpers

    /** The initiator's address towards a portal: loopback for a loopback portal, else the host's address. */
    String localAddressFor(String portal) {
        String address = splitPortal(portal)[0];
        if (isLoopback(address)) {
            return address.contains(":") ? "::1" : "127.0.0.1";
        }
        return localAddress;
    }

    static boolean isLoopback(String address) {
        return address.startsWith("127.") || address.equals("[::1]") || address.equals("::1");
    }

    /** {@code [address, port]} of {@code address:port} ({@code [v6]:port} keeps its brackets). */
    static String[] splitPortal(String portal) {
        int colon = portal.lastIndexOf(':');
        return new String[] {portal.substring(0, colon), portal.substring(colon + 1)};
    }

    enum WatchKind { SCAN, DELETE, RESCAN, STATE }

    private record Watch(WatchKind kind, int host, String device) {
        Watch {
            requireNonNull(kind, "kind is null");
            requireNonNull(device, "device is null");
        }
    }

    /** An open-iscsi node record. */
    static final class NodeRecord {
        private final String iqn;
        private final String portal;
        private final String iface;
        private int tpgt;
        private final Map<String, String> params = new LinkedHashMap<>();

        NodeRecord(String iqn, String portal, String iface, int tpgt) {
            this.iqn = iqn;
            this.portal = portal;
            this.iface = iface;
            this.tpgt = tpgt;
        }

        static String key(String iqn, String portal, String iface) {
            return iqn + "|" + portal + "|" + iface;
        }

        String key() {
            return key(iqn, portal, iface);
        }

        String iqn() {
            return iqn;
        }

        String portal() {
            return portal;
        }

        String iface() {
            return iface;
        }

        int tpgt() {
            return tpgt;
        }

        void tpgt(int value) {
            this.tpgt = value;
        }

        String param(String name) {
            return params.getOrDefault(name, "");
        }

        void param(String name, String value) {
            params.put(name, value);
        }

        Map<String, String> params() {
            return params;
        }
    }

    /** An operator's iface record ({@code /etc/iscsi/ifaces/NAME}): its settings, transport {@code tcp} when made. */
    static final class IfaceRecord {
        final String name;
        final Map<String, String> params = new LinkedHashMap<>();

        IfaceRecord(String name) {
            this.name = name;
            params.put("iface.net_ifacename", "");
            params.put("iface.ipaddress", "");
            params.put("iface.prefix_len", "0");
            params.put("iface.hwaddress", "");
            params.put("iface.transport_name", "tcp");
            params.put("iface.initiatorname", "");
        }
    }

    /** A sendtargets discovery record ({@code -m discoverydb}). */
    static final class DiscoveryRecord {
        final String portal;
        final Map<String, String> params = new LinkedHashMap<>();

        DiscoveryRecord(String portal) {
            this.portal = portal;
        }
    }

    /** A session as iscsid and the kernel hold it. */
    static final class SessionState {
        final int sid;
        final int host;
        final String iqn;
        final String portal;
        final String iface;
        final int recoveryTmo;
        boolean failed;
        long stateGeneration;
        /** LUN → scans of it in flight (scheduled, device not there yet). */
        final Map<Integer, Integer> pendingScans = new TreeMap<>();

        SessionState(int sid, int host, String iqn, String portal, String iface, int recoveryTmo) {
            this.sid = sid;
            this.host = host;
            this.iqn = iqn;
            this.portal = portal;
            this.iface = iface;
            this.recoveryTmo = recoveryTmo;
        }
    }

    /** The held paths whose names no live device has taken again: what {@code multipathd show paths} adds. */
    List<HeldPath> heldPaths() {
        return heldPaths.values().stream().filter(held -> !devices.containsKey(held.device().name)).toList();
    }

    /** A device's {@code major:minor}, from its {@code dev} attribute. */
    String devT(String kernelName) {
        Path dev = sysfs.root().resolve("sys/block/" + kernelName + "/dev");
        try {
            return Files.readString(dev, StandardCharsets.US_ASCII).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A removed path multipathd still lists, with the device number it had ({@code null} for a live path). */
    record HeldPath(Device device, String devT) {
    }

    /** A SCSI disk. */
    static final class Device {
        final String name;
        final Hctl hctl;
        final int sid;
        final String iqn;
        final int lun;
        final String wwid;
        final long generation;
        long sizeBytes;
        String vendor = "";
        String model = "";
        DeviceState state = DeviceState.RUNNING;
        boolean dirty;
        int openCount;
        boolean removing;
        /** The FC target port's WWPN for a Fibre Channel device (then {@code lun} is the array's LUN number); else null. */
        String fcTarget;
        /** The remote port a Fibre Channel device is behind; else null. */
        String rport;

        Device(String name, Hctl hctl, int sid, String iqn, int lun, String wwid, long generation, long sizeBytes) {
            this.name = name;
            this.hctl = hctl;
            this.sid = sid;
            this.iqn = iqn;
            this.lun = lun;
            this.wwid = wwid;
            this.generation = generation;
            this.sizeBytes = sizeBytes;
        }
    }

    /** A multipath map. */
    static final class MapState {
        final String kernelName;
        final String name;
        final String wwid;
        final List<String> slaves;
        long sizeBytes;
        String vendor = "";
        String model = "";
        boolean dirty;
        int openCount;
        boolean queueIfNoPath = true;
        boolean flushFailed;
        boolean queueingDisabledByCommand;
        /** Its table is being reloaded: sysfs shows no slave, the table still names {@link #slaves}. */
        boolean reloading;

        MapState(String kernelName, String name, String wwid, List<String> slaves, long sizeBytes) {
            this.kernelName = kernelName;
            this.name = name;
            this.wwid = wwid;
            this.slaves = slaves;
            this.sizeBytes = sizeBytes;
        }
    }
}
