package io.brick.iscsi;

import io.brick.core.port.ToolText;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

import static java.util.Objects.requireNonNull;

/**
 * Reads {@code iscsiadm -m session}: one line per session,
 * {@code tcp: [1] 127.0.0.1:3260,1 iqn.2003-01.org.linux-iscsi.labvm:target1 (non-flash)}; the node type in
 * parentheses is missing in older versions, the tpgt may be {@code -1}, IPv6 portals are bracketed.
 *
 * <p>Give it the standard output only: with no sessions iscsiadm exits 21
 * ({@link IscsiExitCodes#NO_OBJS_FOUND}) and says {@code iscsiadm: No active sessions.} on standard error, leaving
 * standard output empty, which reads as no sessions. Deciding whether the exit code is acceptable is the caller's
 * job. Lines that are not a session are skipped (logged at DEBUG), never an exception.
 */
final class IscsiSessionListParser {
    private static final Logger log = LoggerFactory.getLogger(IscsiSessionListParser.class);

    /**
     * One session line.
     *
     * @param transport the transport name before the {@code :} ({@code tcp}, {@code iser}, ...)
     * @param sid the session id in brackets (N of {@code sessionN} in sysfs)
     * @param portal the portal and its tpgt
     * @param targetName the target's name as printed
     * @param flash whether the node type is {@code (flash)}; {@code false} for {@code (non-flash)} and when absent
     */
    record Session(String transport, int sid, TaggedPortal portal, String targetName, boolean flash) {
        Session {
            requireNonNull(transport, "transport is null");
            requireNonNull(portal, "portal is null");
            requireNonNull(targetName, "targetName is null");
        }

        /** The target's name as an iSCSI name, when it is a valid one. */
        Optional<Iqn> target() {
            return IscsiadmText.iscsiName(targetName);
        }
    }

    private IscsiSessionListParser() {
    }

    /** The sessions listed in {@code iscsiadm -m session}'s standard output, in order. */
    static List<Session> parse(String stdout) {
        List<Session> sessions = new ArrayList<>();
        for (String line : ToolText.lines(stdout)) {
            if (line.isBlank()) {
                continue;
            }
            Optional<Session> session = session(ToolText.fields(line));
            if (session.isPresent()) {
                sessions.add(session.get());
            } else {
                log.debug("iscsiadm -m session: skipping a line that is not a session: {}", line);
            }
        }
        return List.copyOf(sessions);
    }

    private static Optional<Session> session(String[] fields) {
        if (fields.length < 4 || fields.length > 5) {
            return Optional.empty();
        }
        String transport = fields[0];
        if (transport.length() < 2 || !transport.endsWith(":")) {
            return Optional.empty();
        }
        String bracketedSid = fields[1];
        if (bracketedSid.length() < 3 || !bracketedSid.startsWith("[") || !bracketedSid.endsWith("]")) {
            return Optional.empty();
        }
        OptionalInt sid = IscsiadmText.number(bracketedSid.substring(1, bracketedSid.length() - 1));
        Optional<TaggedPortal> portal = IscsiadmText.taggedPortal(fields[2]);
        if (sid.isEmpty() || portal.isEmpty()) {
            return Optional.empty();
        }
        boolean flash = false;
        if (fields.length == 5) {
            switch (fields[4]) {
                case "(flash)" -> flash = true;
                case "(non-flash)" -> flash = false;
                default -> {
                    return Optional.empty();
                }
            }
        }
        return Optional.of(new Session(transport.substring(0, transport.length() - 1), sid.getAsInt(), portal.get(),
                fields[3], flash));
    }
}
