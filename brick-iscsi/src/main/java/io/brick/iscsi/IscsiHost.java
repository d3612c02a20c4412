package io.brick.iscsi;

import io.brick.core.model.BlockDevice;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/** What brick-iscsi reads of the host's sessions, in one place for the transport, its attachments and its cleanup. */
final class IscsiHost {
    private final IscsiSessionReader sessions;

    IscsiHost(IscsiSessionReader sessions) {
        this.sessions = requireNonNull(sessions, "sessions is null");
    }

    /** The host's iSCSI sessions, read from sysfs. */
    IscsiSessionReader sessions() {
        return sessions;
    }

    /** Sessions to that portal and target (portals compare case-insensitively), logged in or not. */
    List<IscsiSession> sessionsTo(Portal portal, Iqn iqn) {
        return sessions.sessions(iqn).stream().filter(session -> session.connects(portal, iqn)).toList();
    }

    /**
     * The sessions to each of the targets, as {@link #sessionsTo(Portal, Iqn)} answers for one: the sessions are read
     * once per IQN, not per portal (the portals of a multipath volume share one), so a disconnect's cleanup reads
     * every session's {@code targetname} once, however many portals the volume has.
     */
    Map<IscsiTarget, List<IscsiSession>> sessionsTo(List<IscsiTarget> targets) {
        Map<Iqn, List<IscsiSession>> byIqn = new LinkedHashMap<>();
        Map<IscsiTarget, List<IscsiSession>> found = new LinkedHashMap<>();
        for (IscsiTarget target : targets) {
            List<IscsiSession> toIqn = byIqn.computeIfAbsent(target.iqn(), this.sessions::sessions);
            found.put(target, toIqn.stream().filter(session -> session.connects(target.portal(), target.iqn()))
                    .toList());
        }
        return found;
    }

    /**
     * The logged-in session to that portal and target over that iface and transport ({@link #ours}), if any; the
     * lowest-numbered when there are several (a leftover).
     */
    Optional<IscsiSession> loggedIn(Portal portal, Iqn iqn, String iface, Optional<String> transport) {
        return sessionsTo(portal, iqn).stream()
                .filter(session -> ours(session, iface, transport))
                .filter(IscsiSession::loggedIn)
                .min(Comparator.comparingInt(IscsiSession::sessionId));
    }

    /**
     * A session to that portal and target over that iface and transport ({@link #ours}) that exists but is not logged
     * in: {@code FAILED} (the kernel is reconnecting it, as after a target reboot) or {@code FREE} (iscsid is logging
     * it in). A login over it would be refused as "session exists"; its devices cannot carry I/O until it is
     * {@code LOGGED_IN} again.
     */
    Optional<IscsiSession> recovering(Portal portal, Iqn iqn, String iface, Optional<String> transport) {
        return sessionsTo(portal, iqn).stream()
                .filter(session -> ours(session, iface, transport))
                .filter(session -> !session.loggedIn())
                .findFirst();
    }

    /**
     * Whether a session is of the volume's kind, the one test a connect (to reuse or wait for it) and a cleanup (to
     * log it out) apply: over the volume's iface and, where the iface's name tells it
     * ({@link IscsiVolume#sessionTransport}), its transport. A session of another iface to the same portal and target
     * (issue 18, item 3) is not brick's: its node record, and so its login and logout, are the other iface's. Where
     * sysfs names no iface, the transport is what keeps an iSER session from being taken for a tcp volume's.
     */
    static boolean ours(IscsiSession session, String iface, Optional<String> transport) {
        return session.over(iface) && transport.map(session.transport()::equals).orElse(true);
    }

    /**
     * The devices at the targets' addresses now: each target's LUN in every session to its (portal, IQN). One read of
     * the sessions per IQN, not per portal: the portals of a multipath volume share one.
     */
    List<BlockDevice> devicesAt(List<IscsiTarget> targets) {
        List<BlockDevice> found = new ArrayList<>();
        Map<Iqn, List<IscsiSession>> byIqn = new LinkedHashMap<>();
        for (IscsiTarget target : targets) {
            for (IscsiSession session : byIqn.computeIfAbsent(target.iqn(), this.sessions::sessions)) {
                if (session.connects(target.portal(), target.iqn())) {
                    sessions.device(session.sessionId(), target.lun()).ifPresent(found::add);
                }
            }
        }
        return List.copyOf(found);
    }

    /**
     * The lock of one (portal, IQN): held by a connect's portal worker from its login (or its reuse of the session)
     * until its LUN's device is there, and by a whole disconnect (so that no device of that target is made, and no
     * kernel name reused, between its finding its devices and its deciding what to log out).
     */
    static String lockKey(Portal portal, Iqn iqn) {
        return "iscsi-" + portal + "-" + iqn.value().toLowerCase(Locale.ROOT);
    }

    static List<String> lockKeys(List<IscsiTarget> targets) {
        return targets.stream().map(target -> lockKey(target.portal(), target.iqn())).distinct().toList();
    }

    /** One target per (portal, IQN), the first given. */
    static List<IscsiTarget> distinctTargets(List<IscsiTarget> targets) {
        Map<String, IscsiTarget> byKey = new LinkedHashMap<>();
        targets.forEach(target -> byKey.putIfAbsent(lockKey(target.portal(), target.iqn()), target));
        return List.copyOf(byKey.values());
    }
}
