package io.brick.core.port;

import io.brick.core.model.DevicePath;
import io.brick.core.model.ListedWwids;
import io.brick.core.model.MultipathMap;
import io.brick.core.model.Wwid;
import io.brick.core.time.Deadline;

import java.util.Collection;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * dm-multipath through {@code multipathd} and {@code multipath}. It acts; map state (which map holds which paths,
 * its WWID, its size) is read from sysfs through {@link TopologyProvider}, and waiting for a map to form is
 * brick-core's {@code MultipathAssembly}. Every call is bounded by its deadline.
 */
public interface MultipathManager {
    /** Whether multipathd is running and answers ({@code multipathd show status}). */
    boolean available(Deadline deadline);

    /** What asking multipathd whether it runs told: a timeout is no answer, not "not running". */
    enum Availability {
        /** multipathd answered. */
        RUNNING,
        /** multipathd said it does not run, or cannot be asked (no tool). */
        NOT_RUNNING,
        /** Asked, and no answer came in time (a multipathd busy under load): it may well run. */
        NO_ANSWER
    }

    /**
     * Whether multipathd runs, telling no answer in time apart from "not running" ({@link #available} answers
     * {@code false} for both): a connect that wants a map waits for one when multipathd only did not answer.
     */
    default Availability availability(Deadline deadline) {
        return available(deadline) ? Availability.RUNNING : Availability.NOT_RUNNING;
    }

    /** Tells multipath the WWID may be multipathed ({@code multipath -a}, what {@code find_multipaths yes} needs). */
    void addWwid(Wwid wwid, Deadline deadline);

    /**
     * After a successful disconnect: removes the WWID from multipath's wwids file ({@code multipath -w}) when brick
     * added it (a {@link WwidRecords} record) and nothing of the volume is left on the host (no path device and no map
     * of that WWID), then drops the record. Never removes a WWID brick did not add. Best effort: what stops it is
     * logged, the record is kept, and nothing is raised but an interrupt.
     */
    default void forgetWwid(Wwid wwid, Deadline deadline) {
    }

    /**
     * What multipath's wwids file lists now, read before a connect attaches anything, to know afterwards whether the
     * connect added its WWID: multipathd lists a WWID the moment it makes its map, which can be before the connect has
     * even seen the device's WWID. {@link ListedWwids#unknown()} when that cannot be known, so brick never takes a
     * WWID for one it added.
     */
    default ListedWwids listedWwids() {
        return ListedWwids.unknown();
    }

    /**
     * A connect's map formed for a WWID the wwids file did not list when the connect began ({@link #listedWwids}):
     * brick records that it added it, for {@link #forgetWwid}. Best effort: a record that cannot be written is a WARN.
     */
    default void wwidAdded(Wwid wwid) {
    }

    /** Asks multipathd to take a path ({@code multipathd add path}). */
    void addPath(DevicePath device, Deadline deadline);

    /**
     * Flushes a map and removes it ({@code multipath -f}), retried with backoff inside the deadline while it is busy.
     *
     * @throws io.brick.core.error.FlushFailedException with what held it (open count, queueing with no usable path,
     *         the tool's message) when it could not be flushed; the map is then still there
     */
    void flushMap(MultipathMap map, Deadline deadline);

    /**
     * Removes a map whose flush failed, for a forced disconnect: queueing is switched off first so queued I/O fails
     * instead of hanging, then the map is removed by its map name, which stays with the volume (a {@code dm-N} number
     * can be reused by the next map), never by a name os-brick's bug would make a no-op. Unflushed data is lost: only
     * with {@code force}.
     */
    void removeMap(MultipathMap map, Deadline deadline);

    /**
     * Makes multipathd re-read the map's size after its paths were rescanned ({@code multipathd resize map dm-N},
     * retried while it answers {@code timeout}).
     *
     * @throws io.brick.core.error.CommandFailedException when multipathd answers {@code fail}
     */
    void resizeMap(MultipathMap map, Deadline deadline);

    /**
     * Makes sure multipathd no longer monitors these removed paths: asks which paths it still lists and removes
     * those ({@code multipathd del path}). Returns the paths that had to be removed by hand.
     */
    List<String> forgetPaths(Collection<String> kernelNames, Deadline deadline);

    /**
     * What multipathd says of every path it monitors ({@code multipathd show paths}): the kernel's dm state of the
     * path and multipathd's path checker's verdict. sysfs does not show a path that dm-multipath failed (a LUN the
     * target no longer reports stays {@code running} there); this does. Empty when multipathd does not answer.
     */
    default List<PathStatus> paths(Deadline deadline) {
        return List.of();
    }

    /**
     * One path as multipathd sees it.
     *
     * @param device the path's kernel name ({@code sdc})
     * @param dmState dm-multipath's state of the path: {@code active}, {@code failed}, or {@code undef}
     * @param checkerState the path checker's verdict: {@code ready}, {@code faulty}, {@code ghost}, {@code shaky},
     *                     {@code i/o pending}, ...
     * @param map the name of the map holding it, or {@code [orphan]}
     */
    record PathStatus(String device, String dmState, String checkerState, String map) {
        public PathStatus {
            requireNonNull(device, "device is null");
            requireNonNull(dmState, "dmState is null");
            requireNonNull(checkerState, "checkerState is null");
            requireNonNull(map, "map is null");
        }

        /** Whether dm-multipath failed the path, or the checker finds it faulty or down. */
        public boolean failed() {
            return dmState.equals("failed") || checkerState.equals("faulty") || checkerState.equals("down")
                    || checkerState.equals("shaky");
        }
    }
}
