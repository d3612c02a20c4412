package io.brick.core.port;

import io.brick.core.model.Wwid;

import java.util.Set;

/**
 * The WWIDs brick's connects added to multipath's wwids file (not listed there when the connect began, listed once
 * its map formed: by brick's {@code multipath -a} or by multipathd, which remembers every WWID it makes a map of), kept
 * on the host across processes and reboots (issue 18, item 5): brick removes a WWID from that file
 * ({@code multipath -w}) only when it has a record of adding it, so a WWID the operator or another tool put there
 * stays. ({@code multipath -a} cannot tell: 0.9.4 says {@code added} whether or not the WWID was listed.) One small file per WWID in
 * brick's state directory ({@code /var/lib/brick/wwids} under the host root), written by the rules for root's files
 * (DESIGN promise 8). Every method may raise a {@link io.brick.core.error.BrickException} when the directory or a record
 * is unsafe or cannot be read or written.
 */
public interface WwidRecords {
    /** Records durably that brick added this WWID (the record is on disk when this returns). */
    void record(Wwid wwid);

    /** Whether brick has a record of adding this WWID. */
    boolean recorded(Wwid wwid);

    /** Drops the record, if any. */
    void drop(Wwid wwid);

    /**
     * The WWIDs multipath's wwids file ({@code /etc/multipath/wwids} under the host root) lists now: its
     * {@code /WWID/} lines (a line {@code multipath -w} commented out does not count, nor a line that holds no WWID);
     * empty when there is no such file. Read once per connect, before anything is attached.
     */
    Set<Wwid> listed();
}
