package io.brick.core.port;

import io.brick.core.model.DevicePath;
import io.brick.core.model.MultipathMap;
import io.brick.core.model.Wwid;
import io.brick.core.time.Deadline;

import java.util.Collection;
import java.util.List;

/**
 * dm-multipath through {@code multipathd} and {@code multipath}. It acts; map state (which map holds which paths,
 * its WWID, its size) is read from sysfs through {@link TopologyProvider}, and waiting for a map to form is
 * brick-core's {@code MultipathAssembly}. Every call is bounded by its deadline.
 */
public interface MultipathManager {
    /** Whether multipathd is running and answers ({@code multipathd show status}). */
    boolean available(Deadline deadline);

    /** Tells multipath the WWID may be multipathed ({@code multipath -a}, what {@code find_multipaths yes} needs). */
    void addWwid(Wwid wwid, Deadline deadline);

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
}
