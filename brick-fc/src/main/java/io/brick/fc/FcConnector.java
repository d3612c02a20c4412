package io.brick.fc;

import io.brick.core.connector.Connector;
import io.brick.core.connector.ConnectorConfig;
import io.brick.core.connector.DisconnectOptions;
import io.brick.core.error.BrickException;
import io.brick.core.error.DeviceNotFoundException;
import io.brick.core.error.HostStateException;
import io.brick.core.error.IdentityMismatchException;
import io.brick.core.error.OperationInterruptedException;
import io.brick.core.event.EventPublisher;
import io.brick.core.event.EventType;
import io.brick.core.lock.HeldLocks;
import io.brick.core.lock.LockManager;
import io.brick.core.model.AttachedVolume;
import io.brick.core.model.BlockDevice;
import io.brick.core.model.ConnectionProperties;
import io.brick.core.model.DevicePath;
import io.brick.core.model.FcHost;
import io.brick.core.model.FcRemotePort;
import io.brick.core.model.Hctl;
import io.brick.core.model.MultipathMap;
import io.brick.core.model.Protocol;
import io.brick.core.model.Wwid;
import io.brick.core.port.DeviceFlusher;
import io.brick.core.port.HostConfiguration;
import io.brick.core.port.MultipathManager;
import io.brick.core.port.ScsiScanner;
import io.brick.core.port.TopologyProvider;
import io.brick.core.time.Clock;
import io.brick.core.time.Deadline;
import io.brick.core.time.Poll;
import io.brick.core.time.Sleeper;
import io.brick.core.volume.DisconnectPipeline;
import io.brick.core.connector.DisconnectPlan;
import io.brick.core.volume.IdentityGuard;
import io.brick.core.volume.MultipathAssembly;
import io.brick.core.volume.TransportCleanup;
import io.brick.core.volume.VolumeDevices;
import io.brick.core.volume.VolumeResize;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import static java.util.Objects.requireNonNull;

/**
 * Fibre Channel volumes: os-brick's {@code FibreChannelConnector} and {@code LinuxFibreChannel}, sysfs-first and
 * without their known bugs. It runs no command of its own: HBAs, remote ports, targets and devices are read from
 * sysfs, scans are sysfs writes, and what every transport shares (the identity guard, the multipath wait, the
 * disconnect pipeline) is brick-core's.
 *
 * <p><b>Connect.</b> The volume's paths are its (target WWPN, LUN) pairs behind every HBA: for each HBA, each remote
 * port of the target's WWPN ({@code fc_remote_ports}, {@code scsi_target_id} T, channel C), the device at
 * {@code H:C:T:L}. sysfs is polled ({@link Poll}: every 25 ms at first, then a tenth of the time waited, at most 500 ms); when no device of the volume is there, the HBAs are
 * rescanned ({@link FcRescan}: {@code C T L} only, {@code - - L} only when no HBA sees any port of the volume,
 * never {@code - - -}) at 0, 2, 4, 8 ... s within {@link ConnectorConfig#deviceWait()}. Every device returned has
 * the volume's WWID (the caller's {@code scsi_wwn}, else that of the devices that appeared during this connect;
 * devices that were there before count alone only after a rescan and a grace of {@value #GRACE_MILLIS} ms in which
 * no new device contradicted them): a stale device of a reused LUN is never returned. With multipath, the connect
 * waits for multipathd's map (brick-core's {@link MultipathAssembly}) and returns
 * {@code /dev/disk/by-id/dm-uuid-mpath-<wwid>}; without (or when no map forms, with a WARN), the udev by-path link of
 * the first path ({@code /dev/disk/by-path/pci-...-fc-0x<wwpn>-lun-<lun>}). Links, not {@code /dev/sdX} or
 * {@code /dev/dm-N}, as os-brick returns them for FC (its bug #1897787): a link names the volume's path or WWID and
 * cannot come to name another device when a kernel name is reused, and the caller's later decisions (flush, encryption)
 * see what kind of device it was. A link udev has not made within {@value #LINK_WAIT_SECONDS} s gives the kernel path
 * with a WARN. A failed connect removes the devices it made (forced, errors logged).
 *
 * <p><b>Disconnect</b> works from the connection properties alone: the devices found as above (judged by WWID) and
 * the map holding them go through brick-core's {@link DisconnectPipeline} (flush the map or the path the caller used,
 * remove the paths at once and wait, remove stale links, make multipathd forget them; {@code force} and
 * {@code ignore_errors} as for iSCSI). FC has no session to end.
 *
 * <p>Operations on the same (WWPN, LUN) are serialised across threads and processes. Every wait has a deadline; one
 * operation has one budget ({@link ConnectorConfig}).
 */
final class FcConnector implements Connector {
    private static final Logger log = LoggerFactory.getLogger(FcConnector.class);

    static final long GRACE_MILLIS = 1000;
    static final long LINK_WAIT_SECONDS = 10;
    private static final Duration FIRST_RESCAN_INTERVAL = Duration.ofSeconds(2);
    private static final Duration GRACE = Duration.ofMillis(GRACE_MILLIS);
    private static final Duration LINK_WAIT = Duration.ofSeconds(LINK_WAIT_SECONDS);
    private static final String MPATH_LINK = "/dev/disk/by-id/dm-uuid-mpath-";

    private final TopologyProvider topology;
    private final ScsiScanner scanner;
    private final DeviceFlusher flusher;
    private final Optional<MultipathManager> multipath;
    private final DisconnectPipeline pipeline;
    private final VolumeResize resize;
    private final MultipathAssembly assembly;
    private final LockManager locks;
    private final EventPublisher events;
    private final Clock clock;
    private final Sleeper sleeper;
    private final HostConfiguration host;
    private final ConnectorConfig config;
    private final FcRescan rescan;

    @Inject
    FcConnector(TopologyProvider topology, ScsiScanner scanner, DeviceFlusher flusher,
                Optional<MultipathManager> multipath, DisconnectPipeline pipeline, MultipathAssembly assembly,
                LockManager locks, EventPublisher events, Clock clock, Sleeper sleeper, HostConfiguration host,
                @Named(FcPlugin.NAME) ConnectorConfig config) {
        this.topology = requireNonNull(topology, "topology is null");
        this.scanner = requireNonNull(scanner, "scanner is null");
        this.flusher = requireNonNull(flusher, "flusher is null");
        this.multipath = requireNonNull(multipath, "multipath is null");
        this.pipeline = requireNonNull(pipeline, "pipeline is null");
        this.assembly = requireNonNull(assembly, "assembly is null");
        this.locks = requireNonNull(locks, "locks is null");
        this.events = requireNonNull(events, "events is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.sleeper = requireNonNull(sleeper, "sleeper is null");
        this.resize = new VolumeResize(this.topology, this.flusher, this.multipath, this.sleeper, this.events);
        this.host = requireNonNull(host, "host is null");
        this.config = requireNonNull(config, "config is null");
        this.rescan = new FcRescan(topology);
    }

    @Override
    public Set<Protocol> protocols() {
        return Set.of(Protocol.FIBRE_CHANNEL);
    }

    /**
     * One path of the volume on this host: the HBA, the target (WWPN, LUN), the remote port it is seen through, and
     * the device at that address.
     */
    record FcPath(FcHba hba, FcTarget target, FcRemotePort port, BlockDevice device) {
        /** The by-path link udev makes for it, when the HBA has a PCI function. */
        Optional<DevicePath> byPath() {
            return hba.byPath(target);
        }
    }

    // ------------------------------------------------------------------------------------------------ connect

    @Override
    public AttachedVolume connect(ConnectionProperties properties) {
        FcVolume volume = FcVolume.parse(properties);
        Deadline deadline = Deadline.after(config.connectTimeout(), clock);
        EventPublisher.Phase operation = events.started(EventType.OPERATION_STARTED, describe(volume));
        log.debug("connecting {}: {}", describe(volume), properties);
        try {
            boolean multipathRunning = config.useMultipath() && assembly.multipathdRunning(deadline);
            if (config.useMultipath() && !multipathRunning) {
                if (volume.enforceMultipath()) {
                    throw new HostStateException("multipath is enforced for " + describe(volume)
                            + " but multipathd is not running on this host", false,
                            Map.of("volume", describe(volume), "enforce_multipath", "true"), null);
                }
                log.warn("Multipathing is requested but the host doesn't support multipathing: attaching {} through "
                        + "a single path", describe(volume));
            }
            List<FcHba> hbas = hbas();
            if (hbas.isEmpty()) {
                log.warn("We are unable to locate any Fibre Channel devices: no HBA in /sys/class/fc_host");
                throw new HostStateException("We are unable to locate any Fibre Channel devices: this host has no "
                        + "Fibre Channel HBA (/sys/class/fc_host is empty)", false,
                        Map.of("volume", describe(volume)), null);
            }
            AttachedVolume attached;
            try (HeldLocks held = lock(volume, deadline)) {
                attached = new Attempt(volume, hbas, deadline).run(multipathRunning);
            }
            operation.finished(EventType.OPERATION_FINISHED, Map.of("path", attached.path().path()));
            log.info("connected {} at {} (WWID {})", describe(volume), attached.path(),
                    attached.scsiWwn().map(Wwid::value).orElse("unknown"));
            return attached;
        } catch (BrickException failure) {
            operation.failed(EventType.OPERATION_FAILED, failure, Map.of());
            throw failure;
        }
    }

    /** One connect: the devices that were there before it, what it scanned, and its budget. */
    private final class Attempt {
        private final FcVolume volume;
        private final List<FcHba> hbas;
        private final Deadline deadline;
        private final Set<String> before;
        private final List<String> scans = new ArrayList<>();
        private Set<String> fresh = Set.of();

        Attempt(FcVolume volume, List<FcHba> hbas, Deadline deadline) {
            this.volume = volume;
            this.hbas = hbas;
            this.deadline = deadline;
            this.before = paths(volume, hbas).stream().map(path -> path.device().name())
                    .collect(Collectors.toUnmodifiableSet());
        }

        AttachedVolume run(boolean multipathRunning) {
            try {
                return attach(multipathRunning);
            } catch (BrickException failure) {
                cleanUp(failure);
                throw failure;
            }
        }

        private AttachedVolume attach(boolean multipathRunning) {
            Found found = awaitDevices();
            Optional<Wwid> wwid = found.verdict().wwid();
            List<FcPath> accepted = found.accepted();
            if (multipathRunning && wwid.isPresent()) {
                Optional<MultipathMap> map = assembly.awaitMap(wwid.get(), () -> acceptedNames(wwid.get()),
                        config.nudgeAfter(), deadline.sub(config.mapWait()));
                if (map.isPresent()) {
                    return new AttachedVolume(mapPath(map.get(), wwid.get()), wwid, wwid);
                }
                if (volume.enforceMultipath()) {
                    throw new HostStateException("multipathd formed no map for " + describe(volume) + " within "
                            + config.mapWait().toMillis() + " ms and multipath is enforced", true,
                            Map.of("volume", describe(volume), "wwid", wwid.get().value()), null);
                }
                log.warn("No dm was created, connection to volume {} is probably bad and will perform poorly: "
                        + "returning the single path {}", describe(volume), accepted.get(0).device().name());
                events.warning(describe(volume), "no multipath map formed; single path returned");
            }
            return new AttachedVolume(singlePath(accepted.get(0)), wwid, Optional.empty());
        }

        /** What the wait for devices ended with. */
        private record Found(IdentityGuard.Verdict verdict, List<FcPath> accepted) {
        }

        /**
         * Polls sysfs for the volume's devices, rescanning while none is accepted, until a device of the volume's WWID
         * exists (see the class comment for when pre-existing devices count).
         */
        private Found awaitDevices() {
            Deadline wait = deadline.sub(config.deviceWait());
            long start = clock.nanoTime();
            Duration nextScan = Duration.ZERO;
            Optional<Long> firstScan = Optional.empty();
            Set<String> reported = new HashSet<>();
            Poll poll = Poll.within(wait);
            while (true) {
                List<FcPath> paths = paths(volume, hbas);
                Map<String, FcPath> byName = new LinkedHashMap<>();
                paths.forEach(path -> byName.putIfAbsent(path.device().name(), path));
                fresh = byName.keySet().stream().filter(name -> !before.contains(name))
                        .collect(Collectors.toUnmodifiableSet());
                IdentityGuard.Verdict verdict = IdentityGuard.judge(List.copyOf(devices(byName)), fresh,
                        volume.expectedWwid());
                if (verdict.conflict().isPresent()) {
                    throw mismatch(verdict);
                }
                for (BlockDevice device : verdict.accepted()) {
                    if (reported.add(device.name())) {
                        FcPath path = byName.get(device.name());
                        events.publish(EventType.DEVICE_FOUND, device.name(), Map.of("hctl", device.hctl().toString(),
                                "target", path.target().toString(), "host", "host" + path.hba().hostNumber(),
                                "wwid", device.wwid().map(Wwid::value).orElse("")));
                    }
                }
                boolean confirmed = volume.expectedWwid().isPresent()
                        || verdict.accepted().stream().anyMatch(device -> fresh.contains(device.name()));
                boolean graceOver = firstScan.isPresent() && clock.nanoTime() - firstScan.get() >= GRACE.toNanos();
                boolean waited = wait.expired();
                if (!verdict.accepted().isEmpty() && (verdict.wwid().isPresent() || waited)
                        && (confirmed || graceOver || waited)) {
                    rejected(verdict.rejected());
                    List<FcPath> accepted = verdict.accepted().stream().map(device -> byName.get(device.name()))
                            .toList();
                    return new Found(verdict, accepted);
                }
                if (waited) {
                    if (!verdict.rejected().isEmpty()) {
                        rejected(verdict.rejected());
                        throw mismatch(verdict);
                    }
                    throw notFound(paths);
                }
                if (clock.nanoTime() - start >= nextScan.toNanos() && (verdict.accepted().isEmpty() || !confirmed)) {
                    rescanHosts();
                    firstScan = firstScan.or(() -> Optional.of(clock.nanoTime()));
                    Duration since = Duration.ofNanos(clock.nanoTime() - start);
                    nextScan = since.compareTo(FIRST_RESCAN_INTERVAL) < 0 ? FIRST_RESCAN_INTERVAL
                            : since.multipliedBy(2);
                }
                // never past the next rescan: the 0, 2, 4, 8 s schedule stays exact
                Duration untilScan = Duration.ofNanos(Math.max(0, start + nextScan.toNanos() - clock.nanoTime()));
                Duration next = poll.next();
                sleeper.sleep(next.compareTo(untilScan) < 0 || untilScan.isZero() ? next : untilScan);
            }
        }

        private List<BlockDevice> devices(Map<String, FcPath> byName) {
            return byName.values().stream().map(FcPath::device).toList();
        }

        private void rescanHosts() {
            List<FcRescan.Scan> planned = rescan.plan(hbas, volume);
            if (planned.isEmpty()) {
                log.debug("{}: nothing to scan (no HBA sees a port of the volume and wildcard scans are off, or the "
                        + "initiator_target_map names no HBA of this host)", describe(volume));
            }
            for (FcRescan.Scan scan : rescan.run(planned, scanner, sleeper)) {
                scans.add(scan.toString());
                events.publish(EventType.SCAN, "host" + scan.hostNumber(), Map.of("lun", scan.lun().toString(),
                        "target", scan.wildcard() ? "- -" : scan.channel().getAsInt() + " " + scan.target().getAsInt()));
            }
        }

        /** The accepted paths' devices now (paths that appear after the connect returned its first one count too). */
        private List<String> acceptedNames(Wwid wwid) {
            return paths(volume, hbas).stream().map(FcPath::device)
                    .filter(device -> device.wwid().map(wwid::equals).orElse(false))
                    .map(BlockDevice::name).distinct().toList();
        }

        /** The first path's by-path link, once udev made it for that very device; else its kernel path. */
        private DevicePath singlePath(FcPath path) {
            Optional<DevicePath> link = path.byPath();
            if (link.isEmpty()) {
                log.debug("{} has no PCI function: {} returned by its kernel name", path.hba(), path.device().name());
                return path.device().path();
            }
            Deadline linkWait = deadline.sub(LINK_WAIT);
            Poll poll = Poll.within(linkWait);
            while (true) {
                Optional<String> target = topology.resolveDevLink(link.get());
                if (target.isPresent() && target.get().equals(path.device().name())) {
                    return link.get();
                }
                if (linkWait.expired()) {
                    log.warn("udev made no link {} for {} within {} s ({}): returning the kernel path", link.get(),
                            path.device().name(), LINK_WAIT_SECONDS,
                            target.map(name -> "it resolves to " + name).orElse("it does not exist"));
                    return path.device().path();
                }
                sleeper.sleep(poll.next());
            }
        }

        private DeviceNotFoundException notFound(List<FcPath> paths) {
            Map<String, String> evidence = new LinkedHashMap<>();
            evidence.put("volume", describe(volume));
            evidence.put("hbas", hbas.stream().map(FcHba::toString).collect(Collectors.joining(", ")));
            evidence.put("scans", scans.isEmpty() ? "none" : String.join(", ", scans));
            evidence.put("waited", config.deviceWait().toMillis() + " ms");
            if (!paths.isEmpty()) {
                evidence.put("undecided", paths.stream().map(path -> path.device().name()).collect(Collectors.joining(",")));
            }
            log.error("Fibre Channel volume device not found: {}", evidence);
            return new DeviceNotFoundException("Unable to find a Fibre Channel volume device for " + describe(volume)
                    + " within " + config.deviceWait().toMillis() + " ms (scans: "
                    + (scans.isEmpty() ? "none" : String.join(", ", scans)) + ")", evidence);
        }

        private IdentityMismatchException mismatch(IdentityGuard.Verdict verdict) {
            BlockDevice other = verdict.rejected().isEmpty() ? verdict.accepted().get(0) : verdict.rejected().get(0);
            String expected = volume.expectedWwid().map(Wwid::value)
                    .or(() -> verdict.wwid().map(Wwid::value))
                    .orElse(verdict.conflict().orElse("one WWID for every path"));
            return new IdentityMismatchException(expected, other.wwid().map(Wwid::value).orElse("none"),
                    other.hctl().toString(), other.name());
        }

        /** After a failed connect: removes the devices this connect made that are the volume's (forced, logged). */
        private void cleanUp(BrickException failure) {
            if (failure instanceof OperationInterruptedException || fresh.isEmpty()) {
                return;
            }
            try {
                List<FcPath> made = paths(volume, hbas).stream().filter(path -> fresh.contains(path.device().name()))
                        .toList();
                Deadline cleanup = Deadline.after(config.disconnectTimeout(), clock);
                // a map that held a path from before the connect is another attachment's: never removed here
                VolumeDevices devices = volumeDevices(volume, made, volume.expectedWwid()).madeBy(fresh);
                log.debug("cleaning up after the failed connect of {}: {}", describe(volume), devices.paths());
                pipeline.disconnect(devices, Optional.empty(), new DisconnectOptions(true, true),
                        TransportCleanup.none(), cleanup);
            } catch (OperationInterruptedException e) {
                throw e;
            } catch (BrickException e) {
                log.warn("There were errors cleaning up after the failed connect of {}, leftovers may remain in the "
                        + "system: {}", describe(volume), e.getMessage());
            }
        }
    }

    private void rejected(List<BlockDevice> rejected) {
        for (BlockDevice device : rejected) {
            log.warn("{} at {} has WWID {}, not the volume's: a stale device (reused LUN?), not used", device.name(),
                    device.hctl(), device.wwid().map(Wwid::value).orElse("none"));
            events.publish(EventType.DEVICE_REJECTED, device.name(), Map.of("hctl", device.hctl().toString(),
                    "wwid", device.wwid().map(Wwid::value).orElse("")));
        }
    }

    /** {@code /dev/disk/by-id/dm-uuid-mpath-<wwid>} when that link names the map (os-brick's first choice), else {@code /dev/mapper/<name>}. */
    private DevicePath mapPath(MultipathMap map, Wwid wwid) {
        Optional<MultipathMap> byLink = topology.multipathMapByWwid(wwid);
        if (byLink.isPresent() && byLink.get().kernelName().equals(map.kernelName())) {
            return DevicePath.of(MPATH_LINK + wwid.value());
        }
        log.debug("{} has no {} link yet: returning /dev/mapper/{}", map.kernelName(), MPATH_LINK + wwid.value(),
                map.name());
        return DevicePath.of("/dev/mapper/" + map.name());
    }

    // --------------------------------------------------------------------------------------------- disconnect

    @Override
    public void disconnect(ConnectionProperties properties, Optional<AttachedVolume> attached, DisconnectOptions options) {
        FcVolume volume = FcVolume.parse(properties);
        requireNonNull(attached, "attached is null");
        requireNonNull(options, "options is null");
        Deadline deadline = Deadline.after(config.disconnectTimeout(), clock);
        EventPublisher.Phase operation = events.started(EventType.OPERATION_STARTED, describe(volume),
                Map.of("operation", "disconnect"));
        Optional<Wwid> wwid = volume.expectedWwid().or(() -> attached.flatMap(AttachedVolume::scsiWwn));
        try (HeldLocks held = lock(volume, deadline)) {
            List<FcPath> paths = paths(volume, hbas());
            VolumeDevices devices = volumeDevices(volume, paths, wwid);
            pipeline.disconnect(devices, used(attached, paths), options, TransportCleanup.none(), deadline);
            operation.finished(EventType.OPERATION_FINISHED, Map.of("operation", "disconnect"));
        } catch (BrickException failure) {
            operation.failed(EventType.OPERATION_FAILED, failure, Map.of("operation", "disconnect"));
            throw failure;
        }
    }

    @Override
    public DisconnectPlan planDisconnect(ConnectionProperties properties, Optional<AttachedVolume> attached) {
        FcVolume volume = FcVolume.parse(properties);
        requireNonNull(attached, "attached is null");
        Optional<Wwid> wwid = volume.expectedWwid().or(() -> attached.flatMap(AttachedVolume::scsiWwn));
        List<FcPath> paths = paths(volume, hbas());
        return pipeline.plan(volumeDevices(volume, paths, wwid), used(attached, paths), TransportCleanup.none());
    }

    /**
     * The caller's connect result with its path resolved, for the pipeline's decision what to flush: a by-path link
     * (what the single-path connect returns) names one path device, which brick-core cannot resolve itself.
     */
    private Optional<AttachedVolume> used(Optional<AttachedVolume> attached, List<FcPath> paths) {
        if (attached.isEmpty() || !attached.get().path().path().startsWith("/dev/disk/by-path/")) {
            return attached;
        }
        AttachedVolume given = attached.get();
        for (FcPath path : paths) {
            if (path.byPath().map(given.path()::equals).orElse(false)) {
                return Optional.of(new AttachedVolume(path.device().path(), given.scsiWwn(), given.multipathId()));
            }
        }
        Optional<String> resolved = topology.resolveDevLink(given.path());
        for (FcPath path : paths) {
            if (resolved.map(path.device().name()::equals).orElse(false)) {
                return Optional.of(new AttachedVolume(path.device().path(), given.scsiWwn(), given.multipathId()));
            }
        }
        return attached;
    }

    /**
     * The volume's devices among the paths, judged by WWID (the caller's, or the one the devices agree on), and the
     * map holding them (or the map of the WWID).
     */
    private VolumeDevices volumeDevices(FcVolume volume, List<FcPath> paths, Optional<Wwid> wwid) {
        return VolumeDevices.judge(describe(volume), paths.stream().map(FcPath::device).toList(), wwid, topology);
    }

    // ------------------------------------------------------------------------------------------------- extend

    @Override
    public long extend(ConnectionProperties properties) {
        FcVolume volume = FcVolume.parse(properties);
        Deadline deadline = Deadline.after(config.extendTimeout(), clock);
        try (HeldLocks held = lock(volume, deadline)) {
            VolumeDevices devices = volumeDevices(volume, paths(volume, hbas()), volume.expectedWwid());
            return resize.extend(devices, deadline);
        }
    }

    // ---------------------------------------------------------------------------------------- paths, properties

    /**
     * The by-path links of the volume's devices on this host (os-brick's {@code get_volume_paths}: the candidates
     * that exist), HBA by HBA; devices behind an HBA without a PCI function have none. Nothing is scanned.
     */
    @Override
    public List<DevicePath> volumePaths(ConnectionProperties properties) {
        FcVolume volume = FcVolume.parse(properties);
        List<DevicePath> links = new ArrayList<>();
        for (FcPath path : paths(volume, hbas())) {
            path.byPath().filter(link -> !links.contains(link)).ifPresent(links::add);
        }
        return List.copyOf(links);
    }

    /**
     * os-brick's FC connector properties: {@code wwpns} and {@code wwnns} of the HBAs whose port is {@code Online}
     * (16 lower-case hex digits, no {@code 0x}; a key is left out when empty), with {@code multipath} (whether this
     * connector attaches through a running multipathd) and {@code host} as brick's iSCSI connector gives them.
     */
    @Override
    public Map<String, Object> connectorProperties() {
        Map<String, Object> properties = new LinkedHashMap<>();
        List<FcHost> online = topology.fcHosts().stream().filter(FcHost::online).toList();
        if (!online.isEmpty()) {
            properties.put("wwpns", online.stream().map(FcHost::portName).toList());
            properties.put("wwnns", online.stream().map(FcHost::nodeName).toList());
        }
        Deadline deadline = Deadline.after(Duration.ofSeconds(10), clock);
        properties.put("multipath", config.useMultipath() && assembly.multipathdRunning(deadline));
        host.hostName().ifPresent(name -> properties.put("host", name));
        return Collections.unmodifiableMap(properties);
    }

    // ---------------------------------------------------------------------------------------------- helpers

    /** Every HBA of the host, by host number. */
    private List<FcHba> hbas() {
        return topology.fcHosts().stream().map(FcHba::of).toList();
    }

    /**
     * The volume's devices on this host, HBA by HBA, target by target: behind each remote port of the target's WWPN
     * that is a SCSI target, the device at {@code H:C:T:L}. Every HBA and every target counts, whatever the
     * {@code initiator_target_map} says (it restricts scans, not what is the volume's).
     */
    private List<FcPath> paths(FcVolume volume, List<FcHba> hbas) {
        List<FcPath> paths = new ArrayList<>();
        for (FcHba hba : hbas) {
            List<FcRemotePort> ports = topology.fcRemotePorts(hba.hostNumber());
            for (FcTarget target : volume.targets()) {
                for (FcRemotePort port : ports) {
                    if (!port.portName().equals(target.wwpn()) || port.scsiTargetId() < 0) {
                        continue;
                    }
                    Hctl hctl = new Hctl(hba.hostNumber(), port.channel(), port.scsiTargetId(), target.lun().value());
                    topology.deviceAt(hctl).ifPresent(device -> paths.add(new FcPath(hba, target, port, device)));
                }
            }
        }
        return List.copyOf(paths);
    }

    /** Locks of the volume's (WWPN, LUN) pairs, in sorted order (see {@link HeldLocks}). */
    private HeldLocks lock(FcVolume volume, Deadline deadline) {
        return HeldLocks.acquire(locks, volume.targets().stream().map(FcConnector::lockKey).toList(), deadline);
    }

    /** The lock of one (WWPN, LUN). */
    static String lockKey(FcTarget target) {
        return "fc-" + target.wwpn() + "-" + target.lun();
    }

    /** How the volume is named in messages: its id and its first target. */
    private static String describe(FcVolume volume) {
        FcTarget first = volume.targets().get(0);
        return volume.volumeId().map(id -> "volume " + id + " (").orElse("(") + "FC 0x" + first.wwpn() + " LUN "
                + first.lun() + (volume.targets().size() > 1 ? " and " + (volume.targets().size() - 1) + " more" : "")
                + ")";
    }
}
