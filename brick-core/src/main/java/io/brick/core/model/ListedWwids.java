package io.brick.core.model;

import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * What multipath's wwids file ({@code /etc/multipath/wwids}) listed at one moment: read before a connect attaches
 * anything, so that a WWID listed once the connect's map formed, and not in this reading, is one the connect added
 * (by brick's {@code multipath -a}, or by multipathd, which lists every WWID it makes a map of the moment it makes
 * it). A reading that could not be taken ({@link #unknown()}) lists every WWID, so brick never takes a WWID for one
 * it added when it cannot know.
 *
 * @param known whether the file was read (a missing file is read: it lists nothing)
 * @param wwids the WWIDs it listed; empty when not known
 */
public record ListedWwids(boolean known, Set<Wwid> wwids) {
    private static final ListedWwids UNKNOWN = new ListedWwids(false, Set.of());

    public ListedWwids {
        wwids = Set.copyOf(requireNonNull(wwids, "wwids is null"));
        if (!known && !wwids.isEmpty()) {
            throw new IllegalArgumentException("an unknown reading lists no WWIDs of its own");
        }
    }

    /** A reading of the file. */
    public static ListedWwids of(Set<Wwid> wwids) {
        return new ListedWwids(true, wwids);
    }

    /** No reading: every WWID counts as listed. */
    public static ListedWwids unknown() {
        return UNKNOWN;
    }

    /** Whether the WWID was listed (always, when the reading is not known). */
    public boolean listed(Wwid wwid) {
        requireNonNull(wwid, "wwid is null");
        return !known || wwids.contains(wwid);
    }
}
