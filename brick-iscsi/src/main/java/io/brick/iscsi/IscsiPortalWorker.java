package io.brick.iscsi;

import io.brick.core.connector.ConnectorConfig;
import io.brick.core.error.BrickException;
import io.brick.core.error.LoginFailedException;
import io.brick.core.error.OperationInterruptedException;
import io.brick.core.error.UnsafePathException;
import io.brick.core.event.EventPublisher;
import io.brick.core.event.EventType;
import io.brick.core.lock.LockManager;
import io.brick.core.model.BlockDevice;
import io.brick.core.model.ScsiTarget;
import io.brick.core.model.Wwid;
import io.brick.iscsi.SessionManager.Node;
import io.brick.core.time.Clock;
import io.brick.core.time.Deadline;
import io.brick.core.time.Poll;
import io.brick.core.transport.Candidate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

import static java.util.Objects.requireNonNull;

/**
 * One portal of an iSCSI connect ({@link IscsiAttachment}): under the (portal, IQN) lock, reuse a logged-in session or
 * create the node record if missing, set {@code node.session.scan = manual}, {@code node.startup = automatic} and CHAP
 * in one update, and log in; then scan only the LUN ({@code C T L}, or {@code - - L} while the session has no target
 * yet) and poll sysfs ({@link Poll}) for its device, rescanning at 1, 2, 4, 8 ... s within the device wait.
 *
 * <p>A session to the target that exists but is not logged in ({@code FAILED} after a target reboot, {@code FREE}
 * while iscsid logs it in) is waited for, within the device wait and the connect's budget, and never logged in over
 * (iscsiadm would answer "session exists"): its LUN is scanned and its device returned only once it is
 * {@code LOGGED_IN} again, so no device of a session that cannot carry I/O is ever returned.
 */
final class IscsiPortalWorker implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(IscsiPortalWorker.class);

    private static final Duration FIRST_RESCAN = Duration.ofSeconds(1);
    private static final Duration SESSION_APPEARS = Duration.ofSeconds(10);
    private static final Map<String, String> NODE_SETTINGS = nodeSettings();

    private final IscsiAttachment.Context context;
    private final IscsiVolume volume;
    private final IscsiTarget target;
    private final Deadline deadline;
    private final ConnectorConfig config;
    private final Predicate<Node> nodeExists;
    private final BooleanSupplier stopped;

    private volatile Optional<BlockDevice> device = Optional.empty();
    private volatile boolean fresh;
    private volatile Optional<String> failure = Optional.empty();
    private volatile Optional<LoginFailedException> loginFailure = Optional.empty();
    private volatile Optional<UnsafePathException> unsafe = Optional.empty();
    private volatile boolean done;
    private volatile boolean loggingIn;
    private volatile boolean recovering;
    private volatile int scans;
    /** Single path: the engine did not accept its device. */
    private volatile boolean refused;

    IscsiPortalWorker(IscsiAttachment.Context context, IscsiVolume volume, IscsiTarget target, Deadline deadline,
                      ConnectorConfig config, Predicate<Node> nodeExists, BooleanSupplier stopped) {
        this.context = requireNonNull(context, "context is null");
        this.volume = requireNonNull(volume, "volume is null");
        this.target = requireNonNull(target, "target is null");
        this.deadline = requireNonNull(deadline, "deadline is null");
        this.config = requireNonNull(config, "config is null");
        this.nodeExists = requireNonNull(nodeExists, "nodeExists is null");
        this.stopped = requireNonNull(stopped, "stopped is null");
    }

    IscsiTarget target() {
        return target;
    }

    Optional<UnsafePathException> unsafe() {
        return unsafe;
    }

    Optional<LoginFailedException> loginFailure() {
        return loginFailure;
    }

    /** In the login command now, or waiting for a failed session to recover: the portal has not answered yet. */
    boolean loggingIn() {
        return loggingIn || recovering;
    }

    /** Single path: whether the engine did not accept its device. */
    boolean refused() {
        return refused;
    }

    void refuse() {
        refused = true;
    }

    Optional<BlockDevice> device() {
        return device;
    }

    boolean done() {
        return done;
    }

    Candidate candidate(BlockDevice found) {
        return new Candidate(found, fresh, Map.of("portal", target.portal().toString()));
    }

    /** What this portal gave, for an error's message. */
    String outcome() {
        if (refused && device.isPresent()) {
            return target + ": " + device.get().name() + " is not the volume (WWID "
                    + device.get().wwid().map(Wwid::value).orElse("none") + ")";
        }
        return target + ": " + failure.orElse("no device");
    }

    /** Ended, found its device, scanned twice without finding it, or waiting on its login (see settle). */
    boolean settled() {
        return done || loggingIn() || device.isPresent() || scans >= 2;
    }

    @Override
    public void run() {
        try (LockManager.Held held = context.locks().acquire(IscsiHost.lockKey(target.portal(), target.iqn()),
                deadline)) {
            Optional<IscsiSession> session = loggedIn();
            if (session.isEmpty()) {
                failure = Optional.of("stopped (the connect failed) before its session was up");
                return;
            }
            device = awaitDevice(session.get());
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
            failed(e);
        } catch (UnsafePathException e) {
            unsafe = Optional.of(e);
            failed(e);
        } catch (BrickException e) {
            failed(e);
        } finally {
            done = true;
        }
    }

    private void failed(BrickException e) {
        failure = Optional.of(e.getMessage());
        log.warn("Failed to connect to iSCSI portal {}: {}", target.portal(), e.getMessage());
    }

    /**
     * The session to the target: reused, recovered or logged in; empty when stopped before a login (no node command
     * runs then) or while the session was recovering. A session waited for that goes away (iscsid gave up, or it was
     * logged out) is replaced by a fresh login: looked for again from the start.
     */
    private Optional<IscsiSession> loggedIn() {
        while (true) {
            Optional<IscsiSession> existing = context.host().loggedIn(target.portal(), target.iqn(), volume.iface(),
                    volume.sessionTransport());
            if (existing.isPresent()) {
                log.debug("using session {} to {}", existing.get().sessionId(), target);
                return existing;
            }
            Optional<IscsiSession> down = context.host().recovering(target.portal(), target.iqn(), volume.iface(),
                    volume.sessionTransport());
            if (down.isEmpty()) {
                if (stopped.getAsBoolean()) {
                    // the connect failed while this worker waited for its lock: its cleanup may have run already, and
                    // nothing would log out a session (or delete a node record) made now. The lock is held: this check
                    // is the last word
                    return Optional.empty();
                }
                logIn();
            } else {
                awaitRecovery(down.get());
                if (stopped.getAsBoolean()) {
                    return Optional.empty();
                }
            }
            // looked for again: only a logged-in session of the volume's kind to this portal and target is ever used
        }
    }

    /**
     * Makes the node record if missing, sets it and logs in; returns once sysfs shows the session, logged in or (one
     * went down between our look and the login: "session exists") not.
     */
    private void logIn() {
        Node node = new Node(target.iqn(), target.portal(), volume.iface());
        if (!nodeExists.test(node)) {
            context.sessions().createNode(node, deadline);
        }
        context.sessions().updateNode(node, NODE_SETTINGS, volume.chap(), deadline);
        EventPublisher.Phase login = context.events().started(EventType.LOGIN_STARTED, target.portal().toString(),
                Map.of("target", target.iqn().value()));
        loggingIn = true;
        try {
            context.sessions().login(node, deadline);
        } catch (BrickException e) {
            login.failed(EventType.LOGIN_FAILED, e, Map.of("target", target.iqn().value()));
            throw e;
        } finally {
            loggingIn = false;
        }
        Deadline appears = deadline.sub(SESSION_APPEARS);
        Poll poll = Poll.within(appears);
        while (true) {
            Optional<IscsiSession> session = context.host().loggedIn(target.portal(), target.iqn(), volume.iface(),
                    volume.sessionTransport());
            if (session.isPresent()) {
                login.finished(EventType.LOGIN_FINISHED, Map.of("target", target.iqn().value(),
                        "session", Integer.toString(session.get().sessionId())));
                return;
            }
            if (context.host().recovering(target.portal(), target.iqn(), volume.iface(), volume.sessionTransport())
                    .isPresent()) {
                return;
            }
            appears.check("the session to " + target + " in sysfs after a successful login", Map.of());
            context.sleeper().sleep(poll.next());
        }
    }

    /**
     * Waits for a session that is not logged in to be {@code LOGGED_IN} again, within the device wait and the
     * connect's budget. Logging in again is not an option: iscsiadm refuses while the session exists, and logging it
     * out would take away the paths of every other volume on it.
     *
     * Returns when it is logged in again, when it went away (a fresh login is then the way) or when the connect was
     * stopped; the caller looks for the session again.
     *
     * @throws LoginFailedException when it does not recover in time, naming the session and its state
     */
    private void awaitRecovery(IscsiSession down) {
        Deadline wait = deadline.sub(config.deviceWait());
        long waitSeconds = Math.round(wait.remaining().toMillis() / 1000.0);
        log.info("iSCSI session {} to {} is {}: waiting up to {} s for the kernel to recover it", down.sessionId(),
                target, down.state(), waitSeconds);
        Poll poll = Poll.within(wait);
        recovering = true;
        try {
            while (!stopped.getAsBoolean()) {
                // one session's files a look, not every session's: the wait may be long
                Optional<IscsiSession> still = context.host().sessions().session(down.sessionId())
                        .filter(session -> session.connects(target.portal(), target.iqn()));
                if (still.isPresent() && still.get().loggedIn()) {
                    log.info("iSCSI session {} to {} recovered", down.sessionId(), target);
                    return;
                }
                if (still.isEmpty()) {
                    log.info("iSCSI session {} to {} is gone: logging in afresh", down.sessionId(), target);
                    return;
                }
                if (wait.expired()) {
                    throw new LoginFailedException("iSCSI session " + still.get().sessionId() + " to " + target
                            + " is " + still.get().state() + " (the kernel is reconnecting it) and did not recover within "
                            + waitSeconds + " s; brick does not log in over a session that exists",
                            "transport", true, Map.of("portal", target.portal().toString(),
                            "target", target.iqn().value(), "session", Integer.toString(still.get().sessionId()),
                            "state", still.get().state()), null);
                }
                context.sleeper().sleep(poll.next());
            }
        } finally {
            recovering = false;
        }
    }

    private Optional<BlockDevice> awaitDevice(IscsiSession session) {
        Optional<BlockDevice> existing = context.host().sessions().device(session.sessionId(), target.lun());
        if (existing.isPresent()) {
            return existing;
        }
        Deadline wait = deadline.sub(config.deviceWait());
        Clock clock = context.clock();
        Duration interval = FIRST_RESCAN;
        long nextScan = clock.nanoTime();
        int scanCount = 0;
        Poll poll = Poll.within(wait);
        while (!stopped.getAsBoolean()) {
            if (clock.nanoTime() - nextScan >= 0) {
                scan(session);
                scanCount++;
                nextScan = clock.nanoTime() + interval.toNanos();
                interval = interval.multipliedBy(2);
            }
            Optional<BlockDevice> found = context.host().sessions().device(session.sessionId(), target.lun());
            if (found.isPresent()) {
                fresh = true;
                return found;
            }
            scans = scanCount;
            if (wait.expired()) {
                return Optional.empty();
            }
            // never past the next rescan: the 1, 2, 4, 8 s schedule stays exact
            Duration untilScan = Duration.ofNanos(Math.max(0, nextScan - clock.nanoTime()));
            Duration sleep = poll.next();
            context.sleeper().sleep(sleep.compareTo(untilScan) < 0 ? sleep : untilScan);
        }
        return Optional.empty();
    }

    private void scan(IscsiSession session) {
        Optional<ScsiTarget> scsiTarget = context.host().sessions().target(session.sessionId());
        context.scanner().scan(session.hostNumber(),
                scsiTarget.map(t -> OptionalInt.of(t.channel())).orElse(OptionalInt.empty()),
                scsiTarget.map(t -> OptionalInt.of(t.target())).orElse(OptionalInt.empty()),
                target.lun());
        context.events().publish(EventType.SCAN, "host" + session.hostNumber(),
                Map.of("lun", target.lun().toString(), "target", scsiTarget.map(Object::toString).orElse("- -")));
    }

    private static Map<String, String> nodeSettings() {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("node.session.scan", "manual");
        settings.put("node.startup", "automatic");
        return Collections.unmodifiableMap(settings);
    }
}
