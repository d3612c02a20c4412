package io.brick.iscsi;

import io.brick.core.connector.Connector;
import io.brick.core.connector.ConnectorConfig;
import io.brick.core.connector.DisconnectOptions;
import io.brick.core.error.BrickException;
import io.brick.core.error.DeviceNotFoundException;
import io.brick.core.error.HostStateException;
import io.brick.core.error.IdentityMismatchException;
import io.brick.core.error.LoginFailedException;
import io.brick.core.error.OperationInterruptedException;
import io.brick.core.error.UnsafePathException;
import io.brick.core.event.EventPublisher;
import io.brick.core.event.EventType;
import io.brick.core.lock.HeldLocks;
import io.brick.core.lock.LockManager;
import io.brick.core.model.AttachedVolume;
import io.brick.core.model.BlockDevice;
import io.brick.core.model.ConnectionProperties;
import io.brick.core.model.DevicePath;
import io.brick.core.model.Hctl;
import io.brick.core.model.Iqn;
import io.brick.core.model.IscsiSession;
import io.brick.core.model.MultipathMap;
import io.brick.core.model.Portal;
import io.brick.core.model.Protocol;
import io.brick.core.model.Wwid;
import io.brick.core.port.DeviceFlusher;
import io.brick.core.port.HostConfiguration;
import io.brick.core.port.MultipathManager;
import io.brick.core.port.ScsiScanner;
import io.brick.core.port.SessionManager;
import io.brick.core.port.SessionManager.Node;
import io.brick.core.port.TopologyProvider;
import io.brick.core.time.Clock;
import io.brick.core.time.Deadline;
import io.brick.core.time.Poll;
import io.brick.core.time.Sleeper;
import io.brick.core.volume.DisconnectPipeline;
import io.brick.core.connector.DisconnectPlan;
import io.brick.core.volume.IdentityGuard;
import io.brick.core.volume.MultipathAssembly;
import io.brick.core.volume.VolumeDevices;
import io.brick.core.volume.VolumeResize;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static java.util.Objects.requireNonNull;

/**
 * iSCSI (and iSER) volumes: os-brick's {@code ISCSIConnector}, sysfs-first and without its known bugs.
 *
 * <p><b>Connect, multipath.</b> The targets come from the plural keys, or from sendtargets discovery
 * ({@code -o nonpersistent}: node records are never clobbered). One worker per portal runs at once: under the
 * (portal, IQN) lock (threads and processes) it reuses a logged-in session or creates the node record if missing, sets
 * {@code node.session.scan = manual}, {@code node.startup = automatic} and CHAP in one update, and logs in; then it
 * scans only this LUN ({@code C T L}, or {@code - - L} while the session has no target yet) and polls sysfs every
 * {@link Poll} (25 ms at first, then a tenth of the time waited, at most 500 ms) for the device, rescanning at 1, 2, 4, 8 ... s. As soon as one device of the volume's WWID
 * exists, the connect waits for multipathd's map (nudging it with {@code multipath -a} / {@code multipathd add path}
 * if it is slow), lets every portal that has answered its login scan (bounded by the map wait: a worker waiting for
 * its (portal, IQN) lock or between login and scan is waited for, since a process exiting then would leave that
 * session logged in with the LUN never scanned), and returns the map: it does not wait for portals still in their
 * login; their workers go on within their own time limits and their paths join the map when they come. If no map forms within
 * {@link ConnectorConfig#mapWait()}, the single device is returned with a WARN, as os-brick does.
 *
 * <p><b>Connect, single path.</b> The targets are tried in order; a target that yields no device is cleaned up (log
 * out only if no other LUN uses its session) before the next, so a single-path attach never ends up multipathed.
 *
 * <p><b>Identity.</b> Every device returned has the volume's WWID: the caller's ({@code scsi_wwn}), else that of the
 * devices that appeared during this connect. A device of another WWID at the volume's address (a reused LUN) is
 * never returned, never flushed and never removed as the volume's.
 *
 * <p><b>Disconnect</b> works from the connection properties alone: the LUN's devices in every session of every
 * (portal, IQN), and the map holding them, go through brick-core's {@link DisconnectPipeline}; sessions that carry no
 * other LUN are logged out and their node records deleted, under the targets' locks. An extend takes the same
 * locks, so it never rescans or resizes what a disconnect of the same target is removing.
 *
 * <p>A failed connect cleans up what it created (forced, errors logged). Every wait has a deadline; one operation has
 * one budget ({@link ConnectorConfig}).
 */
class IscsiConnector implements Connector, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(IscsiConnector.class);

    private static final Duration FIRST_RESCAN = Duration.ofSeconds(1);
    private static final Duration SESSION_APPEARS = Duration.ofSeconds(10);
    private static final Duration WWID_WAIT = Duration.ofSeconds(10);
    private static final Duration STOP_GRACE = Duration.ofSeconds(2);
    private static final Map<String, String> NODE_SETTINGS = orderedSettings();

    private final SessionManager sessions;
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
    private final String defaultIface;
    private final ExecutorService workers;

    /**
     * The connector of one transport.
     *
     * @param defaultIface the open-iscsi iface used when the properties name none: {@code default} (tcp) or
     *                     {@code iser}
     */
    IscsiConnector(String defaultIface, SessionManager sessions, TopologyProvider topology, ScsiScanner scanner, DeviceFlusher flusher,
                   Optional<MultipathManager> multipath, DisconnectPipeline pipeline, MultipathAssembly assembly,
                   LockManager locks, EventPublisher events, Clock clock, Sleeper sleeper, HostConfiguration host,
                   ConnectorConfig config) {
        this.sessions = requireNonNull(sessions, "sessions is null");
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
        this.defaultIface = requireNonNull(defaultIface, "defaultIface is null");
        this.workers = Executors.newCachedThreadPool(daemonThreads());
    }

    @Override
    public Set<Protocol> protocols() {
        return Set.of(defaultIface.equals("iser") ? Protocol.ISER : Protocol.ISCSI);
    }

    // ------------------------------------------------------------------------------------------------ connect

    @Override
    public AttachedVolume connect(ConnectionProperties properties) {
        IscsiVolume volume = IscsiVolume.parse(properties, config.useMultipath(), defaultIface);
        Deadline deadline = Deadline.after(config.connectTimeout(), clock);
        EventPublisher.Phase operation = events.started(EventType.OPERATION_STARTED, describe(volume));
        log.debug("connecting {}: {}", describe(volume), properties);
        boolean useMultipath = config.useMultipath();
        boolean multipathRunning = useMultipath && assembly.multipathdRunning(deadline);
        if (useMultipath && !multipathRunning) {
            if (volume.enforceMultipath()) {
                throw new HostStateException("multipath is enforced for " + describe(volume)
                        + " but multipathd is not running on this host", false,
                        Map.of("volume", describe(volume), "enforce_multipath", "true"), null);
            }
            log.warn("Multipathing is requested but the host doesn't support multipathing: attaching {} through a "
                    + "single path", describe(volume));
        }
        List<IscsiTarget> targets = useMultipath ? resolveTargets(volume, deadline) : volume.targets();
        Map<String, Hctl> before = presentAt(targets);
        Attempt attempt = new Attempt(volume, targets, deadline);
        try {
            AttachedVolume attached = useMultipath ? attempt.multipath(multipathRunning) : attempt.singlePath();
            operation.finished(EventType.OPERATION_FINISHED, Map.of("path", attached.path().path()));
            log.info("connected {} at {} (WWID {})", describe(volume), attached.path(),
                    attached.scsiWwn().map(Wwid::value).orElse("unknown"));
            return attached;
        } catch (BrickException failure) {
            attempt.stop();
            operation.failed(EventType.OPERATION_FAILED, failure, Map.of());
            List<IscsiTarget> left = targets.stream().filter(target -> !attempt.cleaned.contains(target)).toList();
            if (!left.isEmpty()) {
                cleanUpFailedConnect(volume, left, attempt.expectedOrFound(), before);
            }
            throw failure;
        }
    }

    /** The targets of a multipath connect: the plural keys, or sendtargets discovery on the singular portal. */
    private List<IscsiTarget> resolveTargets(IscsiVolume volume, Deadline deadline) {
        if (!volume.needsDiscovery()) {
            return volume.targets();
        }
        IscsiTarget seed = volume.seed();
        EventPublisher.Phase discovery = events.started(EventType.DISCOVERY, seed.portal().toString());
        List<Node> discovered = sessions.discover(seed.portal(), discoveryIface(volume), volume.discoveryChap(), deadline);
        discovery.finished(EventType.DISCOVERY, Map.of("targets", Integer.toString(discovered.size())));
        List<IscsiTarget> targets = volume.targetsFromDiscovery(discovered);
        if (targets.isEmpty()) {
            throw new DeviceNotFoundException("sendtargets discovery on " + seed.portal() + " found no target for "
                    + describe(volume), Map.of("portal", seed.portal().toString(), "discovered",
                    discovered.stream().map(Node::toString).collect(Collectors.joining(", "))));
        }
        log.debug("discovery on {} gave {}", seed.portal(), targets);
        return targets;
    }

    /** One connect: its portal workers, the devices they found, and its time budget. */
    private final class Attempt {
        private final IscsiVolume volume;
        private final List<IscsiTarget> targets;
        private final Deadline deadline;
        private final List<PortalWorker> started = new ArrayList<>();
        /** Single-path targets already cleaned up after they gave no device. */
        private final Set<IscsiTarget> cleaned = java.util.concurrent.ConcurrentHashMap.newKeySet();
        private volatile boolean stopped;
        private volatile Optional<Set<Node>> knownNodes = Optional.empty();
        private volatile Optional<Wwid> established = Optional.empty();

        Attempt(IscsiVolume volume, List<IscsiTarget> targets, Deadline deadline) {
            this.volume = volume;
            this.targets = List.copyOf(targets);
            this.deadline = deadline;
        }

        Optional<Wwid> expectedOrFound() {
            return volume.expectedWwid().or(() -> established);
        }

        AttachedVolume singlePath() {
            List<String> failures = new ArrayList<>();
            for (IscsiTarget target : targets) {
                PortalWorker worker = new PortalWorker(this, target);
                started.add(worker);
                worker.run();
                Optional<BlockDevice> device = worker.device();
                if (device.isPresent()) {
                    IdentityGuard.Verdict verdict = IdentityGuard.judge(List.of(device.get()), worker.freshNames(),
                            volume.expectedWwid());
                    if (!verdict.accepted().isEmpty()) {
                        BlockDevice accepted = verdict.accepted().get(0);
                        Optional<Wwid> wwid = accepted.wwid().or(() -> awaitWwid(accepted.name()));
                        established = wwid;
                        return new AttachedVolume(accepted.path(), wwid, Optional.empty());
                    }
                    rejected(verdict.rejected());
                    failures.add(target + ": " + device.get().name() + " is not the volume (WWID "
                            + device.get().wwid().map(Wwid::value).orElse("none") + ")");
                } else {
                    failures.add(target + ": " + worker.failure().orElse("no device"));
                }
                cleanUpTarget(target, volume.iface());
                cleaned.add(target);
            }
            throw notFound(failures);
        }

        AttachedVolume multipath(boolean multipathRunning) {
            for (IscsiTarget target : targets) {
                PortalWorker worker = new PortalWorker(this, target);
                started.add(worker);
                workers.execute(worker);
            }
            IdentityGuard.Verdict verdict = awaitFirstGoodPath();
            Wwid wwid = verdict.wwid().orElseThrow();
            established = Optional.of(wwid);
            if (multipathRunning) {
                Deadline mapDeadline = deadline.sub(config.mapWait());
                Optional<MultipathMap> map = assembly.awaitMap(wwid, () -> acceptedPaths(wwid), config.nudgeAfter(),
                        mapDeadline);
                if (map.isPresent()) {
                    awaitSettled(mapDeadline);
                    MultipathMap complete = assembly.awaitPaths(map.get(), () -> acceptedPaths(wwid),
                            config.nudgeAfter(), mapDeadline);
                    return new AttachedVolume(complete.path(), Optional.of(wwid), Optional.of(wwid));
                }
                if (volume.enforceMultipath()) {
                    throw new HostStateException("multipathd formed no map for " + describe(volume) + " within "
                            + config.mapWait().toMillis() + " ms and multipath is enforced", true,
                            Map.of("volume", describe(volume), "wwid", wwid.value()), null);
                }
                log.warn("No dm was created, connection to volume {} is probably bad and will perform poorly: "
                        + "returning the single path {}", describe(volume), verdict.accepted().get(0).name());
                events.warning(describe(volume), "no multipath map formed; single path returned");
            }
            return new AttachedVolume(verdict.accepted().get(0).path(), Optional.of(wwid), Optional.empty());
        }

        /**
         * Polls the workers' findings until a device of the volume's WWID exists, or every worker has ended. Without
         * an expected WWID, devices that were already there before this connect (possibly stale: a reused LUN) only
         * establish the volume's identity once every portal has answered; a device that appeared during this connect
         * does at once.
         */
        private IdentityGuard.Verdict awaitFirstGoodPath() {
            Poll poll = Poll.within(deadline);
            while (true) {
                List<BlockDevice> found = new ArrayList<>();
                Set<String> fresh = new HashSet<>();
                boolean allDone = true;
                for (PortalWorker worker : started) {
                    worker.device().ifPresent(found::add);
                    fresh.addAll(worker.freshNames());
                    allDone &= worker.done();
                }
                IdentityGuard.Verdict verdict = IdentityGuard.judge(found, fresh, volume.expectedWwid());
                if (verdict.conflict().isPresent()) {
                    throw mismatch(verdict);
                }
                boolean confirmed = volume.expectedWwid().isPresent()
                        || verdict.accepted().stream().anyMatch(device -> fresh.contains(device.name()));
                if (!verdict.accepted().isEmpty() && verdict.wwid().isPresent() && (confirmed || allDone)) {
                    rejected(verdict.rejected());
                    return verdict;
                }
                if (allDone) {
                    if (!verdict.rejected().isEmpty()) {
                        throw mismatch(verdict);
                    }
                    if (!verdict.undecided().isEmpty()) {
                        throw new DeviceNotFoundException("the devices of " + describe(volume)
                                + " have no WWID: brick cannot tell they are the volume's",
                                Map.of("devices", names(verdict.undecided())));
                    }
                    throw notFound(started.stream().map(worker -> worker.target + ": "
                            + worker.failure().orElse("no device")).toList());
                }
                deadline.check("a device of " + describe(volume), Map.of());
                sleeper.sleep(poll.next());
            }
        }

        /**
         * Waits (bounded) until every portal has given what it is going to give soon: its worker has ended, found its
         * device, or scanned twice without it; or is still in its login command (an unanswering portal is never
         * waited for). A worker waiting for its (portal, IQN) lock, held by another connect of the same target, or
         * between its login and its scan is waited for: were the connect to return then, a process that exits right
         * after (the CLI) would leave that session logged in with the LUN never scanned, a path lost for good.
         */
        private void awaitSettled(Deadline wait) {
            Poll poll = Poll.within(wait);
            while (true) {
                List<PortalWorker> pending = started.stream().filter(worker -> !worker.settled()).toList();
                if (pending.isEmpty()) {
                    List<String> loggingIn = started.stream().filter(PortalWorker::loggingIn)
                            .map(worker -> worker.target.portal().toString()).toList();
                    if (!loggingIn.isEmpty()) {
                        log.info("{}: returning before portal(s) {} answered their login; their paths join the map "
                                + "if they come while this process runs", describe(volume), loggingIn);
                    }
                    return;
                }
                if (wait.expired()) {
                    log.warn("{}: portal(s) {} gave no device within the map wait ({} ms); returning the map without "
                            + "them", describe(volume), pending.stream().map(worker -> worker.target.portal().toString())
                            .toList(), config.mapWait().toMillis());
                    return;
                }
                sleeper.sleep(poll.next());
            }
        }

        /** The volume's path devices found so far (workers may still be adding some). */
        private List<String> acceptedPaths(Wwid wwid) {
            List<String> paths = new ArrayList<>();
            for (PortalWorker worker : started) {
                worker.device().filter(device -> device.wwid().map(wwid::equals).orElse(false))
                        .ifPresent(device -> paths.add(device.name()));
            }
            return paths;
        }

        /**
         * Nothing was found: when every portal failed at login, that is a login failure (a wrong CHAP secret, a
         * target that is gone), not a missing device; otherwise the device did not appear.
         */
        private BrickException notFound(List<String> failures) {
            // a refused host file is the operator's to fix, whatever else the portals saw: that is the error
            Optional<UnsafePathException> unsafe = started.stream().map(PortalWorker::unsafe).flatMap(Optional::stream)
                    .findFirst();
            if (unsafe.isPresent()) {
                return unsafe.get();
            }
            List<LoginFailedException> logins = started.stream().map(PortalWorker::loginFailure)
                    .flatMap(Optional::stream).toList();
            if (!logins.isEmpty() && logins.size() == started.size()) {
                return loginFailedEverywhere(logins, failures);
            }
            Map<String, String> evidence = new LinkedHashMap<>();
            evidence.put("volume", describe(volume));
            evidence.put("portals", String.join("; ", failures));
            return new DeviceNotFoundException("no device of " + describe(volume) + " appeared on any portal: "
                    + String.join("; ", failures), evidence);
        }

        private LoginFailedException loginFailedEverywhere(List<LoginFailedException> logins, List<String> failures) {
            Set<String> reasons = new LinkedHashSet<>();
            logins.forEach(login -> reasons.add(login.reason()));
            String reason = reasons.size() == 1 ? reasons.iterator().next() : "other";
            Map<String, String> evidence = new LinkedHashMap<>(logins.get(0).evidence());
            evidence.remove("portal");
            evidence.put("volume", describe(volume));
            evidence.put("reason", reason);
            evidence.put("portals", String.join("; ", failures));
            boolean retriable = logins.stream().anyMatch(LoginFailedException::retriable);
            return new LoginFailedException("login failed on every portal of " + describe(volume) + " (" + reason
                    + "): " + String.join("; ", failures), reason, retriable, evidence, logins.get(0));
        }

        private IdentityMismatchException mismatch(IdentityGuard.Verdict verdict) {
            BlockDevice other = verdict.rejected().isEmpty() ? verdict.accepted().get(0) : verdict.rejected().get(0);
            String expected = volume.expectedWwid().map(Wwid::value)
                    .or(() -> verdict.wwid().map(Wwid::value))
                    .orElse(verdict.conflict().orElse("one WWID for every path"));
            return new IdentityMismatchException(expected, other.wwid().map(Wwid::value).orElse("none"),
                    other.hctl().toString(), other.name());
        }

        private void rejected(List<BlockDevice> rejected) {
            for (BlockDevice device : rejected) {
                log.warn("{} at {} has WWID {}, not the volume's: a stale device (reused LUN?), not used",
                        device.name(), device.hctl(), device.wwid().map(Wwid::value).orElse("none"));
                events.publish(EventType.DEVICE_REJECTED, device.name(), Map.of("hctl", device.hctl().toString(),
                        "wwid", device.wwid().map(Wwid::value).orElse("")));
            }
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

        /**
         * Stops the workers that are still going and waits until they have ended: within what is left of the
         * connect's budget plus {@link #STOP_GRACE} (their own steps are bounded by the same deadline, so they end
         * about when it passes), and never longer than the device wait.
         */
        void stop() {
            stopped = true;
            Duration limit = deadline.remaining().plus(STOP_GRACE);
            Deadline wait = Deadline.after(limit.compareTo(config.deviceWait()) < 0 ? limit : config.deviceWait(), clock);
            Poll poll = Poll.within(wait);
            for (PortalWorker worker : started) {
                while (!worker.done() && !wait.expired()) {
                    sleeper.sleep(poll.next());
                }
            }
        }

        /** Node records open-iscsi has, listed once per connect and only if a login is needed. */
        synchronized boolean nodeExists(Node node) {
            if (knownNodes.isEmpty()) {
                knownNodes = Optional.of(Set.copyOf(sessions.nodes(deadline)));
            }
            return knownNodes.get().stream().anyMatch(known -> known.sameRecord(node.target(), node.portal()));
        }
    }

    /** One portal of a connect: login (or reuse), targeted scan, wait for the LUN's device. */
    private final class PortalWorker implements Runnable {
        private final Attempt attempt;
        private final IscsiTarget target;
        private volatile Optional<BlockDevice> device = Optional.empty();
        private volatile Optional<String> failure = Optional.empty();
        private volatile Optional<LoginFailedException> loginFailure = Optional.empty();
        private volatile Optional<UnsafePathException> unsafe = Optional.empty();
        private volatile Set<String> fresh = Set.of();
        private volatile boolean done;
        private volatile boolean loggingIn;
        private volatile int scans;

        PortalWorker(Attempt attempt, IscsiTarget target) {
            this.attempt = attempt;
            this.target = target;
        }

        Optional<BlockDevice> device() {
            return device;
        }

        Optional<String> failure() {
            return failure;
        }

        /** The login failure that ended this worker, if that is what ended it. */
        /** The refusal of a host file (the lock directory, a sysfs attribute) this portal ended with, if any. */
        Optional<UnsafePathException> unsafe() {
            return unsafe;
        }

        Optional<LoginFailedException> loginFailure() {
            return loginFailure;
        }

        Set<String> freshNames() {
            return fresh;
        }

        boolean done() {
            return done;
        }

        /** In the login command now: the portal has not answered yet. */
        boolean loggingIn() {
            return loggingIn;
        }

        /** Ended, found its device, scanned twice without finding it, or waiting on its login (see awaitSettled). */
        boolean settled() {
            return done || loggingIn || device.isPresent() || scans >= 2;
        }

        @Override
        public void run() {
            try (LockManager.Held held = locks.acquire(lockKey(target.portal(), target.iqn()), attempt.deadline)) {
                IscsiSession session = loggedIn();
                device = awaitDevice(session);
                if (device.isEmpty()) {
                    failure = Optional.of("LUN " + target.lun() + " did not appear within "
                            + config.deviceWait().toMillis() + " ms");
                    log.warn("LUN {} on iSCSI portal {} not found on sysfs after logging in.", target.lun(),
                            target.portal());
                }
            } catch (OperationInterruptedException e) {
                failure = Optional.of("interrupted");
            } catch (LoginFailedException e) {
                loginFailure = Optional.of(e);
                failure = Optional.of(e.getMessage());
                log.warn("Failed to connect to iSCSI portal {}: {}", target.portal(), e.getMessage());
            } catch (UnsafePathException e) {
                unsafe = Optional.of(e);
                failure = Optional.of(e.getMessage());
                log.warn("Failed to connect to iSCSI portal {}: {}", target.portal(), e.getMessage());
            } catch (BrickException e) {
                failure = Optional.of(e.getMessage());
                log.warn("Failed to connect to iSCSI portal {}: {}", target.portal(), e.getMessage());
            } finally {
                done = true;
            }
        }

        /** The session to the target, reused or logged in. */
        private IscsiSession loggedIn() {
            Optional<IscsiSession> existing = findSession(target.portal(), target.iqn(), transport(attempt.volume));
            if (existing.isPresent()) {
                log.debug("reusing session {} to {}", existing.get().sessionId(), target);
                return existing.get();
            }
            Node node = new Node(target.iqn(), target.portal(), attempt.volume.iface());
            if (!attempt.nodeExists(node)) {
                sessions.createNode(node, attempt.deadline);
            }
            sessions.updateNode(node, NODE_SETTINGS, attempt.volume.chap(), attempt.deadline);
            EventPublisher.Phase login = events.started(EventType.LOGIN_STARTED, target.portal().toString(),
                    Map.of("target", target.iqn().value()));
            loggingIn = true;
            try {
                sessions.login(node, attempt.deadline);
            } catch (BrickException e) {
                login.failed(EventType.LOGIN_FAILED, e, Map.of("target", target.iqn().value()));
                throw e;
            } finally {
                loggingIn = false;
            }
            Deadline appears = attempt.deadline.sub(SESSION_APPEARS);
            Poll poll = Poll.within(appears);
            while (true) {
                Optional<IscsiSession> session = findSession(target.portal(), target.iqn(), transport(attempt.volume));
                if (session.isPresent()) {
                    login.finished(EventType.LOGIN_FINISHED, Map.of("target", target.iqn().value(),
                            "session", Integer.toString(session.get().sessionId())));
                    return session.get();
                }
                appears.check("the session to " + target + " in sysfs after a successful login", Map.of());
                sleeper.sleep(poll.next());
            }
        }

        private Optional<BlockDevice> awaitDevice(IscsiSession session) {
            Optional<BlockDevice> existing = topology.sessionDevice(session.sessionId(), target.lun());
            if (existing.isPresent()) {
                return found(existing, false);
            }
            Deadline wait = attempt.deadline.sub(config.deviceWait());
            long start = clock.nanoTime();
            Duration interval = FIRST_RESCAN;
            long nextScan = start;
            int scanCount = 0;
            Poll poll = Poll.within(wait);
            while (!attempt.stopped) {
                if (clock.nanoTime() - nextScan >= 0) {
                    scan(session);
                    scanCount++;
                    nextScan = clock.nanoTime() + interval.toNanos();
                    interval = interval.multipliedBy(2);
                }
                Optional<BlockDevice> device = topology.sessionDevice(session.sessionId(), target.lun());
                if (device.isPresent()) {
                    return found(device, true);
                }
                scans = scanCount;
                if (wait.expired()) {
                    return Optional.empty();
                }
                // never past the next rescan: the 1, 2, 4, 8 s schedule stays exact
                Duration untilScan = Duration.ofNanos(Math.max(0, nextScan - clock.nanoTime()));
                Duration next = poll.next();
                sleeper.sleep(next.compareTo(untilScan) < 0 ? next : untilScan);
            }
            return Optional.empty();
        }

        private void scan(IscsiSession session) {
            Optional<io.brick.core.model.ScsiTarget> scsiTarget = topology.sessionTarget(session.sessionId());
            scanner.scan(session.hostNumber(),
                    scsiTarget.map(t -> java.util.OptionalInt.of(t.channel())).orElse(java.util.OptionalInt.empty()),
                    scsiTarget.map(t -> java.util.OptionalInt.of(t.target())).orElse(java.util.OptionalInt.empty()),
                    target.lun());
            events.publish(EventType.SCAN, "host" + session.hostNumber(), Map.of("lun", target.lun().toString(),
                    "target", scsiTarget.map(Object::toString).orElse("- -")));
        }

        private Optional<BlockDevice> found(Optional<BlockDevice> device, boolean appeared) {
            BlockDevice value = device.orElseThrow();
            if (appeared) {
                fresh = Set.of(value.name());
            }
            events.publish(EventType.DEVICE_FOUND, value.name(), Map.of("hctl", value.hctl().toString(),
                    "portal", target.portal().toString(), "wwid", value.wwid().map(Wwid::value).orElse("")));
            return device;
        }
    }

    /**
     * After a failed connect: remove what it created, forced, errors only logged. Only the devices that appeared
     * during it ({@link VolumeDevices#madeBy}): a device or map of the volume that was there before (the volume was
     * attached already, its paths down and its I/O queued) is another attachment's, and a forced removal would lose
     * its writes. A session still carrying such a device is kept (the cleanup sees it as another LUN's).
     *
     * @param before the devices at the volume's addresses when the connect began (kernel name to H:C:T:L)
     */
    private void cleanUpFailedConnect(IscsiVolume volume, List<IscsiTarget> targets, Optional<Wwid> wwid,
                                      Map<String, Hctl> before) {
        try {
            Deadline deadline = Deadline.after(config.disconnectTimeout(), clock);
            try (HeldLocks held = lock(targets, deadline)) {
                VolumeDevices found = volumeDevices(volume, targets, wwid);
                Set<String> made = found.paths().stream().filter(path -> !path.hctl().equals(before.get(path.name())))
                        .map(BlockDevice::name).collect(Collectors.toUnmodifiableSet());
                VolumeDevices devices = found.madeBy(made);
                log.debug("cleaning up after the failed connect of {}: {}", describe(volume), devices.paths());
                pipeline.disconnect(devices, Optional.empty(), new DisconnectOptions(true, true),
                        new Cleanup(targets, names(devices), volume.iface()), deadline);
            }
        } catch (BrickException e) {
            log.warn("There were errors cleaning up after the failed connect of {}, leftovers may remain in the "
                    + "system: {}", describe(volume), e.getMessage());
        }
    }

    /**
     * The devices at the volume's addresses now (its LUN in every session to its targets), by name and address. One
     * read of the sessions per IQN, not per portal: the portals of a multipath volume share one.
     */
    private Map<String, Hctl> presentAt(List<IscsiTarget> targets) {
        Map<String, Hctl> present = new LinkedHashMap<>();
        Map<Iqn, List<IscsiSession>> sessions = new LinkedHashMap<>();
        for (IscsiTarget target : targets) {
            for (IscsiSession session : sessions.computeIfAbsent(target.iqn(), topology::iscsiSessions)) {
                if (session.connects(target.portal(), target.iqn())) {
                    topology.sessionDevice(session.sessionId(), target.lun())
                            .ifPresent(device -> present.put(device.name(), device.hctl()));
                }
            }
        }
        return Map.copyOf(present);
    }

    /** After a single-path target gave no device: log out of it unless another LUN uses it. */
    private void cleanUpTarget(IscsiTarget target, String iface) {
        Deadline deadline = Deadline.after(config.disconnectTimeout(), clock);
        try (LockManager.Held held = locks.acquire(lockKey(target.portal(), target.iqn()), deadline)) {
            new Cleanup(List.of(target), Map.of(), iface).run(new io.brick.core.volume.ErrorCollector(true), deadline);
        } catch (BrickException e) {
            log.warn("could not clean up {} after it gave no device: {}", target, e.getMessage());
        }
    }

    // --------------------------------------------------------------------------------------------- disconnect

    @Override
    public void disconnect(ConnectionProperties properties, Optional<AttachedVolume> attached, DisconnectOptions options) {
        IscsiVolume volume = IscsiVolume.parse(properties, config.useMultipath(), defaultIface);
        requireNonNull(attached, "attached is null");
        requireNonNull(options, "options is null");
        Deadline deadline = Deadline.after(config.disconnectTimeout(), clock);
        EventPublisher.Phase operation = events.started(EventType.OPERATION_STARTED, describe(volume),
                Map.of("operation", "disconnect"));
        Optional<Wwid> wwid = volume.expectedWwid().or(() -> attached.flatMap(AttachedVolume::scsiWwn));
        try {
            disconnectTargets(volume, targetsForDisconnect(volume, wwid), wwid, attached, options, deadline);
            operation.finished(EventType.OPERATION_FINISHED, Map.of("operation", "disconnect"));
        } catch (BrickException failure) {
            operation.failed(EventType.OPERATION_FAILED, failure, Map.of("operation", "disconnect"));
            throw failure;
        }
    }

    @Override
    public DisconnectPlan planDisconnect(ConnectionProperties properties, Optional<AttachedVolume> attached) {
        IscsiVolume volume = IscsiVolume.parse(properties, config.useMultipath(), defaultIface);
        Optional<Wwid> wwid = volume.expectedWwid().or(() -> attached.flatMap(AttachedVolume::scsiWwn));
        List<IscsiTarget> targets = targetsForDisconnect(volume, wwid);
        VolumeDevices devices = volumeDevices(volume, targets, wwid);
        return pipeline.plan(devices, attached, new Cleanup(targets, names(devices), volume.iface()));
    }

    private void disconnectTargets(IscsiVolume volume, List<IscsiTarget> targets, Optional<Wwid> wwid,
                                   Optional<AttachedVolume> attached, DisconnectOptions options, Deadline deadline) {
        try (HeldLocks held = lock(targets, deadline)) {
            VolumeDevices devices = volumeDevices(volume, targets, wwid);
            pipeline.disconnect(devices, attached, options, new Cleanup(targets, names(devices), volume.iface()), deadline);
        }
    }

    /** The locks of the targets' (portal, IQN) pairs, in sorted order (see {@link HeldLocks}). */
    private HeldLocks lock(List<IscsiTarget> targets, Deadline deadline) {
        return HeldLocks.acquire(locks, targets.stream().map(t -> lockKey(t.portal(), t.iqn())).toList(), deadline);
    }

    /**
     * The volume's devices: its LUN in every session of every (portal, IQN) of its targets, judged by WWID (the
     * caller's, or the one the devices agree on), and the map holding them.
     */
    private VolumeDevices volumeDevices(IscsiVolume volume, List<IscsiTarget> targets, Optional<Wwid> wwid) {
        List<BlockDevice> found = new ArrayList<>();
        for (IscsiTarget target : targets) {
            for (IscsiSession session : sessionsTo(target.portal(), target.iqn())) {
                topology.sessionDevice(session.sessionId(), target.lun()).ifPresent(found::add);
            }
        }
        return VolumeDevices.judge(describe(volume), found, wwid, topology);
    }

    /**
     * The volume's devices by kernel name and address: a name alone is not enough, since once a device is removed the
     * kernel gives its name to the next device made, possibly another LUN's on the same session.
     */
    private static Map<String, Hctl> names(VolumeDevices devices) {
        return devices.paths().stream().collect(Collectors.toUnmodifiableMap(BlockDevice::name, BlockDevice::hctl,
                (first, second) -> first));
    }

    private static String names(List<BlockDevice> devices) {
        return devices.stream().map(BlockDevice::name).collect(Collectors.joining(","));
    }

    /**
     * The iSCSI part of a disconnect, after the volume's devices are gone: a session that now carries no other LUN is
     * logged out and its node record deleted; a target without session has its node record deleted. Called with the
     * targets' locks held.
     */
    private final class Cleanup implements io.brick.core.volume.TransportCleanup {
        private final List<IscsiTarget> targets;
        private final Map<String, Hctl> volumeDevices;
        private final String iface;

        Cleanup(List<IscsiTarget> targets, Map<String, Hctl> volumeDevices, String iface) {
            this.targets = distinctTargets(targets);
            this.volumeDevices = Map.copyOf(volumeDevices);
            this.iface = iface;
        }

        @Override
        public List<String> plan() {
            List<String> steps = new ArrayList<>();
            for (IscsiTarget target : targets) {
                List<IscsiSession> toTarget = sessionsTo(target.portal(), target.iqn());
                List<String> others = otherDevices(toTarget);
                if (toTarget.isEmpty()) {
                    steps.add("delete node " + target.portal() + " " + target.iqn() + " (no session)");
                } else if (others.isEmpty()) {
                    steps.add("logout " + target.portal() + " " + target.iqn() + " and delete its node");
                } else {
                    steps.add("keep session to " + target.portal() + " " + target.iqn() + ": it carries "
                            + String.join(", ", others));
                }
            }
            return steps;
        }

        @Override
        public void run(io.brick.core.volume.ErrorCollector errors, Deadline deadline) {
            for (IscsiTarget target : targets) {
                List<IscsiSession> toTarget = sessionsTo(target.portal(), target.iqn());
                List<String> others = otherDevices(toTarget);
                if (!others.isEmpty()) {
                    log.debug("keeping the session to {}: it carries {}", target, others);
                    continue;
                }
                Node node = new Node(target.iqn(), target.portal(), iface);
                if (!toTarget.isEmpty()) {
                    boolean loggedOut = errors.attempt(() -> {
                        long start = clock.nanoTime();
                        sessions.logout(node, deadline);
                        events.deliver(new io.brick.core.event.BrickEvent(EventType.LOGOUT, clock.instant(),
                                target.portal().toString(), Optional.of(Duration.ofNanos(clock.nanoTime() - start)),
                                Map.of("target", target.iqn().value())));
                    });
                    if (!loggedOut) {
                        continue;
                    }
                }
                errors.attempt(() -> sessions.deleteNode(node, deadline));
            }
        }

        /**
         * Devices of other LUNs (or other volumes) in the sessions, ours excluded: ours by name and address, so that a
         * device another LUN's connect made under a name one of ours had is never taken for ours.
         */
        private List<String> otherDevices(List<IscsiSession> toTarget) {
            List<String> others = new ArrayList<>();
            for (IscsiSession session : toTarget) {
                for (BlockDevice device : topology.sessionDevices(session.sessionId())) {
                    if (!device.hctl().equals(volumeDevices.get(device.name()))) {
                        others.add(device.name() + " (" + device.hctl() + ")");
                    }
                }
            }
            return others;
        }
    }

    private static List<IscsiTarget> distinctTargets(List<IscsiTarget> targets) {
        Map<String, IscsiTarget> byKey = new LinkedHashMap<>();
        targets.forEach(target -> byKey.putIfAbsent(lockKey(target.portal(), target.iqn()), target));
        return List.copyOf(byKey.values());
    }

    // ------------------------------------------------------------------------------------------------- extend

    @Override
    public long extend(ConnectionProperties properties) {
        IscsiVolume volume = IscsiVolume.parse(properties, config.useMultipath(), defaultIface);
        Deadline deadline = Deadline.after(config.extendTimeout(), clock);
        List<IscsiTarget> targets = targetsForDisconnect(volume, volume.expectedWwid());
        // the disconnect's locks: a disconnect of the same target must not remove the paths (or log out the
        // session) between this extend's finding the devices and its rescanning them and resizing the map
        try (HeldLocks held = lock(targets, deadline)) {
            return resize.extend(volumeDevices(volume, targets, volume.expectedWwid()), deadline);
        }
    }

    // ---------------------------------------------------------------------------------------- paths, properties

    @Override
    public List<DevicePath> volumePaths(ConnectionProperties properties) {
        IscsiVolume volume = IscsiVolume.parse(properties, config.useMultipath(), defaultIface);
        List<DevicePath> paths = new ArrayList<>();
        for (IscsiTarget target : distinctTargets(targetsForDisconnect(volume, volume.expectedWwid()))) {
            boolean present = sessionsTo(target.portal(), target.iqn()).stream()
                    .anyMatch(session -> topology.sessionDevice(session.sessionId(), target.lun()).isPresent());
            if (present) {
                paths.add(DevicePath.of("/dev/disk/by-path/ip-" + target.portal().byPathForm() + "-iscsi-"
                        + target.iqn().value() + "-lun-" + target.lun().byPathForm()));
            }
        }
        return List.copyOf(paths);
    }

    @Override
    public Map<String, Object> connectorProperties() {
        Map<String, Object> properties = new LinkedHashMap<>();
        host.iscsiInitiatorName().ifPresentOrElse(iqn -> properties.put("initiator", iqn.value()),
                () -> log.warn("Could not find the iSCSI Initiator File: no initiator name for this host"));
        Deadline deadline = Deadline.after(Duration.ofSeconds(10), clock);
        properties.put("multipath", config.useMultipath() && assembly.multipathdRunning(deadline));
        host.hostName().ifPresent(name -> properties.put("host", name));
        return java.util.Collections.unmodifiableMap(properties);
    }

    // ---------------------------------------------------------------------------------------------- helpers

    /**
     * The targets a disconnect (or extend, or a path listing) looks at: the volume's targets; for a multipath volume
     * whose targets came from discovery, also every session to the same IQN (the shared-IQN case) and, when the WWID
     * is known, every session whose device at the LUN has that WWID (arrays with one IQN per portal). No discovery
     * runs: a disconnect must work while the portal is down.
     */
    private List<IscsiTarget> targetsForDisconnect(IscsiVolume volume, Optional<Wwid> wwid) {
        List<IscsiTarget> targets = new ArrayList<>(volume.targets());
        if (!volume.needsDiscovery() || volume.discoveryLuns().size() != 1) {
            return List.copyOf(targets);
        }
        io.brick.core.model.Lun lun = volume.discoveryLuns().get(0);
        Iqn main = volume.seed().iqn();
        for (IscsiSession session : topology.iscsiSessions()) {
            Optional<Portal> portal = session.persistentPortal().or(session::currentPortal);
            if (portal.isEmpty()) {
                continue;
            }
            boolean sameIqn = session.targetName().matches(main);
            boolean sameWwid = wwid.isPresent() && topology.sessionDevice(session.sessionId(), lun)
                    .flatMap(BlockDevice::wwid).map(wwid.get()::equals).orElse(false);
            if (sameIqn || sameWwid) {
                targets.add(new IscsiTarget(portal.get(), session.targetName(), lun));
            }
        }
        return distinctTargets(targets);
    }

    /** How the volume is named in messages: its id and its first target. */
    private static String describe(IscsiVolume volume) {
        IscsiTarget first = volume.seed();
        return volume.volumeId().map(id -> "volume " + id + " (").orElse("(") + first.iqn().value() + " LUN "
                + first.lun() + ")";
    }

    /** The iface sendtargets runs through: {@code iser} for iSER, else {@code default} (as os-brick does). */
    private static String discoveryIface(IscsiVolume volume) {
        return volume.iface().equals(IscsiVolume.ISER_IFACE) ? IscsiVolume.ISER_IFACE : IscsiVolume.DEFAULT_IFACE;
    }

    /** The transport sessions of this iface show in sysfs: {@code tcp}, {@code iser}, or the offload driver. */
    private static String transport(IscsiVolume volume) {
        String iface = volume.iface();
        if (iface.equals(IscsiVolume.DEFAULT_IFACE)) {
            return "tcp";
        }
        int dot = iface.indexOf('.');
        return dot > 0 ? iface.substring(0, dot) : iface;
    }

    /** Sessions to that portal and target (portals compare case-insensitively), logged in or not. */
    private List<IscsiSession> sessionsTo(Portal portal, Iqn iqn) {
        return topology.iscsiSessions(iqn).stream().filter(session -> session.connects(portal, iqn)).toList();
    }

    private Optional<IscsiSession> findSession(Portal portal, Iqn iqn, String transport) {
        return sessionsTo(portal, iqn).stream()
                .filter(session -> session.transport().equals(transport))
                .filter(IscsiSession::loggedIn)
                .findFirst();
    }

    /**
     * The lock of one (portal, IQN): held by a connect's portal worker from its login (or its reuse of the session)
     * until its LUN's device is there, and by a whole disconnect (so that no device of that target is made, and no
     * kernel name reused, between its finding its devices and its deciding what to log out).
     */
    static String lockKey(Portal portal, Iqn iqn) {
        return "iscsi-" + portal + "-" + iqn.value().toLowerCase(java.util.Locale.ROOT);
    }

    private static Map<String, String> orderedSettings() {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("node.session.scan", "manual");
        settings.put("node.startup", "automatic");
        return java.util.Collections.unmodifiableMap(settings);
    }

    private static ThreadFactory daemonThreads() {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, "brick-iscsi-portal-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    @Override
    public void close() {
        workers.shutdownNow();
    }
}
