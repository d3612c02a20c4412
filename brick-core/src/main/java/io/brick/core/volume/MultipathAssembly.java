package io.brick.core.volume;

import io.brick.core.error.BrickException;
import io.brick.core.error.OperationInterruptedException;
import io.brick.core.event.BrickEvent;
import io.brick.core.event.EventPublisher;
import io.brick.core.event.EventType;
import io.brick.core.model.DevicePath;
import io.brick.core.model.ListedWwids;
import io.brick.core.model.MultipathMap;
import io.brick.core.model.Wwid;
import io.brick.core.port.MultipathManager;
import io.brick.core.port.TopologyProvider;
import io.brick.core.time.Clock;
import io.brick.core.time.Deadline;
import io.brick.core.time.Poll;
import io.brick.core.time.Sleeper;
import jakarta.inject.Inject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

import static java.util.Objects.requireNonNull;

/**
 * Waits for multipathd to form the map of a volume, the same way for every transport: polls sysfs (each path's
 * holders, at the intervals of a {@link Poll}) for a map of the volume's WWID; if none has formed {@code nudgeAfter} into
 * the wait, tells multipathd about the WWID and the paths once ({@code multipath -a}, {@code multipathd add path}:
 * what {@code find_multipaths yes} needs); gives up at the deadline with an empty answer (the caller decides between
 * a single path with a WARN and, with {@code enforce_multipath}, an error). A map whose WWID is not the volume's is
 * never returned. Emits MULTIPATH_FORMED.
 */
public final class MultipathAssembly {
    /** The most each of the nudge's commands may take. */
    public static final Duration NUDGE_LIMIT = Duration.ofSeconds(10);

    private static final Logger log = LoggerFactory.getLogger(MultipathAssembly.class);

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

    /** What multipath's wwids file lists now (every WWID without a manager, or when it cannot tell). */
    public ListedWwids listedWwids() {
        return multipath.map(MultipathManager::listedWwids).orElse(ListedWwids.unknown());
    }

    /** The connect's map formed for a WWID the wwids file did not list when it began: brick added it (issue 18). */
    public void wwidAdded(Wwid wwid) {
        multipath.ifPresent(manager -> manager.wwidAdded(wwid));
    }

    /**
     * Whether multipathd runs on this host and answers, as {@code enforce_multipath} and the connector properties ask:
     * {@code false} without a {@link MultipathManager}, or when multipathd does not answer ({@link #multipathd} tells
     * that apart, for a connect). The question gets at most {@link DisconnectPipeline#AVAILABILITY_LIMIT} of the deadline, so a hung
     * multipathd cannot eat a connect's whole budget; an interrupt is not an answer and propagates.
     *
     * @throws OperationInterruptedException when the thread is interrupted while multipathd is asked
     */
    public boolean multipathdRunning(Deadline deadline) {
        return multipathd(deadline) == MultipathManager.Availability.RUNNING;
    }

    /**
     * The same question, telling no answer apart: {@link MultipathManager.Availability#NOT_RUNNING} without a
     * {@link MultipathManager}; {@link MultipathManager.Availability#NO_ANSWER} when multipathd did not answer in time
     * or asking it failed (logged at DEBUG).
     *
     * @throws OperationInterruptedException when the thread is interrupted while multipathd is asked
     */
    public MultipathManager.Availability multipathd(Deadline deadline) {
        requireNonNull(deadline, "deadline is null");
        if (multipath.isEmpty()) {
            return MultipathManager.Availability.NOT_RUNNING;
        }
        try {
            return multipath.get().availability(deadline.sub(DisconnectPipeline.AVAILABILITY_LIMIT));
        } catch (OperationInterruptedException interrupted) {
            throw interrupted;
        } catch (BrickException failure) {
            log.debug("multipathd does not answer: {}", failure.getMessage());
            return MultipathManager.Availability.NO_ANSWER;
        }
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
        requireNonNull(wwid, "wwid is null");
        requireNonNull(paths, "paths is null");
        requireNonNull(nudgeAfter, "nudgeAfter is null");
        requireNonNull(deadline, "deadline is null");
        Clock clock = deadline.clock();
        long start = clock.nanoTime();
        boolean nudged = false;
        Set<String> ignored = new HashSet<>();
        Poll poll = Poll.within(deadline);
        while (true) {
            List<String> current = List.copyOf(paths.get());
            Optional<MultipathMap> map = find(wwid, current, ignored);
            if (map.isPresent()) {
                formed(map.get(), wwid, since(clock, start), clock);
                return map;
            }
            if (!nudged && multipath.isPresent() && since(clock, start).compareTo(nudgeAfter) >= 0) {
                nudge(multipath.get(), wwid, current, deadline);
                nudged = true;
                continue;
            }
            Duration left = deadline.remaining();
            if (left.isZero()) {
                log.debug("no multipath map of {} formed within {} ms (paths {}{})", wwid, since(clock, start).toMillis(),
                        current, nudged ? ", multipathd was told of them" : "");
                return Optional.empty();
            }
            sleeper.sleep(untilNudge(poll, nudged, nudgeAfter, since(clock, start)));
        }
    }

    /**
     * After the map formed: waits until every path device of the volume found so far is in it, telling multipathd of
     * the missing ones after {@code nudgeAfter}, so that the map returned holds every path that exists (multipathd
     * adds a new path on its uevent, a moment after the map formed over the first). Gives up at the deadline and
     * returns the map as it then is: the missing paths may still join.
     *
     * @param map the map that formed
     * @param paths the volume's path devices so far (asked again at every poll)
     * @param nudgeAfter how long to wait before telling multipathd about the missing paths
     * @param deadline when to stop waiting
     * @return the map, read again
     */
    public MultipathMap awaitPaths(MultipathMap map, Supplier<List<String>> paths, Duration nudgeAfter,
                                   Deadline deadline) {
        requireNonNull(map, "map is null");
        requireNonNull(paths, "paths is null");
        requireNonNull(nudgeAfter, "nudgeAfter is null");
        requireNonNull(deadline, "deadline is null");
        Clock clock = deadline.clock();
        long start = clock.nanoTime();
        boolean nudged = false;
        MultipathMap current = map;
        Poll poll = Poll.within(deadline);
        while (true) {
            current = topology.multipathMap(current.kernelName()).orElse(current);
            List<String> missing = new ArrayList<>(paths.get());
            missing.removeAll(current.slaves());
            if (missing.isEmpty()) {
                return current;
            }
            if (!nudged && multipath.isPresent() && since(clock, start).compareTo(nudgeAfter) >= 0) {
                log.debug("paths {} are not in map {} yet: telling multipathd", missing, current.kernelName());
                for (String path : missing) {
                    try {
                        multipath.get().addPath(DevicePath.ofKernelName(path), deadline.sub(NUDGE_LIMIT));
                    } catch (OperationInterruptedException interrupted) {
                        throw interrupted;
                    } catch (BrickException failure) {
                        log.debug("adding path {} to multipathd failed (ignored): {}", path, failure.getMessage());
                    }
                }
                nudged = true;
                continue;
            }
            Duration left = deadline.remaining();
            if (left.isZero()) {
                log.debug("paths {} did not join map {} within {} ms; returning it over {}", missing,
                        current.kernelName(), since(clock, start).toMillis(), current.slaves());
                return current;
            }
            sleeper.sleep(untilNudge(poll, nudged, nudgeAfter, since(clock, start)));
        }
    }

    /** The poll's next sleep, but never past the nudge (it runs on time, not up to a poll interval late). */
    private Duration untilNudge(Poll poll, boolean nudged, Duration nudgeAfter, Duration waited) {
        Duration next = poll.next();
        if (nudged || multipath.isEmpty()) {
            return next;
        }
        Duration untilNudge = nudgeAfter.minus(waited);
        return untilNudge.isNegative() || next.compareTo(untilNudge) <= 0 ? next : untilNudge;
    }

    private Optional<MultipathMap> find(Wwid wwid, List<String> current, Set<String> ignored) {
        for (String path : current) {
            Optional<MultipathMap> holder = topology.holderMap(path);
            if (holder.isEmpty()) {
                continue;
            }
            MultipathMap map = holder.get();
            if (map.wwid().isPresent() && map.wwid().get().equals(wwid)) {
                return holder;
            }
            if (ignored.add(map.kernelName())) {
                log.debug("{} is held by {} ({}), whose WWID {} is not the volume's {}: ignored", path, map.kernelName(),
                        map.name(), map.wwid().map(Wwid::value).orElse("(none)"), wwid);
            }
        }
        return Optional.empty();
    }

    private void nudge(MultipathManager manager, Wwid wwid, List<String> current, Deadline deadline) {
        log.debug("no multipath map of {} yet: telling multipathd about the WWID and paths {}", wwid, current);
        try {
            manager.addWwid(wwid, deadline.sub(NUDGE_LIMIT));
        } catch (OperationInterruptedException interrupted) {
            throw interrupted;
        } catch (BrickException failure) {
            log.debug("adding WWID {} to multipath failed (ignored): {}", wwid, failure.getMessage());
        }
        for (String path : current) {
            try {
                manager.addPath(DevicePath.ofKernelName(path), deadline.sub(NUDGE_LIMIT));
            } catch (OperationInterruptedException interrupted) {
                throw interrupted;
            } catch (BrickException failure) {
                log.debug("adding path {} to multipathd failed (ignored): {}", path, failure.getMessage());
            }
        }
    }

    private void formed(MultipathMap map, Wwid wwid, Duration took, Clock clock) {
        log.debug("multipath map {} ({}) of {} formed over {} after {} ms", map.kernelName(), map.name(), wwid,
                map.slaves(), took.toMillis());
        Map<String, String> details = new LinkedHashMap<>();
        details.put("name", map.name());
        details.put("wwid", wwid.value());
        details.put("slaves", String.join(",", map.slaves()));
        events.deliver(new BrickEvent(EventType.MULTIPATH_FORMED, clock.instant(), map.kernelName(), Optional.of(took),
                details));
    }

    private static Duration since(Clock clock, long startNanos) {
        return Duration.ofNanos(Math.max(0, clock.nanoTime() - startNanos));
    }
}
