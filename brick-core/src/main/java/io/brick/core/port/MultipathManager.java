package io.brick.core.port;

import io.brick.core.model.DevicePath;
import io.brick.core.model.MultipathMap;
import io.brick.core.model.Wwid;
import io.brick.core.time.Deadline;

import java.util.Collection;
import java.util.Optional;

/**
 * dm-multipath through {@code multipathd} and {@code multipath}; map state itself is read from sysfs through
 * {@link TopologyProvider}.
 */
public interface MultipathManager {
    /** Whether multipathd is running and answers. */
    boolean available();

    /** Tells multipathd the WWID may be multipathed ({@code multipath -a}, for {@code find_multipaths}). */
    void addWwid(Wwid wwid);

    /** Asks multipathd to take a path ({@code multipathd add path}). */
    void addPath(DevicePath device);

    /** Waits for the map of a WWID to exist with at least one of the given paths. */
    Optional<MultipathMap> waitForMap(Wwid wwid, Collection<String> pathNames, Deadline deadline);

    /**
     * Flushes a map ({@code multipath -f}); fails, typed, when it is in use or cannot be flushed.
     *
     * @throws io.brick.core.error.FlushFailedException with what held it
     */
    void flushMap(MultipathMap map, Deadline deadline);

    /** Removes a map even when the flush failed (only with {@code force}). */
    void removeMap(MultipathMap map, Deadline deadline);

    /** Makes multipathd re-read the map's size after its paths were rescanned; returns the new size in bytes. */
    long resizeMap(MultipathMap map, Deadline deadline);

    /** Makes multipathd forget paths that were removed ({@code multipathd del path}). */
    void forgetPaths(Collection<String> pathNames);
}
