package io.brick.core.volume;

import io.brick.core.error.CommandFailedException;
import io.brick.core.error.DeviceNotFoundException;
import io.brick.core.error.HostStateException;
import io.brick.core.event.EventPublisher;
import io.brick.core.event.EventType;
import io.brick.core.model.BlockDevice;
import io.brick.core.model.DeviceState;
import io.brick.core.model.MultipathMap;
import io.brick.core.port.DeviceFlusher;
import io.brick.core.port.MultipathManager;
import io.brick.core.port.TopologyProvider;
import io.brick.core.time.Deadline;
import io.brick.core.time.Poll;
import io.brick.core.time.Sleeper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * The transport-independent part of an extend, shared by every connector: with every path of the volume up, rescan
 * each path, wait until they agree on the new size, then have multipathd resize the map and wait until it shows that
 * size. The transport finds the volume's devices ({@link VolumeDevices}) and holds whatever locks it needs.
 */
public final class VolumeResize {
    private static final Logger log = LoggerFactory.getLogger(VolumeResize.class);
    /** The pause that lets a simulated kernel or udev pick the rescan up before the first look. */
    private static final Duration FIRST_LOOK = Poll.FIRST;
    private static final Duration SIZE_WAIT = Duration.ofSeconds(30);

    private final TopologyProvider topology;
    private final DeviceFlusher flusher;
    private final Optional<MultipathManager> multipath;
    private final Sleeper sleeper;
    private final EventPublisher events;

    public VolumeResize(TopologyProvider topology, DeviceFlusher flusher, Optional<MultipathManager> multipath,
                        Sleeper sleeper, EventPublisher events) {
        this.topology = requireNonNull(topology, "topology is null");
        this.flusher = requireNonNull(flusher, "flusher is null");
        this.multipath = requireNonNull(multipath, "multipath is null");
        this.sleeper = requireNonNull(sleeper, "sleeper is null");
        this.events = requireNonNull(events, "events is null");
    }

    /**
     * Extends the volume to the size its storage now reports.
     *
     * @param devices the volume's devices on this host
     * @param deadline the operation's budget
     * @return the new size in bytes
     * @throws DeviceNotFoundException when the volume has no path on this host
     * @throws HostStateException when a path is not running, the paths disagree on the size, or a multipathed volume
     *         has no multipath manager
     * @throws CommandFailedException when the map does not take the paths' size
     */
    public long extend(VolumeDevices devices, Deadline deadline) {
        requireNonNull(devices, "devices is null");
        requireNonNull(deadline, "deadline is null");
        String volume = devices.description();
        if (devices.paths().isEmpty()) {
            log.warn("Couldn't find any volume paths on the host to extend volume for {}", volume);
            throw new DeviceNotFoundException("Could not find any paths for the volume " + volume
                    + " on this host to extend", Map.of("volume", volume));
        }
        List<String> down = devices.paths().stream().filter(path -> path.state() != DeviceState.RUNNING)
                .map(path -> path.name() + " " + path.state().kernelName()).toList();
        if (!down.isEmpty()) {
            throw new HostStateException("All paths need to be up to extend " + volume + ": "
                    + String.join(", ", down), true, Map.of("down", String.join(",", down)), null);
        }
        EventPublisher.Phase resize = events.started(EventType.RESIZE, volume);
        for (BlockDevice path : devices.paths()) {
            flusher.rescan(path.name());
        }
        long size = awaitAgreedSize(devices, deadline);
        if (devices.map().isPresent()) {
            MultipathMap map = devices.map().get();
            multipath.orElseThrow(() -> new HostStateException(volume + " is multipathed but no "
                    + "multipath manager is installed", false, Map.of("map", map.kernelName()), null))
                    .resizeMap(map, deadline);
            size = awaitMapSize(map, size, deadline);
        }
        resize.finished(EventType.RESIZE, Map.of("sizeBytes", Long.toString(size)));
        log.info("extended {} to {} bytes", volume, size);
        return size;
    }

    /**
     * Waits until every path reports the same size after the rescan; paths that disagree at the deadline fail. The
     * kernel applies a {@code rescan} write before the write returns; one short pause first lets whatever watches the
     * tree (udev; a simulated kernel, which picks writes up at its next settle point) catch up.
     */
    private long awaitAgreedSize(VolumeDevices devices, Deadline deadline) {
        Deadline wait = deadline.sub(SIZE_WAIT);
        sleeper.sleep(wait.cap(FIRST_LOOK));
        Poll poll = Poll.within(wait);
        while (true) {
            Map<String, Long> sizes = new LinkedHashMap<>();
            for (BlockDevice path : devices.paths()) {
                sizes.put(path.name(), topology.device(path.name()).map(BlockDevice::sizeBytes).orElse(-1L));
            }
            Set<Long> distinct = new HashSet<>(sizes.values());
            if (distinct.size() == 1 && !distinct.contains(-1L)) {
                return distinct.iterator().next();
            }
            if (wait.expired()) {
                throw new HostStateException("the paths of " + devices.description() + " disagree on the size after "
                        + "a rescan: " + sizes, true, Map.of("sizes", sizes.toString()), null);
            }
            sleeper.sleep(poll.next());
        }
    }

    private long awaitMapSize(MultipathMap map, long pathSize, Deadline deadline) {
        Poll poll = Poll.within(deadline);
        while (true) {
            long size = topology.multipathMap(map.kernelName()).map(MultipathMap::sizeBytes).orElse(-1L);
            if (size == pathSize) {
                return size;
            }
            if (deadline.expired()) {
                throw new CommandFailedException("multipathd resize map " + map.name(), 0,
                        "", "the map is " + size + " bytes, its paths " + pathSize, true);
            }
            sleeper.sleep(poll.next());
        }
    }
}
