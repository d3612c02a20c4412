package io.brick.iscsi;

import java.util.BitSet;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code targetname} of each iSCSI session id a reader has seen, for {@link IscsiSessionReader}: a lookup by target
 * asks of every session the host lists whether it is new (read it) or names the target, so both answers cost an
 * index into a bit set, with no name compared and nothing allocated per session.
 *
 * <p>Remembering is safe for the reader's life (one brick runtime, never longer than the host's boot): the kernel
 * gives every new session a new id ({@code iscsi_add_session}: {@code sid = atomic_add_return(1, &iscsi_session_nr)},
 * never reused until reboot) and a session keeps its target for its whole life (iscsid sets it at login, to the
 * node's name). Names compare as {@link Iqn#matches} does (ignoring case): by their lower-case forms when both are
 * ASCII (an IQN's characters), one by one otherwise, since a non-ASCII letter may fold onto an ASCII one.
 *
 * <p>Thread-safe: a lookup works on a copy taken at its start.
 */
final class SessionNames {
    private final Map<Integer, String> names = new HashMap<>();
    private final BitSet seen = new BitSet();
    private final Map<String, BitSet> idsByFolded = new HashMap<>();
    private int nonAscii;

    /** What one lookup by target knows of the sessions at its start. */
    interface Lookup {
        /** Whether the session's name is not remembered: the lookup reads it. */
        boolean unknown(int sessionId);

        /** Whether the remembered name of a known session is the target's. */
        boolean namesTarget(int sessionId);
    }

    /** Remembers a session's name (one the kernel has set). */
    synchronized void remember(int sessionId, String name) {
        String before = names.put(sessionId, name);
        if (before != null) {
            unindex(sessionId, before);
        }
        seen.set(sessionId);
        idsByFolded.computeIfAbsent(fold(name), folded -> new BitSet()).set(sessionId);
        if (!isAscii(name)) {
            nonAscii++;
        }
    }

    /** The remembered name of a session. */
    synchronized Optional<String> name(int sessionId) {
        return Optional.ofNullable(names.get(sessionId));
    }

    /** How many sessions are remembered. */
    synchronized int size() {
        return names.size();
    }

    /** Forgets every session not in {@code present}. */
    synchronized void retain(BitSet present) {
        BitSet gone = (BitSet) seen.clone();
        gone.andNot(present);
        for (int id = gone.nextSetBit(0); id >= 0; id = gone.nextSetBit(id + 1)) {
            String name = names.remove(id);
            seen.clear(id);
            if (name != null) {
                unindex(id, name);
            }
        }
    }

    /** A lookup of the sessions to {@code target}, on what is remembered now. */
    synchronized Lookup lookup(Iqn target) {
        BitSet known = (BitSet) seen.clone();
        if (nonAscii == 0 && isAscii(target.value())) {
            BitSet ofTarget = idsByFolded.get(fold(target.value()));
            BitSet mine = ofTarget == null ? new BitSet() : (BitSet) ofTarget.clone();
            return new Lookup() {
                @Override
                public boolean unknown(int sessionId) {
                    return !known.get(sessionId);
                }

                @Override
                public boolean namesTarget(int sessionId) {
                    return mine.get(sessionId);
                }
            };
        }
        Map<Integer, String> copy = Map.copyOf(names);
        return new Lookup() {
            @Override
            public boolean unknown(int sessionId) {
                return !known.get(sessionId);
            }

            @Override
            public boolean namesTarget(int sessionId) {
                String name = copy.get(sessionId);
                return name != null && name.equalsIgnoreCase(target.value());
            }
        };
    }

    private void unindex(int sessionId, String name) {
        String folded = fold(name);
        BitSet ids = idsByFolded.get(folded);
        if (ids != null) {
            ids.clear(sessionId);
            if (ids.isEmpty()) {
                idsByFolded.remove(folded);
            }
        }
        if (!isAscii(name)) {
            nonAscii--;
        }
    }

    private static String fold(String name) {
        return name.toLowerCase(Locale.ROOT);
    }

    private static boolean isAscii(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }
}
