package io.brick.iscsi;

import io.brick.core.error.BrickException;
import io.brick.core.error.OperationInterruptedException;
import io.brick.core.event.BrickEvent;
import io.brick.core.event.EventPublisher;
import io.brick.core.event.EventType;
import io.brick.core.model.BlockDevice;
import io.brick.core.model.Hctl;
import io.brick.iscsi.SessionManager.Node;
import io.brick.core.time.Clock;
import io.brick.core.time.Deadline;
import io.brick.core.volume.ErrorCollector;
import io.brick.core.volume.ParallelSteps;
import io.brick.core.volume.TransportCleanup;
import io.brick.core.volume.VolumeDevices;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.stream.Collectors;

import static java.util.Objects.requireNonNull;

/**
 * The iSCSI part of a disconnect, after the volume's devices are gone: a session that now carries no other LUN is
 * logged out and its node record deleted; a target without session has its node record deleted. Only the sessions
 * over the volume's iface count (every one of them, a leftover second session too: the logout of the node ends them
 * all); another iface's session to the same portal and target is never logged out. Decided on the sessions as they
 * are when it runs (or is planned, just before it runs), with the targets' locks held; the sessions' devices are read
 * again when it runs.
 */
final class IscsiCleanup implements TransportCleanup {
    private static final Logger log = LoggerFactory.getLogger(IscsiCleanup.class);
    /** How many of the other devices that keep a session the plan names. */
    private static final int PLAN_NAMES = 3;

    private final IscsiHost host;
    private final SessionManager sessions;
    private final EventPublisher events;
    private final Clock clock;
    private final Executor workers;
    private final List<IscsiTarget> targets;
    private final Map<String, Hctl> volumeDevices;
    private final String iface;
    private final Optional<String> transport;
    /** The sessions {@link #plan} read, for the {@link #run} that follows it (once). */
    private Map<IscsiTarget, List<IscsiSession>> planned;

    /**
     * @param volumeDevices the volume's devices by kernel name and address: a name alone is not enough, since once a
     *                      device is removed the kernel gives its name to the next device made, possibly another LUN's
     *                      on the same session
     */
    IscsiCleanup(IscsiAttachment.Context context, List<IscsiTarget> targets, Map<String, Hctl> volumeDevices, String iface,
                 Optional<String> transport) {
        requireNonNull(context, "context is null");
        this.host = context.host();
        this.sessions = context.sessions();
        this.events = context.events();
        this.clock = context.clock();
        this.workers = context.workers();
        this.targets = IscsiHost.distinctTargets(targets);
        this.volumeDevices = Map.copyOf(volumeDevices);
        this.iface = requireNonNull(iface, "iface is null");
        this.transport = requireNonNull(transport, "transport is null");
    }

    /** The volume's paths by kernel name and address. */
    static Map<String, Hctl> names(VolumeDevices devices) {
        return devices.paths().stream().collect(Collectors.toUnmodifiableMap(BlockDevice::name, BlockDevice::hctl,
                (first, second) -> first));
    }

    /**
     * The sessions to the target that are brick's to log out ({@link IscsiHost#ours}). A session of another iface to
     * the same portal and target is left alone (the volume's devices in it were removed with the others); an iSER
     * session that carries another volume is not counted as a tcp volume's (which would keep the tcp session from its
     * logout).
     */
    private List<IscsiSession> ours(IscsiTarget target, List<IscsiSession> toTarget) {
        List<IscsiSession> ours = toTarget.stream().filter(this::isOurs).toList();
        if (ours.size() < toTarget.size()) {
            log.debug("sessions {} to {} are over another iface or transport than {}: not brick's to log out",
                    toTarget.stream().filter(session -> !isOurs(session)).map(IscsiSession::sessionId).toList(),
                    target, iface);
        }
        return ours;
    }

    private boolean isOurs(IscsiSession session) {
        return IscsiHost.ours(session, iface, transport);
    }

    @Override
    public List<String> plan() {
        List<String> steps = new ArrayList<>();
        Map<IscsiTarget, List<IscsiSession>> byTarget = host.sessionsTo(targets);
        // the disconnect runs the cleanup right after planning it, under the same locks: the run acts on this read
        planned = byTarget;
        for (IscsiTarget target : targets) {
            List<IscsiSession> toTarget = ours(target, byTarget.get(target));
            // a few named, not every LUN of a session of hundreds read for a line of text
            List<String> others = otherDevices(toTarget, PLAN_NAMES + 1);
            if (toTarget.isEmpty()) {
                steps.add("delete node " + target.portal() + " " + target.iqn() + " (no session)");
            } else if (others.isEmpty()) {
                steps.add("logout " + target.portal() + " " + target.iqn() + " and delete its node");
            } else {
                steps.add("keep session to " + target.portal() + " " + target.iqn() + ": it carries "
                        + String.join(", ", others.subList(0, Math.min(others.size(), PLAN_NAMES)))
                        + (others.size() > PLAN_NAMES ? " and more" : ""));
            }
        }
        return steps;
    }

    @Override
    public void run(ErrorCollector errors, Deadline deadline) {
        // read once for every target (a logout ends only its own target's session, which no other target lists), or
        // taken from the plan just made: under emulation each read of the sessions is a few hundred ms
        Map<IscsiTarget, List<IscsiSession>> byTarget = planned != null ? planned : host.sessionsTo(targets);
        planned = null;
        List<IscsiTarget> ending = new ArrayList<>();
        List<Runnable> logouts = new ArrayList<>();
        Set<IscsiTarget> loggedOut = ConcurrentHashMap.newKeySet();
        for (IscsiTarget target : targets) {
            List<IscsiSession> toTarget = ours(target, byTarget.get(target));
            // one other device is enough to keep the session: not every LUN of a session of hundreds is read
            List<String> others = otherDevices(toTarget, 1);
            if (!others.isEmpty()) {
                log.debug("keeping the session to {}: it carries {}", target, others);
                continue;
            }
            ending.add(target);
            logouts.add(() -> {
                if (toTarget.isEmpty() || logout(target, errors, deadline)) {
                    loggedOut.add(target);
                }
            });
        }
        // the logouts at once: each waits for its own session's teardown, and one target's does not depend on
        // another's. Each is run to its end even when another fails (os-brick stops at the first failure without
        // force, leaving the other targets' sessions behind); the first failure in the targets' order is raised once
        // the node records of the targets logged out are deleted
        BrickException failed = null;
        try {
            ParallelSteps.run(logouts, workers, deadline, "the logouts of " + ending);
        } catch (OperationInterruptedException interrupted) {
            throw interrupted;
        } catch (BrickException failure) {
            failed = failure;
        }
        // the node records one after another: open-iscsi's node database takes one change at a time (two deletions
        // at once fail with "iface iter could not stat" on the other portal's record: the kernel lane met it)
        for (IscsiTarget target : ending) {
            if (loggedOut.contains(target)) {
                Node node = new Node(target.iqn(), target.portal(), iface);
                try {
                    errors.attempt(() -> sessions.deleteNode(node, deadline));
                } catch (BrickException deletion) {
                    if (failed == null || deletion instanceof OperationInterruptedException) {
                        throw deletion;
                    }
                    failed.addSuppressed(deletion);
                }
            }
        }
        if (failed != null) {
            throw failed;
        }
    }

    /** Logs out of the target's session of ours; whether it was logged out (false: a failure, collected). */
    private boolean logout(IscsiTarget target, ErrorCollector errors, Deadline deadline) {
        Node node = new Node(target.iqn(), target.portal(), iface);
        return errors.attempt(() -> {
            long start = clock.nanoTime();
            sessions.logout(node, deadline);
            events.deliver(new BrickEvent(EventType.LOGOUT, clock.instant(), target.portal().toString(),
                    Optional.of(Duration.ofNanos(clock.nanoTime() - start)), Map.of("target", target.iqn().value())));
        });
    }

    /**
     * Devices of other LUNs (or other volumes) in the sessions, ours excluded, at most {@code limit}: ours by name and
     * address, so that a device another LUN's connect made under a name one of ours had is never taken for ours.
     */
    private List<String> otherDevices(List<IscsiSession> toTarget, int limit) {
        List<String> others = new ArrayList<>();
        for (IscsiSession session : toTarget) {
            if (others.size() >= limit) {
                break;
            }
            for (BlockDevice device : host.sessions().devices(session.sessionId(),
                    each -> !each.hctl().equals(volumeDevices.get(each.name())), limit - others.size())) {
                others.add(device.name() + " (" + device.hctl() + ")");
            }
        }
        return others;
    }
}
