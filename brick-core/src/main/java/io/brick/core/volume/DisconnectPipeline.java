package io.brick.core.volume;

import io.brick.core.connector.DisconnectOptions;
import io.brick.core.connector.DisconnectPlan;
import io.brick.core.error.BrickException;
import io.brick.core.error.DisconnectFailedException;
import io.brick.core.error.FlushFailedException;
import io.brick.core.error.HostStateException;
import io.brick.core.error.OperationInterruptedException;
import io.brick.core.event.BrickEvent;
import io.brick.core.event.EventPublisher;
import io.brick.core.event.EventType;
import io.brick.core.model.AttachedVolume;
import io.brick.core.model.BlockDevice;
import io.brick.core.model.DeviceLinks;
import io.brick.core.model.PathAddress;
import io.brick.core.model.MultipathMap;
import io.brick.core.port.DeviceFlusher;
import io.brick.core.port.MultipathManager;
import io.brick.core.port.PathRemover;
import io.brick.core.port.TopologyProvider;
import io.brick.core.time.Clock;
import io.brick.core.time.Deadline;
import jakarta.inject.Inject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import static java.util.Objects.requireNonNull;

/**
 * The one disconnect every transport uses, in this order (DESIGN §1 promises 1-3; os-brick's
 * {@code _cleanup_connection} + {@code remove_connection}, without its bugs):
 * <ol>
 *   <li><b>Flush the map</b> first ({@link MultipathManager#flushMap}, which retries with backoff inside the at most
 *   {@link #MAP_FLUSH_LIMIT} it is given). Without {@code force}, a failed flush stops everything: nothing is removed,
 *   nothing logged out, and the {@link io.brick.core.error.FlushFailedException} says what held it. A map with no
 *   {@link MultipathManager} installed cannot be flushed: that is a flush failure, never a reason to remove paths under
 *   a live map.</li>
 *   <li><b>Flush a single path</b> ({@link DeviceFlusher#flushBuffers}) only when there is no map and that path is the
 *   one the caller used ({@code attached.path()}); a failure stops everything without force. A path that is a link
 *   brick-core cannot resolve (a {@code by-path} link, a {@code /dev/mapper/crypt-...} device over the path) makes
 *   every path be flushed (see {@code UsedPath}). The paths of a flushed map are not flushed one by one, except the
 *   one path the caller used directly ({@code attached.path()} is that {@code /dev/sdX}: a single-path connect, or a
 *   multipath connect that returned before the map formed): its buffers are not the map's, so it is flushed after
 *   the map (os-brick's {@code requires_flush}: the path used is always flushed).</li>
 *   <li><b>Remove every path device</b> of the volume at once and wait until all are gone
 *   ({@link DeviceFlusher#removeDevices}); then, whether that worked or not, remove the {@code /dev/disk/by-id} links
 *   left pointing at them: those each path had before its removal ({@link DeviceFlusher#linksOf}).</li>
 *   <li><b>Make multipathd forget</b> the removed paths ({@link MultipathManager#forgetPaths}), when multipath is
 *   available (known when there was a map; asked otherwise: a safe disconnect that cannot tell stops there).</li>
 *   <li><b>The transport's cleanup</b> ({@link TransportCleanup#run}): sessions no other LUN uses. It runs even when
 *   multipathd could not be made to forget the paths (their devices are gone by then, and a session left logged in
 *   with nothing on it is a leftover of its own); that failure is raised after it.</li>
 *   <li>With {@code force}, a map whose flush failed is <b>removed</b> ({@link MultipathManager#removeMap}) after its
 *   paths are gone, if it is still there under the same kernel name and WWID (os-brick's forced removal is a no-op:
 *   it passes the map's name where the kernel name is read).</li>
 *   <li>When nothing failed, the <b>WWID brick added</b> to multipath's wwids file is removed
 *   ({@link MultipathManager#forgetWwid}: only with brick's record of adding it, only once nothing of the volume is
 *   left).</li>
 * </ol>
 * With {@code force} every step runs whatever failed before; the failures are chained in one
 * {@link io.brick.core.error.DisconnectFailedException}, raised unless {@code ignoreErrors}; whenever anything failed
 * a WARN names the possible leftovers (what sysfs still shows of the volume after the run). Devices in
 * {@link VolumeDevices#rejected()} (another WWID) are never flushed or removed. A volume with nothing on the host runs
 * only the transport's cleanup. Events: FLUSH and REMOVAL (each with its duration), WARNING on leftovers, and the
 * transport's own. An {@link io.brick.core.error.OperationInterruptedException} stops the disconnect even with force.
 */
public final class DisconnectPipeline {
    /** The most a map flush (with the manager's own retries) may take of the operation's budget. */
    public static final Duration MAP_FLUSH_LIMIT = Duration.ofSeconds(60);
    /** The most a single path's buffer flush may take. */
    public static final Duration PATH_FLUSH_LIMIT = Duration.ofSeconds(60);
    /** The most the removal of the path devices (and the wait until they are gone) may take. */
    public static final Duration REMOVAL_LIMIT = Duration.ofSeconds(60);
    /** The most asking whether multipathd runs may take. */
    public static final Duration AVAILABILITY_LIMIT = Duration.ofSeconds(10);
    /** The most making multipathd forget the removed paths may take. */
    public static final Duration FORGET_LIMIT = Duration.ofSeconds(20);
    /** The most removing a WWID brick added from the wwids file ({@code multipath -w}) may take. */
    public static final Duration WWID_LIMIT = Duration.ofSeconds(10);
    /** The most the forced removal of a map that could not be flushed may take. */
    public static final Duration MAP_REMOVAL_LIMIT = Duration.ofSeconds(30);

    private static final Logger log = LoggerFactory.getLogger(DisconnectPipeline.class);

    private final TopologyProvider topology;
    private final DeviceFlusher flusher;
    private final Optional<MultipathManager> multipath;
    private final EventPublisher events;
    private final Map<String, PathRemover> removers;

    /** The pipeline for SCSI paths only (no {@link PathRemover} of another kind). */
    public DisconnectPipeline(TopologyProvider topology, DeviceFlusher flusher, Optional<MultipathManager> multipath,
                              EventPublisher events) {
        this(topology, flusher, multipath, events, Set.of());
    }

    /**
     * The pipeline.
     *
     * @param removers the removers of paths that are not SCSI devices, one per kind
     * @throws IllegalArgumentException when two removers claim one kind, or one claims {@code scsi}
     */
    @Inject
    public DisconnectPipeline(TopologyProvider topology, DeviceFlusher flusher, Optional<MultipathManager> multipath,
                              EventPublisher events, Set<PathRemover> removers) {
        this.topology = requireNonNull(topology, "topology is null");
        this.flusher = requireNonNull(flusher, "flusher is null");
        this.multipath = requireNonNull(multipath, "multipath is null");
        this.events = requireNonNull(events, "events is null");
        Map<String, PathRemover> byKind = new LinkedHashMap<>();
        for (PathRemover remover : requireNonNull(removers, "removers is null")) {
            if (remover.kind().equals(PathAddress.SCSI) || byKind.putIfAbsent(remover.kind(), remover) != null) {
                throw new IllegalArgumentException("a second remover of " + remover.kind() + " paths: "
                        + remover.getClass().getName());
            }
        }
        this.removers = Map.copyOf(byKind);
    }

    /**
     * Disconnects the volume.
     *
     * @param volume what the volume has on the host
     * @param attached the caller's connect result, if any: decides whether a single path must be flushed
     * @param options force / ignoreErrors
     * @param cleanup the transport's last step
     * @param deadline the whole operation's budget
     * @return what was done
     * @throws io.brick.core.error.FlushFailedException without force, when the flush failed (nothing was removed)
     * @throws io.brick.core.error.DisconnectFailedException with force and without ignoreErrors, when any step failed
     */
    public DisconnectPlan disconnect(VolumeDevices volume, Optional<AttachedVolume> attached, DisconnectOptions options,
                                     TransportCleanup cleanup, Deadline deadline) {
        requireNonNull(volume, "volume is null");
        requireNonNull(attached, "attached is null");
        requireNonNull(options, "options is null");
        requireNonNull(cleanup, "cleanup is null");
        requireNonNull(deadline, "deadline is null");
        return new Run(volume, attached, options, cleanup, deadline).run();
    }

    /** What {@link #disconnect} would do now, without doing anything (no command runs, nothing is written). */
    public DisconnectPlan plan(VolumeDevices volume, Optional<AttachedVolume> attached, TransportCleanup cleanup) {
        requireNonNull(volume, "volume is null");
        requireNonNull(attached, "attached is null");
        requireNonNull(cleanup, "cleanup is null");
        List<String> flush = new ArrayList<>();
        List<String> remove = new ArrayList<>();
        List<String> forget = new ArrayList<>();
        if (!volume.isEmpty()) {
            if (volume.map().isPresent()) {
                MultipathMap map = volume.map().get();
                flush.add(multipath.isPresent()
                        ? describe(map)
                        : describe(map) + ": would fail, no multipath manager is installed");
                UsedPath.Decision underMap = UsedPath.underMap(volume, attached);
                underMap.flush().forEach(device -> flush.add(device.name() + " (" + underMap.reason() + ")"));
            } else {
                UsedPath.Decision decision = UsedPath.decide(volume, attached, topology);
                decision.flush().forEach(device -> flush.add(device.name() + " (" + decision.reason() + ")"));
            }
            remove.addAll(pathNames(volume));
            if (multipath.isPresent()) {
                forget.addAll(remove);
            }
        }
        return new DisconnectPlan(volume.description(), flush, remove, forget, cleanup.plan(), kept(volume));
    }

    private static List<String> pathNames(VolumeDevices volume) {
        Set<String> rejected = volume.rejected().stream().map(BlockDevice::name).collect(Collectors.toSet());
        return volume.paths().stream().map(BlockDevice::name).filter(name -> !rejected.contains(name)).toList();
    }

    private static List<String> kept(VolumeDevices volume) {
        List<String> kept = new ArrayList<>();
        for (BlockDevice device : volume.rejected()) {
            kept.add(device.name() + " at " + device.address() + ": WWID "
                    + device.wwid().map(Object::toString).orElse("(none)") + " is not the volume's"
                    + volume.wwid().map(wwid -> " (" + wwid + ")").orElse("") + ": a stale device, left untouched");
        }
        return kept;
    }

    private static String describe(MultipathMap map) {
        return map.kernelName() + " (multipath map " + map.name() + ")";
    }

    /** One disconnect's state. */
    private final class Run {
        private final VolumeDevices volume;
        private final Optional<AttachedVolume> attached;
        private final DisconnectOptions options;
        private final TransportCleanup cleanup;
        private final Deadline deadline;
        private final ErrorCollector errors;
        private final Clock clock;
        private final List<String> flushed = new ArrayList<>();
        private final List<String> removed = new ArrayList<>();
        private final List<String> forgotten = new ArrayList<>();
        private final List<String> transport = new ArrayList<>();
        private final List<String> kept;
        private Optional<MultipathMap> unflushedMap = Optional.empty();

        Run(VolumeDevices volume, Optional<AttachedVolume> attached, DisconnectOptions options, TransportCleanup cleanup,
            Deadline deadline) {
            this.volume = volume;
            this.attached = attached;
            this.options = options;
            this.cleanup = cleanup;
            this.deadline = deadline;
            this.errors = new ErrorCollector(options.force());
            this.clock = deadline.clock();
            this.kept = new ArrayList<>(kept(volume));
        }

        DisconnectPlan run() {
            Optional<BrickException> forgetFailure = Optional.empty();
            log.debug("disconnecting {} (force={}, ignoreErrors={}): paths {}, map {}, rejected {}", volume.description(),
                    options.force(), options.ignoreErrors(), pathNames(volume),
                    volume.map().map(MultipathMap::kernelName).orElse("none"),
                    volume.rejected().stream().map(BlockDevice::name).toList());
            if (volume.isEmpty()) {
                log.debug("{}: no device or map on this host, only the transport's cleanup runs", volume.description());
            } else {
                if (volume.map().isPresent()) {
                    flushMap(volume.map().get());
                    flushPaths(UsedPath.underMap(volume, attached));
                } else {
                    UsedPath.Decision decision = UsedPath.decide(volume, attached, topology);
                    log.debug("{}: no multipath map; {}", volume.description(), decision.reason());
                    flushPaths(decision);
                }
                List<String> names = pathNames(volume);
                if (!names.isEmpty()) {
                    removePaths(names);
                    // multipathd knows SCSI paths only: a namespace of a natively multipathed transport is not its
                    List<String> scsi = volume.paths().stream().filter(BlockDevice::scsi).map(BlockDevice::name)
                            .filter(names::contains).toList();
                    if (!scsi.isEmpty()) {
                        forgetFailure = forgetPaths(scsi);
                    }
                }
            }
            runTransportCleanup(forgetFailure);
            unflushedMap.ifPresent(this::removeUnflushedMap);
            forgetWwid();
            return finish();
        }

        private void flushMap(MultipathMap map) {
            if (multipath.isEmpty()) {
                Map<String, String> evidence = new LinkedHashMap<>();
                evidence.put("map", map.kernelName());
                evidence.put("name", map.name());
                evidence.put("reason", "multipath manager not installed");
                FlushFailedException failure = new FlushFailedException("cannot flush multipath map " + map.kernelName()
                        + " of " + volume.description() + ": no multipath manager is installed", evidence, null);
                publishTimed(EventType.FLUSH, map.kernelName(), Duration.ZERO, flushDetails(map, Optional.of(failure)));
                unflushedMap = Optional.of(map);
                errors.record(failure);
                return;
            }
            log.debug("{}: flushing multipath map {}", volume.description(), describe(map));
            long start = clock.nanoTime();
            Optional<BrickException> failure = attempt(() -> multipath.get().flushMap(map, deadline.sub(MAP_FLUSH_LIMIT)));
            publishTimed(EventType.FLUSH, map.kernelName(), since(start), flushDetails(map, failure));
            if (failure.isPresent()) {
                log.debug("{}: flushing {} failed: {}", volume.description(), map.kernelName(), failure.get().getMessage());
                unflushedMap = Optional.of(map);
                flushed.add(describe(map) + ": flush failed");
                errors.record(failure.get());
            } else {
                log.debug("{}: flushed {}", volume.description(), map.kernelName());
                flushed.add(map.kernelName());
            }
        }

        private Map<String, String> flushDetails(MultipathMap map, Optional<BrickException> failure) {
            Map<String, String> details = new LinkedHashMap<>();
            details.put("kind", "multipath map");
            details.put("name", map.name());
            map.wwid().ifPresent(wwid -> details.put("wwid", wwid.value()));
            addOutcome(details, failure);
            return details;
        }

        private void flushPaths(UsedPath.Decision decision) {
            Set<String> rejected = volume.rejected().stream().map(BlockDevice::name).collect(Collectors.toSet());
            for (BlockDevice device : decision.flush()) {
                if (rejected.contains(device.name())) {
                    continue;
                }
                long start = clock.nanoTime();
                Optional<BrickException> failure = attempt(() -> flusher.flushBuffers(device.path(),
                        deadline.sub(PATH_FLUSH_LIMIT)));
                Map<String, String> details = new LinkedHashMap<>();
                details.put("kind", "device");
                details.put("reason", decision.reason());
                addOutcome(details, failure);
                publishTimed(EventType.FLUSH, device.name(), since(start), details);
                flushed.add(failure.isPresent() ? device.name() + ": flush failed" : device.name());
                log.debug("{}: flush of {} {}", volume.description(), device.name(),
                        failure.map(f -> "failed: " + f.getMessage()).orElse("done"));
                failure.ifPresent(errors::record);
            }
        }

        private void removePaths(List<String> names) {
            log.debug("{}: removing {}", volume.description(), names);
            long start = clock.nanoTime();
            BrickException linkFailure = null;
            // each path's links, read while it exists: after the removal only they are looked at, never all of by-id
            DeviceLinks known;
            try {
                known = flusher.linksOf(names);
            } catch (OperationInterruptedException interrupted) {
                throw interrupted;
            } catch (BrickException failure) {
                known = DeviceLinks.unknown(names);
                linkFailure = failure;
            }
            BrickException removalFailure = null;
            try {
                removeByKind(names, deadline.sub(REMOVAL_LIMIT));
            } catch (OperationInterruptedException interrupted) {
                removeStaleLinksAfterInterrupt(known);
                throw interrupted;
            } catch (BrickException failure) {
                removalFailure = failure;
            }
            List<String> links = List.of();
            if (linkFailure == null) {
                try {
                    links = flusher.removeStaleLinks(known);
                } catch (BrickException failure) {
                    linkFailure = failure;
                }
            }
            Map<String, String> details = new LinkedHashMap<>();
            details.put("devices", String.join(",", names));
            details.put("links", String.join(",", links));
            addOutcome(details, Optional.ofNullable(removalFailure != null ? removalFailure : linkFailure));
            publishTimed(EventType.REMOVAL, String.join(",", names), since(start), details);
            log.debug("{}: removal of {} {}; stale links removed: {}", volume.description(), names,
                    removalFailure == null ? "done" : "failed: " + removalFailure.getMessage(), links);
            if (removalFailure == null) {
                removed.addAll(names);
            }
            if (removalFailure != null) {
                if (linkFailure != null && !options.force()) {
                    removalFailure.addSuppressed(linkFailure);
                }
                errors.record(removalFailure);
            }
            if (linkFailure != null) {
                errors.record(linkFailure);
            }
        }

        /**
         * Removes the paths, each kind by its own remover: SCSI devices by the flusher's {@code delete} writes, other
         * kinds by their {@link PathRemover}. A kind nobody removes is a failure: such a path is never removed the
         * SCSI way.
         */
        private void removeByKind(List<String> names, Deadline limit) {
            Map<String, List<String>> byKind = new LinkedHashMap<>();
            for (String name : names) {
                String kind = volume.paths().stream().filter(path -> path.name().equals(name)).findFirst()
                        .map(path -> path.address().kind()).orElse(PathAddress.SCSI);
                byKind.computeIfAbsent(kind, key -> new ArrayList<>()).add(name);
            }
            BrickException failure = null;
            for (Map.Entry<String, List<String>> kind : byKind.entrySet()) {
                try {
                    if (kind.getKey().equals(PathAddress.SCSI)) {
                        flusher.removeDevices(kind.getValue(), limit);
                    } else if (removers.containsKey(kind.getKey())) {
                        removers.get(kind.getKey()).remove(kind.getValue(), limit);
                    } else {
                        throw new HostStateException("brick cannot remove " + kind.getKey() + " paths "
                                + kind.getValue() + ": no remover of that kind is installed", false,
                                Map.of("volume", volume.description(), "kind", kind.getKey()), null);
                    }
                } catch (OperationInterruptedException interrupted) {
                    throw interrupted;
                } catch (BrickException removal) {
                    if (failure == null) {
                        failure = removal;
                    } else {
                        failure.addSuppressed(removal);
                    }
                }
            }
            if (failure != null) {
                throw failure;
            }
        }

        private void removeStaleLinksAfterInterrupt(DeviceLinks known) {
            List<String> names = known.kernelNames();
            try {
                log.debug("{}: interrupted while removing {}; stale links removed: {}", volume.description(), names,
                        flusher.removeStaleLinks(known));
            } catch (BrickException failure) {
                log.debug("{}: removing the stale links of {} failed: {}", volume.description(), names, failure.getMessage());
            }
        }

        /** Makes multipathd forget the paths; a safe disconnect's failure to is returned, to raise after the cleanup. */
        private Optional<BrickException> forgetPaths(List<String> names) {
            if (multipath.isEmpty()) {
                log.debug("{}: no multipath manager installed, no path to forget", volume.description());
                return Optional.empty();
            }
            MultipathManager manager = multipath.get();
            if (volume.map().isEmpty()) {
                boolean available;
                try {
                    available = manager.available(deadline.sub(AVAILABILITY_LIMIT));
                } catch (BrickException failure) {
                    errors.record(failure);
                    return Optional.empty();
                }
                if (!available) {
                    log.debug("{}: multipathd is not running, no path to forget", volume.description());
                    return Optional.empty();
                }
            }
            List<String> ours = names.stream().filter(this::notGivenToAnother).toList();
            if (ours.size() < names.size()) {
                log.debug("{}: {} now name other devices (the kernel reused the names): not forgotten",
                        volume.description(), names.stream().filter(name -> !ours.contains(name)).toList());
            }
            if (ours.isEmpty()) {
                return Optional.empty();
            }
            try {
                errors.attempt(() -> {
                    List<String> byHand = manager.forgetPaths(ours, deadline.sub(FORGET_LIMIT));
                    forgotten.addAll(ours);
                    log.debug("{}: multipathd no longer lists {}{}", volume.description(), ours,
                            byHand.isEmpty() ? "" : " (removed by hand: " + String.join(" ", byHand) + ")");
                });
                return Optional.empty();
            } catch (OperationInterruptedException interrupted) {
                throw interrupted;
            } catch (BrickException failure) {
                return Optional.of(failure);
            }
        }

        /** The transport's cleanup, then a safe disconnect's failure to make multipathd forget, if any. */
        private void runTransportCleanup(Optional<BrickException> forgetFailure) {
            try {
                errors.attempt(() -> transport.addAll(cleanup.plan()));
                log.debug("{}: transport cleanup {}", volume.description(), transport);
                errors.attempt(() -> cleanup.run(errors, deadline));
            } catch (BrickException cleanupFailure) {
                if (forgetFailure.isPresent() && !(cleanupFailure instanceof OperationInterruptedException)) {
                    forgetFailure.get().addSuppressed(cleanupFailure);
                    throw forgetFailure.get();
                }
                throw cleanupFailure;
            }
            forgetFailure.ifPresent(failure -> {
                throw failure;
            });
        }

        /**
         * Only after a disconnect in which nothing failed: the manager removes the WWID from the wwids file if brick
         * added it and the volume is gone. A failed disconnect keeps the WWID (and brick's record of it) for the next.
         */
        private void forgetWwid() {
            if (errors.failed() || multipath.isEmpty() || volume.wwid().isEmpty()) {
                return;
            }
            try {
                multipath.get().forgetWwid(volume.wwid().get(), deadline.sub(WWID_LIMIT));
            } catch (OperationInterruptedException interrupted) {
                throw interrupted;
            } catch (BrickException failure) {
                log.debug("{}: removing WWID {} from the wwids file failed (kept): {}", volume.description(),
                        volume.wwid().get(), failure.getMessage());
            }
        }

        private void removeUnflushedMap(MultipathMap map) {
            if (multipath.isEmpty()) {
                kept.add(map.kernelName() + ": could not be flushed nor removed: no multipath manager is installed");
                return;
            }
            Optional<MultipathMap> current = sameMap(map);
            if (current.isEmpty()) {
                log.debug("{}: multipath map {} is already gone (multipathd removed it with its last path)",
                        volume.description(), map.kernelName());
                return;
            }
            log.debug("{}: removing multipath map {} that could not be flushed (force: unflushed data is lost)",
                    volume.description(), map.kernelName());
            if (errors.attempt(() -> multipath.get().removeMap(current.get(), deadline.sub(MAP_REMOVAL_LIMIT)))) {
                flushed.add(map.kernelName() + ": removed without flush (force)");
            }
        }

        /** The map still there under the same kernel name and WWID, if any. */
        private Optional<MultipathMap> sameMap(MultipathMap map) {
            return topology.multipathMap(map.kernelName())
                    .filter(current -> current.wwid().equals(map.wwid()) && current.name().equals(map.name()));
        }

        private DisconnectPlan finish() {
            DisconnectPlan done = new DisconnectPlan(volume.description(), flushed, removed, forgotten, transport, kept);
            if (!errors.failed()) {
                log.info("disconnected {}: {}", volume.description(), summary());
                return done;
            }
            List<String> leftovers = leftovers();
            List<BrickException> failures = errors.failures();
            String message = "There were errors disconnecting " + volume.description() + ", leftovers may remain: "
                    + (leftovers.isEmpty() ? "(none seen)" : String.join(", ", leftovers)) + "; errors: "
                    + failures.stream().map(BrickException::getMessage).collect(Collectors.joining("; "));
            log.warn(message);
            events.warning(volume.description(), message);
            List<String> keptWithLeftovers = new ArrayList<>(kept);
            leftovers.forEach(leftover -> keptWithLeftovers.add(leftover + ": still present after a failed step"));
            DisconnectPlan withLeftovers = new DisconnectPlan(volume.description(), flushed, removed, forgotten, transport,
                    keptWithLeftovers);
            if (options.ignoreErrors()) {
                return withLeftovers;
            }
            throw new DisconnectFailedException(volume.description(), failures, leftovers);
        }

        /**
         * Whether the name is not (yet) another device's: once one of the volume's paths is removed, the kernel gives
         * its name to the next disk it makes (another target's, in a parallel connect), at another H:C:T:L. That disk
         * is not the volume's leftover, and its path is not ours to make multipathd forget.
         */
        private boolean notGivenToAnother(String name) {
            Optional<PathAddress> ours = volume.paths().stream().filter(path -> path.name().equals(name))
                    .map(BlockDevice::address).findFirst();
            Optional<PathAddress> now = topology.device(name).map(BlockDevice::address);
            return ours.isEmpty() || now.isEmpty() || now.equals(ours);
        }

        private List<String> leftovers() {
            Set<String> left = new LinkedHashSet<>();
            for (String name : pathNames(volume)) {
                if (topology.blockDeviceExists(name) && notGivenToAnother(name)) {
                    left.add(name);
                }
            }
            volume.map().flatMap(this::sameMap).ifPresent(map -> left.add(map.kernelName()));
            return List.copyOf(left);
        }

        private String summary() {
            List<String> parts = new ArrayList<>();
            if (!flushed.isEmpty()) {
                parts.add("flushed " + String.join(" ", flushed));
            }
            if (!removed.isEmpty()) {
                parts.add("removed " + String.join(" ", removed));
            }
            if (!forgotten.isEmpty()) {
                parts.add("multipathd forgot " + String.join(" ", forgotten));
            }
            parts.addAll(transport);
            if (!kept.isEmpty()) {
                parts.add("kept " + String.join("; ", kept));
            }
            return parts.isEmpty() ? "nothing to do" : String.join(", ", parts);
        }

        /**
         * Runs a step and returns its failure, for the caller to report and then hand to the collector (which throws
         * it without force). An interrupt is never held back.
         */
        private Optional<BrickException> attempt(Runnable step) {
            try {
                step.run();
                return Optional.empty();
            } catch (OperationInterruptedException interrupted) {
                throw interrupted;
            } catch (BrickException failure) {
                return Optional.of(failure);
            }
        }

        private Duration since(long startNanos) {
            return Duration.ofNanos(Math.max(0, clock.nanoTime() - startNanos));
        }

        private void publishTimed(EventType type, String subject, Duration took, Map<String, String> details) {
            events.deliver(new BrickEvent(type, clock.instant(), subject, Optional.of(took), details));
        }

        private void addOutcome(Map<String, String> details, Optional<BrickException> failure) {
            if (failure.isPresent()) {
                details.put("result", "failed");
                details.put("error", failure.get().kind());
                details.put("message", failure.get().getMessage());
            } else {
                details.put("result", "done");
            }
        }
    }
}
