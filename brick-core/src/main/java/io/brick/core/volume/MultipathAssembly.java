package io.brick.core.volume;

import io.brick.core.event.EventPublisher;
import io.brick.core.model.MultipathMap;
import io.brick.core.model.Wwid;
import io.brick.core.port.MultipathManager;
import io.brick.core.port.TopologyProvider;
import io.brick.core.time.Deadline;
import io.brick.core.time.Sleeper;
import jakarta.inject.Inject;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

import static java.util.Objects.requireNonNull;

/**
 * Waits for multipathd to form the map of a volume, the same way for every transport: polls sysfs (each path's
 * holders, every {@link #POLL_INTERVAL}) for a map of the volume's WWID; if none has formed {@code nudgeAfter} into
 * the wait, tells multipathd about the WWID and the paths once ({@code multipath -a}, {@code multipathd add path}:
 * what {@code find_multipaths yes} needs); gives up at the deadline with an empty answer (the caller decides between
 * a single path with a WARN and, with {@code enforce_multipath}, an error). A map whose WWID is not the volume's is
 * never returned. Emits MULTIPATH_FORMED.
 */
public final class MultipathAssembly {
    /** How often sysfs is polled for the map. */
    public static final Duration POLL_INTERVAL = Duration.ofMillis(25);

    private final TopologyProvider topology;
    private final Optional<MultipathManager> multipath;
    private final Sleeper sleeper;
    private final EventPublisher events;

    @Inject
    public MultipathAssembly(TopologyProvider topology, Optional<MultipathManager> multipath, Sleeper sleeper,
                             EventPublisher events) {
        this.topology = requireNonNull(topology, "topology is null");
        this.multipath = requireNonNull(multipath, "multipath is null");
        this.sleeper = requireNonNull(sleeper, "sleeper is null");
        this.events = requireNonNull(events, "events is null");
    }

    /**
     * Waits for the map.
     *
     * @param wwid the volume's WWID
     * @param paths the volume's path devices so far (asked again at every poll: paths that join later count)
     * @param nudgeAfter how long to wait before telling multipathd about the WWID and paths
     * @param deadline when to give up
     */
    public Optional<MultipathMap> awaitMap(Wwid wwid, Supplier<List<String>> paths, Duration nudgeAfter, Deadline deadline) {
        throw new UnsupportedOperationException("not yet written");
    }
}
