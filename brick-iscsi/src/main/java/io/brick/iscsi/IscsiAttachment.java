package io.brick.iscsi;

import io.brick.core.connector.ConnectorConfig;
import io.brick.core.error.BrickException;
import io.brick.core.error.DeviceNotFoundException;
import io.brick.core.error.LoginFailedException;
import io.brick.core.error.UnsafePathException;
import io.brick.core.event.EventPublisher;
import io.brick.core.lock.LockManager;
import io.brick.core.model.BlockDevice;
import io.brick.core.port.ScsiScanner;
import io.brick.iscsi.SessionManager.Node;
import io.brick.core.time.Clock;
import io.brick.core.time.Deadline;
import io.brick.core.time.Poll;
import io.brick.core.time.Sleeper;
import io.brick.core.transport.AttachRequest;
import io.brick.core.transport.Attachment;
import io.brick.core.transport.Candidate;
import io.brick.core.transport.Progress;
import io.brick.core.volume.ErrorCollector;
import io.brick.core.volume.TransportCleanup;
import io.brick.core.volume.VolumeDevices;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;

import static java.util.Objects.requireNonNull;

/**
 * One iSCSI connect's logins and scans, portal by portal: each portal's worker, under the (portal, IQN) lock (threads
 * and processes), reuses a logged-in session or creates the node record if missing, sets
 * {@code node.session.scan = manual}, {@code node.startup = automatic} and CHAP in one update, and logs in; then it
 * scans only this LUN ({@code C T L}, or {@code - - L} while the session has no target yet) and polls sysfs
 * ({@link Poll}) for the device, rescanning at 1, 2, 4, 8 ... s within {@link ConnectorConfig#deviceWait()}.
 *
 * <p><b>Multipath</b>: every portal's worker runs at once, on the transport's threads; the attachment is settled when
 * every worker has ended. Once the map exists, {@link #settle} lets every portal that has answered its login scan (a
 * worker waiting for its lock or between login and scan is waited for, since a process exiting then would leave that
 * session logged in with the LUN never scanned); it does not wait for portals still in their login.
 *
 * <p><b>Single path</b>: the targets are tried in order, each within {@link #progress()}; a target that yields no
 * device, or one that is not the volume's, is cleaned up (logged out only if no other LUN uses its session) before
 * the next, so a single-path attach never ends up multipathed.
 */
final class IscsiAttachment implements Attachment {
    private static final Logger log = LoggerFactory.getLogger(IscsiAttachment.class);

    /** What the attachment needs of its transport. */
    record Context(IscsiHost host, SessionManager sessions, ScsiScanner scanner, LockManager locks,
                   EventPublisher events, Clock clock, Sleeper sleeper, Executor workers) {
        Context {
            requireNonNull(host, "host is null");
            requireNonNull(sessions, "sessions is null");
            requireNonNull(scanner, "scanner is null");
            requireNonNull(locks, "locks is null");
            requireNonNull(events, "events is null");
            requireNonNull(clock, "clock is null");
            requireNonNull(sleeper, "sleeper is null");
            requireNonNull(workers, "workers is null");
        }
    }

    private final Context context;
    private final IscsiVolume volume;
    private final List<IscsiTarget> targets;
    private final Deadline deadline;
    private final boolean multipath;
    private final ConnectorConfig config;
    private final List<IscsiPortalWorker> started = new CopyOnWriteArrayList<>();
    /** Single-path targets already cleaned up: a failed connect's cleanup leaves them alone. */
    private final Set<IscsiTarget> cleaned = ConcurrentHashMap.newKeySet();
    private volatile boolean stopped;
    private Optional<Set<Node>> knownNodes = Optional.empty();
    private int next;

    IscsiAttachment(Context context, IscsiVolume volume, List<IscsiTarget> targets, AttachRequest request) {
        this.context = requireNonNull(context, "context is null");
        this.volume = requireNonNull(volume, "volume is null");
        this.targets = List.copyOf(targets);
        this.deadline = request.deadline();
        this.multipath = request.multipath();
        this.config = request.config();
    }

    // ------------------------------------------------------------------------------------ what may be left

    private List<IscsiTarget> left() {
        return targets.stream().filter(target -> !cleaned.contains(target)).toList();
    }

    @Override
    public boolean locksPerPath() {
        return true;
    }

    @Override
    public List<String> lockKeys() {
        return IscsiHost.lockKeys(left());
    }

    @Override
    public List<BlockDevice> devices() {
        return context.host().devicesAt(left());
    }

    @Override
    public TransportCleanup cleanup(VolumeDevices devices) {
        return new IscsiCleanup(context, left(), IscsiCleanup.names(devices), volume.iface(), volume.sessionTransport());
    }

    // ------------------------------------------------------------------------------------------- progress

    @Override
    public Progress progress() {
        return multipath ? allPortals() : nextTarget();
    }

    private Progress allPortals() {
        if (started.isEmpty()) {
            for (IscsiTarget target : targets) {
                IscsiPortalWorker worker = worker(target);
                started.add(worker);
                context.workers().execute(worker);
            }
        }
        List<Candidate> candidates = new ArrayList<>();
        boolean allDone = true;
        for (IscsiPortalWorker worker : started) {
            worker.device().ifPresent(device -> candidates.add(worker.candidate(device)));
            allDone &= worker.done();
        }
        return new Progress(candidates, allDone, allDone, Optional.empty());
    }

    /** Single path: the current target's device, or the next target tried (within this call). */
    private Progress nextTarget() {
        while (true) {
            IscsiPortalWorker current = started.isEmpty() ? null : started.get(started.size() - 1);
            if (current != null && current.device().isPresent() && !current.refused()) {
                return new Progress(List.of(current.candidate(current.device().get())), true, false, Optional.empty());
            }
            if (current != null && !cleaned.contains(current.target())) {
                cleanUpTarget(current.target());
            }
            if (next >= targets.size() || stopped) {
                return new Progress(List.of(), true, true, Optional.empty());
            }
            IscsiPortalWorker worker = worker(targets.get(next++));
            started.add(worker);
            worker.run();
        }
    }

    /** Single path: the engine did not accept the current target's device; the next target is tried. */
    @Override
    public void notAccepted(List<BlockDevice> devices) {
        if (multipath || started.isEmpty()) {
            return;
        }
        IscsiPortalWorker current = started.get(started.size() - 1);
        current.device().filter(device -> devices.stream().anyMatch(other -> other.name().equals(device.name())))
                .ifPresent(device -> current.refuse());
    }

    /** After a single-path target gave no device of the volume: log out of it unless another LUN uses it. */
    private void cleanUpTarget(IscsiTarget target) {
        cleaned.add(target);
        Deadline cleanup = Deadline.after(config.disconnectTimeout(), context.clock());
        try (LockManager.Held held = context.locks().acquire(IscsiHost.lockKey(target.portal(), target.iqn()), cleanup)) {
            new IscsiCleanup(context, List.of(target), Map.of(), volume.iface(), volume.sessionTransport())
                    .run(new ErrorCollector(true), cleanup);
        } catch (BrickException e) {
            log.warn("could not clean up {} after it gave no device: {}", target, e.getMessage());
        }
    }

    /**
     * Waits (bounded) until every portal has given what it is going to give soon: its worker has ended, found its
     * device, or scanned twice without it; or is still in its login command (an unanswering portal is never
     * waited for). A worker waiting for its (portal, IQN) lock, held by another connect of the same target, or
     * between its login and its scan is waited for: were the connect to return then, a process that exits right
     * after (the CLI) would leave that session logged in with the LUN never scanned, a path lost for good.
     */
    @Override
    public void settle(Deadline wait) {
        Poll poll = Poll.within(wait);
        while (true) {
            List<IscsiPortalWorker> pending = started.stream().filter(worker -> !worker.settled()).toList();
            if (pending.isEmpty()) {
                List<String> loggingIn = started.stream().filter(IscsiPortalWorker::loggingIn)
                        .map(worker -> worker.target().portal().toString()).toList();
                if (!loggingIn.isEmpty()) {
                    log.info("{}: returning before portal(s) {} answered their login; their paths join the map "
                            + "if they come while this process runs", volume.description(), loggingIn);
                }
                return;
            }
            if (wait.expired()) {
                log.warn("{}: portal(s) {} gave no device within the map wait ({} ms); returning the map without "
                        + "them", volume.description(), pending.stream().map(worker -> worker.target().portal().toString())
                        .toList(), config.mapWait().toMillis());
                return;
            }
            context.sleeper().sleep(poll.next());
        }
    }

    /**
     * Stops the workers; does not wait for them. What keeps a stopped connect from leaving anything is the (portal,
     * IQN) lock: a worker holds it from before its login until it has ended, the failed connect's cleanup takes every
     * portal's lock before it reads what is there, and a worker that gets its lock only after the cleanup finds itself
     * stopped before any node command or login ({@link IscsiPortalWorker}). A worker rescanning for its LUN, or
     * waiting for a session to recover, ends at its next look.
     */
    @Override
    public void stop() {
        stopped = true;
    }

    /**
     * Nothing was found: a refused host file is the operator's to fix, whatever else the portals saw; when every
     * portal failed at login, that is a login failure (a wrong CHAP secret, a target that is gone), not a missing
     * device; otherwise the device did not appear.
     */
    @Override
    public BrickException notFound() {
        Optional<UnsafePathException> unsafe = started.stream().map(IscsiPortalWorker::unsafe).flatMap(Optional::stream)
                .findFirst();
        if (unsafe.isPresent()) {
            return unsafe.get();
        }
        List<String> failures = started.stream().map(IscsiPortalWorker::outcome).toList();
        List<LoginFailedException> logins = started.stream().map(IscsiPortalWorker::loginFailure)
                .flatMap(Optional::stream).toList();
        if (!logins.isEmpty() && logins.size() == started.size()) {
            return loginFailedEverywhere(logins, failures);
        }
        Map<String, String> evidence = new LinkedHashMap<>();
        evidence.put("volume", volume.description());
        evidence.put("portals", String.join("; ", failures));
        return new DeviceNotFoundException("no device of " + volume.description() + " appeared on any portal: "
                + String.join("; ", failures), evidence);
    }

    private LoginFailedException loginFailedEverywhere(List<LoginFailedException> logins, List<String> failures) {
        Set<String> reasons = new LinkedHashSet<>();
        logins.forEach(login -> reasons.add(login.reason()));
        String reason = reasons.size() == 1 ? reasons.iterator().next() : "other";
        Map<String, String> evidence = new LinkedHashMap<>(logins.get(0).evidence());
        evidence.remove("portal");
        evidence.put("volume", volume.description());
        evidence.put("reason", reason);
        evidence.put("portals", String.join("; ", failures));
        boolean retriable = logins.stream().anyMatch(LoginFailedException::retriable);
        return new LoginFailedException("login failed on every portal of " + volume.description() + " (" + reason
                + "): " + String.join("; ", failures), reason, retriable, evidence, logins.get(0));
    }

    private IscsiPortalWorker worker(IscsiTarget target) {
        return new IscsiPortalWorker(context, volume, target, deadline, config, this::nodeExists, () -> stopped);
    }

    /**
     * Node records open-iscsi has, listed once per connect and only if a login is needed. A record is one per (iface,
     * target, portal): another iface's record of the same target and portal is not the volume's (issue 18, item 3),
     * and the {@code default} (tcp) record is not the {@code iser} one, whose update would find no record.
     */
    private synchronized boolean nodeExists(Node node) {
        if (knownNodes.isEmpty()) {
            knownNodes = Optional.of(Set.copyOf(context.sessions().nodes(deadline)));
        }
        return knownNodes.get().stream().anyMatch(known -> known.sameRecord(node.target(), node.portal())
                && known.iface().equals(node.iface()));
    }
}
