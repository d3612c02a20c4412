package io.brick.core.engine;

import io.brick.core.connector.Connector;
import io.brick.core.connector.ConnectorConfig;
import io.brick.core.connector.DisconnectOptions;
import io.brick.core.connector.DisconnectPlan;
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
import io.brick.core.model.ListedWwids;
import io.brick.core.model.MultipathMap;
import io.brick.core.model.PathAddress;
import io.brick.core.model.Protocol;
import io.brick.core.model.Wwid;
import io.brick.core.port.HostConfiguration;
import io.brick.core.port.MultipathManager;
import io.brick.core.port.TopologyProvider;
import io.brick.core.time.Clock;
import io.brick.core.time.Deadline;
import io.brick.core.time.Poll;
import io.brick.core.time.Sleeper;
import io.brick.core.transport.AttachRequest;
import io.brick.core.transport.Attachment;
import io.brick.core.transport.Candidate;
import io.brick.core.transport.Located;
import io.brick.core.transport.Progress;
import io.brick.core.transport.Transport;
import io.brick.core.transport.TransportVolume;
import io.brick.core.volume.DisconnectPipeline;
import io.brick.core.volume.IdentityGuard;
import io.brick.core.volume.MultipathAssembly;
import io.brick.core.volume.VolumeDevices;
import io.brick.core.volume.VolumeResize;
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
 * The one {@link Connector} of every transport: each operation's frame is here, once, and the {@link Transport}
 * supplies only what differs.
 *
 * <p><b>Connect.</b> Parse (the transport), one budget ({@link ConnectorConfig#connectTimeout()}), OPERATION_* events;
 * with {@code enforce_multipath}, whether multipathd runs (at most {@link DisconnectPipeline#AVAILABILITY_LIMIT} of the
 * budget) before anything is attached, else once the devices are there, while the map forms; the transport's
 * attachment; the devices at the volume's addresses noted before any path
 * is attached (what a failed connect must never remove); the wait for devices: each candidate judged by WWID
 * ({@link IdentityGuard}: the caller's, else that of devices that appeared during the connect; a device that was there
 * before counts alone only once the attachment is settled), polled on one {@link Poll} schedule; with multipath, the
 * map ({@link MultipathAssembly}: wait, nudge, every path found joined), else one path. A failed connect stops the
 * attachment and removes, forced, only what appeared during it ({@link VolumeDevices#madeBy}), then runs the
 * transport's cleanup.
 *
 * <p><b>Disconnect, plan, extend</b> start from the transport's {@link Located} addresses under their locks, judge
 * the devices ({@link VolumeDevices#judge}) and hand them to {@link DisconnectPipeline} or {@link VolumeResize}.
 */
final class OperationEngine<V extends TransportVolume> implements Connector, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(OperationEngine.class);

    /** How long a single-path connect waits for a device without a WWID to get one. */
    static final Duration WWID_WAIT = Duration.ofSeconds(10);
    /** The most {@link #connectorProperties()} waits for multipathd's answer. */
    private static final Duration PROPERTIES_LIMIT = Duration.ofSeconds(10);

    private final Transport<V> transport;
    private final ConnectorConfig config;
    private final TopologyProvider topology;
    private final DisconnectPipeline pipeline;
    private final MultipathAssembly assembly;
    private final VolumeResize resize;
    private final LockManager locks;
    private final EventPublisher events;
    private final Clock clock;
    private final Sleeper sleeper;
    private final HostConfiguration host;

    OperationEngine(Transport<V> transport, ConnectorConfig config, TopologyProvider topology,
                    DisconnectPipeline pipeline, MultipathAssembly assembly, VolumeResize resize, LockManager locks,
                    EventPublisher events, Clock clock, Sleeper sleeper, HostConfiguration host) {
        this.transport = requireNonNull(transport, "transport is null");
        this.config = requireNonNull(config, "config is null");
        this.topology = requireNonNull(topology, "topology is null");
        this.pipeline = requireNonNull(pipeline, "pipeline is null");
        this.assembly = requireNonNull(assembly, "assembly is null");
        this.resize = requireNonNull(resize, "resize is null");
        this.locks = requireNonNull(locks, "locks is null");
        this.events = requireNonNull(events, "events is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.sleeper = requireNonNull(sleeper, "sleeper is null");
        this.host = requireNonNull(host, "host is null");
    }

    @Override
    public Set<Protocol> protocols() {
        return transport.protocols();
    }

    // ------------------------------------------------------------------------------------------------ connect

    @Override
    public AttachedVolume connect(ConnectionProperties properties) {
        V volume = transport.parse(properties);
        Deadline deadline = Deadline.after(config.connectTimeout(), clock);
        EventPublisher.Phase operation = events.started(EventType.OPERATION_STARTED, volume.description());
        log.debug("connecting {}: {}", volume.description(), properties);
        try {
            boolean wantMap = transport.multipathing() == Transport.Multipathing.DM_MULTIPATH && config.useMultipath();
            // enforce_multipath without multipathd is refused before anything is attached; otherwise multipathd is
            // asked once the devices are there (while its map forms), not before the logins
            if (wantMap && volume.enforceMultipath() && !assembly.multipathdRunning(deadline)) {
                throw new HostStateException("multipath is enforced for " + volume.description()
                        + " but multipathd is not running on this host", false,
                        Map.of("volume", volume.description(), "enforce_multipath", "true"), null);
            }
            // before anything is attached: multipathd lists a WWID in the wwids file the moment it makes its map,
            // which can be before this connect has read the device's WWID
            ListedWwids listedBefore = wantMap ? assembly.listedWwids() : ListedWwids.unknown();
            Attachment attachment = transport.attach(volume, new AttachRequest(deadline, config.useMultipath(), config));
            AttachedVolume attached;
            try (HeldLocks held = HeldLocks.acquire(locks,
                    attachment.locksPerPath() ? List.of() : attachment.lockKeys(), deadline)) {
                attached = new Attempt(volume, attachment, deadline, listedBefore).run(wantMap);
            }
            operation.finished(EventType.OPERATION_FINISHED, Map.of("path", attached.path().path()));
            log.info("connected {} at {} (WWID {})", volume.description(), attached.path(),
                    attached.scsiWwn().map(Wwid::value).orElse("unknown"));
            return attached;
        } catch (BrickException failure) {
            operation.failed(EventType.OPERATION_FAILED, failure, Map.of());
            throw failure;
        }
    }

    /** One connect: its attachment, the devices that were there before it, and its budget. */
    private final class Attempt {
        private final V volume;
        private final Attachment attachment;
        private final Deadline deadline;
        /** The devices at the volume's addresses when the connect began, by name and address. */
        private final Map<String, PathAddress> before;
        private final Set<String> reported = new HashSet<>();
        /** Devices already reported as rejected: once each, whether the connect then fails or goes on. */
        private final Set<String> reportedRejected = new HashSet<>();
        /** What multipath's wwids file listed before anything was attached. */
        private final ListedWwids listedBefore;
        private Optional<Wwid> established = Optional.empty();

        Attempt(V volume, Attachment attachment, Deadline deadline, ListedWwids listedBefore) {
            this.volume = volume;
            this.attachment = attachment;
            this.deadline = deadline;
            this.listedBefore = listedBefore;
            this.before = byName(attachment.devices());
        }

        AttachedVolume run(boolean wantMap) {
            try {
                return attach(wantMap);
            } catch (BrickException failure) {
                attachment.stop();
                cleanUp(failure);
                throw failure;
            }
        }

        private AttachedVolume attach(boolean wantMap) {
            IdentityGuard.Verdict verdict = awaitDevices();
            Optional<Wwid> wwid = verdict.wwid();
            established = wwid;
            BlockDevice first = verdict.accepted().get(0);
            // with enforce_multipath, multipathd was found running before anything was attached
            boolean multipathRunning = wantMap && (volume.enforceMultipath() || multipathdMayRun());
            if (wantMap && !multipathRunning) {
                log.warn("Multipathing is requested but the host doesn't support multipathing: {} is returned as the "
                        + "single path {}", volume.description(), first.name());
                events.warning(volume.description(), "no multipath map formed: multipathd is not running; single path "
                        + "returned");
            }
            if (multipathRunning && wwid.isPresent()) {
                Deadline mapDeadline = deadline.sub(config.mapWait());
                Optional<MultipathMap> map = assembly.awaitMap(wwid.get(), () -> acceptedNames(wwid.get()),
                        config.nudgeAfter(), mapDeadline);
                if (map.isPresent()) {
                    attachment.settle(mapDeadline);
                    MultipathMap complete = assembly.awaitPaths(map.get(), () -> acceptedNames(wwid.get()),
                            config.nudgeAfter(), mapDeadline);
                    if (!listedBefore.listed(wwid.get())) {
                        assembly.wwidAdded(wwid.get());
                    }
                    return new AttachedVolume(mapPath(complete, wwid.get()), wwid, wwid);
                }
                if (volume.enforceMultipath()) {
                    throw new HostStateException("multipathd formed no map for " + volume.description() + " within "
                            + config.mapWait().toMillis() + " ms and multipath is enforced", true,
                            Map.of("volume", volume.description(), "wwid", wwid.get().value()), null);
                }
                log.warn("No dm was created, connection to volume {} is probably bad and will perform poorly: "
                        + "returning the single path {}", volume.description(), first.name());
                events.warning(volume.description(), "no multipath map formed; single path returned");
            }
            Optional<Wwid> pathWwid = wwid.or(() -> awaitWwid(first.name()));
            established = pathWwid;
            return new AttachedVolume(transport.singlePath(volume, first, deadline), pathWwid, Optional.empty());
        }

        /**
         * Whether to wait for multipathd's map: unless multipathd said it does not run. One that did not answer in time
         * (busy under load: the lane saw {@code show status} take 11 s with four connects at once) is waited for as a
         * running one, for the map wait at most; taking it for absent returned a single path of a volume multipathd
         * then made a map of.
         */
        private boolean multipathdMayRun() {
            MultipathManager.Availability answer = assembly.multipathd(deadline);
            if (answer == MultipathManager.Availability.NO_ANSWER) {
                log.warn("multipathd did not answer whether it runs: waiting for the map of {} anyway",
                        volume.description());
            }
            return answer != MultipathManager.Availability.NOT_RUNNING;
        }

        /**
         * Asks the attachment until a device of the volume's identity exists (see the class comment), or nothing more
         * will come.
         */
        private IdentityGuard.Verdict awaitDevices() {
            Poll poll = Poll.within(deadline);
            while (true) {
                Progress progress = attachment.progress();
                List<BlockDevice> found = new ArrayList<>();
                Set<String> fresh = new HashSet<>();
                for (Candidate candidate : progress.candidates()) {
                    found.add(candidate.device());
                    if (candidate.fresh()) {
                        fresh.add(candidate.device().name());
                    }
                    if (reported.add(candidate.device().name())) {
                        Map<String, String> details = new LinkedHashMap<>();
                        details.put(candidate.device().scsi() ? "hctl" : "address",
                                candidate.device().address().toString());
                        details.putAll(candidate.details());
                        details.put("wwid", candidate.device().wwid().map(Wwid::value).orElse(""));
                        events.publish(EventType.DEVICE_FOUND, candidate.device().name(), details);
                    }
                }
                IdentityGuard.Verdict verdict = IdentityGuard.judge(found, fresh, volume.expectedWwid());
                if (verdict.conflict().isPresent()) {
                    throw mismatch(verdict);
                }
                boolean confirmed = volume.expectedWwid().isPresent()
                        || verdict.accepted().stream().anyMatch(device -> fresh.contains(device.name()));
                if (!verdict.accepted().isEmpty() && (verdict.wwid().isPresent() || progress.done())
                        && (confirmed || progress.settled())) {
                    rejected(verdict.rejected());
                    return verdict;
                }
                if (progress.settled() && verdict.accepted().isEmpty()
                        && (!verdict.rejected().isEmpty() || !verdict.undecided().isEmpty())) {
                    // a transport that then tries its next target (single path) ends in "not found", not a mismatch:
                    // the rejected devices are reported here
                    rejected(verdict.rejected());
                    List<BlockDevice> notAccepted = new ArrayList<>(verdict.rejected());
                    notAccepted.addAll(verdict.undecided());
                    attachment.notAccepted(notAccepted);
                }
                if (progress.done()) {
                    if (!verdict.rejected().isEmpty()) {
                        rejected(verdict.rejected());
                        throw mismatch(verdict);
                    }
                    if (!verdict.undecided().isEmpty()) {
                        throw new DeviceNotFoundException("the devices of " + volume.description()
                                + " have no WWID: brick cannot tell they are the volume's",
                                Map.of("devices", names(verdict.undecided())));
                    }
                    throw attachment.notFound();
                }
                deadline.check("a device of " + volume.description(), Map.of());
                Duration next = poll.next();
                if (progress.wakeWithin().isPresent() && progress.wakeWithin().get().compareTo(next) < 0) {
                    next = progress.wakeWithin().get();
                }
                sleeper.sleep(next);
            }
        }

        private void rejected(List<BlockDevice> rejected) {
            OperationEngine.this.rejected(rejected.stream().filter(device -> reportedRejected.add(device.name()))
                    .toList());
        }

        /** The volume's path devices now (paths that appear after the first one count too). */
        private List<String> acceptedNames(Wwid wwid) {
            return attachment.progress().candidates().stream().map(Candidate::device)
                    .filter(device -> device.wwid().map(wwid::equals).orElse(false))
                    .map(BlockDevice::name).distinct().toList();
        }

        private Optional<Wwid> awaitWwid(String name) {
            Deadline wait = deadline.sub(WWID_WAIT);
            Poll poll = Poll.within(wait);
            while (!wait.expired()) {
                Optional<Wwid> wwid = topology.wwid(name);
                if (wwid.isPresent()) {
                    return wwid;
                }
                sleeper.sleep(poll.next());
            }
            log.debug("{} has no WWID yet: returned without one (scsi_wwn \"\")", name);
            return Optional.empty();
        }

        private IdentityMismatchException mismatch(IdentityGuard.Verdict verdict) {
            BlockDevice other = verdict.rejected().isEmpty() ? verdict.accepted().get(0) : verdict.rejected().get(0);
            // without the caller's WWID a mismatch is a conflict (devices that disagree): a verdict that established a
            // WWID has accepted a device of it
            String expected = volume.expectedWwid().map(Wwid::value)
                    .orElse(verdict.conflict().orElse("one WWID for every path"));
            return new IdentityMismatchException(expected, other.wwid().map(Wwid::value).orElse("none"),
                    other.address().toString(), other.name());
        }

        /**
         * After a failed connect: removes, forced and with errors only logged, what appeared during it
         * ({@link VolumeDevices#madeBy}: a device or map that was there before belongs to an attachment that already
         * existed, and a forced removal would lose its queued writes), then runs the transport's cleanup, under the
         * locks of the addresses the attachment has not handed back.
         */
        private void cleanUp(BrickException failure) {
            if (failure instanceof OperationInterruptedException) {
                return;
            }
            try {
                Deadline cleanup = Deadline.after(config.disconnectTimeout(), clock);
                // the whole connect's locks are held still, unless the attachment locked path by path
                try (HeldLocks held = HeldLocks.acquire(locks,
                        attachment.locksPerPath() ? attachment.lockKeys() : List.of(), cleanup)) {
                    Optional<Wwid> wwid = volume.expectedWwid().or(() -> established);
                    VolumeDevices found = VolumeDevices.judge(volume.description(), attachment.devices(), wwid, topology);
                    Set<String> made = found.paths().stream()
                            .filter(path -> !path.address().equals(before.get(path.name())))
                            .map(BlockDevice::name).collect(Collectors.toUnmodifiableSet());
                    VolumeDevices devices = found.madeBy(made);
                    log.debug("cleaning up after the failed connect of {}: {}", volume.description(), devices.paths());
                    pipeline.disconnect(devices, Optional.empty(), new DisconnectOptions(true, true),
                            attachment.cleanup(devices), cleanup);
                }
            } catch (OperationInterruptedException e) {
                throw e;
            } catch (BrickException e) {
                log.warn("There were errors cleaning up after the failed connect of {}, leftovers may remain in the "
                        + "system: {}", volume.description(), e.getMessage());
            }
        }
    }

    private void rejected(List<BlockDevice> rejected) {
        for (BlockDevice device : rejected) {
            log.warn("{} at {} has WWID {}, not the volume's: a stale device (reused LUN?), not used", device.name(),
                    device.address(), device.wwid().map(Wwid::value).orElse("none"));
            events.publish(EventType.DEVICE_REJECTED, device.name(), Map.of(device.scsi() ? "hctl" : "address",
                    device.address().toString(),
                    "wwid", device.wwid().map(Wwid::value).orElse("")));
        }
    }

    private DevicePath mapPath(MultipathMap map, Wwid wwid) {
        if (transport.mapNaming() == Transport.MapNaming.KERNEL_NAME) {
            return map.path();
        }
        String link = "/dev/disk/by-id/dm-uuid-mpath-" + wwid.value();
        Optional<MultipathMap> byLink = topology.multipathMapByWwid(wwid);
        if (byLink.isPresent() && byLink.get().kernelName().equals(map.kernelName())) {
            return DevicePath.of(link);
        }
        log.debug("{} has no {} link yet: returning /dev/mapper/{}", map.kernelName(), link, map.name());
        return DevicePath.of("/dev/mapper/" + map.name());
    }

    // --------------------------------------------------------------------------------------------- disconnect

    @Override
    public void disconnect(ConnectionProperties properties, Optional<AttachedVolume> attached, DisconnectOptions options) {
        V volume = transport.parse(properties);
        requireNonNull(attached, "attached is null");
        requireNonNull(options, "options is null");
        Deadline deadline = Deadline.after(config.disconnectTimeout(), clock);
        EventPublisher.Phase operation = events.started(EventType.OPERATION_STARTED, volume.description(),
                Map.of("operation", "disconnect"));
        Optional<Wwid> wwid = volume.expectedWwid().or(() -> attached.flatMap(AttachedVolume::scsiWwn));
        try {
            Located located = transport.locate(volume, wwid);
            try (HeldLocks held = HeldLocks.acquire(locks, located.lockKeys(), deadline)) {
                VolumeDevices devices = VolumeDevices.judge(volume.description(), located.devices(), wwid, topology);
                pipeline.disconnect(devices, used(attached, devices, located), options, located.cleanup(devices),
                        deadline);
                // a path the kernel made by itself while the disconnect ran (an FC port back from a link down, which
                // the kernel scans on its own: the campaign's seed 9289) is the volume's too: a second pass removes
                // it; brick's own scans of these addresses wait for the locks held here. Only a device of the WWID
                // the first pass judged (the devices', else the caller's) is taken: a reused address's new device is
                // another volume's
                Optional<Wwid> judged = devices.wwid();
                if (judged.isPresent()) {
                    VolumeDevices late = VolumeDevices.judge(volume.description(), located.devices(), judged,
                            topology);
                    if (!late.isEmpty()) {
                        log.info("{}: {} appeared while it was disconnected: removing it as well",
                                volume.description(), late.paths().stream().map(BlockDevice::name).toList());
                        pipeline.disconnect(late, Optional.empty(), options, located.cleanup(late), deadline);
                    }
                }
            }
            operation.finished(EventType.OPERATION_FINISHED, Map.of("operation", "disconnect"));
        } catch (BrickException failure) {
            operation.failed(EventType.OPERATION_FAILED, failure, Map.of("operation", "disconnect"));
            throw failure;
        }
    }

    @Override
    public DisconnectPlan planDisconnect(ConnectionProperties properties, Optional<AttachedVolume> attached) {
        V volume = transport.parse(properties);
        requireNonNull(attached, "attached is null");
        Optional<Wwid> wwid = volume.expectedWwid().or(() -> attached.flatMap(AttachedVolume::scsiWwn));
        Located located = transport.locate(volume, wwid);
        VolumeDevices devices = VolumeDevices.judge(volume.description(), located.devices(), wwid, topology);
        return pipeline.plan(devices, used(attached, devices, located), located.cleanup(devices));
    }

    /**
     * The caller's connect result with a transport's link resolved to the path device it names (what the pipeline
     * decides the flush on): brick-core resolves kernel paths and maps itself, not a transport's by-path links.
     */
    private Optional<AttachedVolume> used(Optional<AttachedVolume> attached, VolumeDevices devices, Located located) {
        if (attached.isEmpty() || !attached.get().path().path().startsWith("/dev/disk/by-path/")) {
            return attached;
        }
        AttachedVolume given = attached.get();
        Optional<String> named = located.deviceOf(given.path()).map(BlockDevice::name)
                .or(() -> topology.resolveDevLink(given.path()));
        for (BlockDevice path : devices.paths()) {
            if (named.map(path.name()::equals).orElse(false)) {
                return Optional.of(new AttachedVolume(path.path(), given.scsiWwn(), given.multipathId()));
            }
        }
        return attached;
    }

    // ------------------------------------------------------------------------------------------------- extend

    @Override
    public long extend(ConnectionProperties properties) {
        V volume = transport.parse(properties);
        Deadline deadline = Deadline.after(config.extendTimeout(), clock);
        Located located = transport.locate(volume, volume.expectedWwid());
        // the disconnect's locks: a disconnect of the same volume must not remove the paths between this extend's
        // finding the devices and its rescanning them and resizing the map
        try (HeldLocks held = HeldLocks.acquire(locks, located.lockKeys(), deadline)) {
            return resize.extend(VolumeDevices.judge(volume.description(), located.devices(), volume.expectedWwid(),
                    topology), deadline);
        }
    }

    // ---------------------------------------------------------------------------------------- paths, properties

    @Override
    public List<DevicePath> volumePaths(ConnectionProperties properties) {
        return transport.volumePaths(transport.parse(properties));
    }

    @Override
    public Map<String, Object> connectorProperties() {
        Map<String, Object> properties = new LinkedHashMap<>(transport.connectorProperties());
        Deadline deadline = Deadline.after(PROPERTIES_LIMIT, clock);
        boolean kernelMultipaths = transport.multipathing() == Transport.Multipathing.NATIVE;
        properties.put("multipath", config.useMultipath() && (kernelMultipaths || assembly.multipathdRunning(deadline)));
        host.hostName().ifPresent(name -> properties.put("host", name));
        return Collections.unmodifiableMap(properties);
    }

    @Override
    public void close() throws Exception {
        if (transport instanceof AutoCloseable closeable) {
            closeable.close();
        }
    }

    private static Map<String, PathAddress> byName(List<BlockDevice> devices) {
        Map<String, PathAddress> names = new LinkedHashMap<>();
        devices.forEach(device -> names.putIfAbsent(device.name(), device.address()));
        return Map.copyOf(names);
    }

    private static String names(List<BlockDevice> devices) {
        return devices.stream().map(BlockDevice::name).collect(Collectors.joining(","));
    }

}
