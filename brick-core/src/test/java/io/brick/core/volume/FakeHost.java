package io.brick.core.volume;

import io.brick.core.error.BrickException;
import io.brick.core.error.FlushFailedException;
import io.brick.core.error.HostStateException;
import io.brick.core.error.OperationTimeoutException;
import io.brick.core.model.BlockDevice;
import io.brick.core.model.DeviceLinks;
import io.brick.core.model.DevicePath;
import io.brick.core.model.DeviceState;
import io.brick.core.model.Hctl;
import io.brick.core.model.ListedWwids;
import io.brick.core.model.MultipathMap;
import io.brick.core.model.Wwid;
import io.brick.core.port.DeviceFlusher;
import io.brick.core.port.MultipathManager;
import io.brick.core.port.TopologyProvider;
import io.brick.core.time.Deadline;
import io.brick.core.time.ManualClock;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * An in-memory host for brick-core's volume tests (brick-core cannot use the testkit): SCSI devices, multipath maps
 * holding them and by-id links, seen through {@link #topology()}, acted on through {@link #flusher()} and
 * {@link #multipath()}. Every action is recorded in order in {@link #calls()}, with the budget of the deadline it got
 * in {@link #budgets()}. Removing a map's last path makes multipathd remove the map unless
 * {@link #mapOutlivesPaths}; a successful map flush removes the map. A rescan makes a path show
 * {@link #storageSize} (after its {@link #rescanLags}), and resizing a map gives it its paths' size. Faults
 * are set per step.
 */
final class FakeHost {
    static final Wwid VOLUME = Wwid.of("360014053b8c2d6119a414f0b8e275d1c");
    static final Wwid STALE = Wwid.of("36001405deadbeefdeadbeefdeadbeef0");

    private final ManualClock clock;
    private final Map<String, BlockDevice> devices = new TreeMap<>();
    private final Map<String, MultipathMap> maps = new TreeMap<>();
    private final Map<String, List<String>> links = new TreeMap<>();
    private final List<String> calls = new ArrayList<>();
    private final Map<String, Duration> budgets = new LinkedHashMap<>();

    BrickException flushMapFailure;
    BrickException flushBuffersFailure;
    boolean removalTimesOut;
    /** The removal is interrupted after the first device is gone. */
    boolean removalInterrupted;
    BrickException removeLinksFailure;
    BrickException removeMapFailure;
    BrickException forgetFailure;
    BrickException addWwidFailure;
    /** What asking whether multipathd runs throws, if anything. */
    BrickException availableFailure;
    boolean multipathdRunning = true;
    /** multipathd does not answer whether it runs (a command that timed out), whatever {@link #multipathdRunning}. */
    boolean multipathdSilent;

    /**
     * What multipath's wwids file lists: {@code null} when it cannot be read (every WWID then counts as listed, and
     * brick records no WWID as its own).
     */
    Set<Wwid> wwidsFile;
    /** The WWIDs the manager was told to forget (kept apart from {@link #calls()}, whose sequences tests assert). */
    final List<Wwid> forgottenWwids = new ArrayList<>();
    boolean mapOutlivesPaths;
    Duration flushTakes = Duration.ZERO;
    Duration removalTakes = Duration.ZERO;
    /** Whether the topology resolves {@code /dev/disk/by-id} links itself ({@code resolveDevLink}), as sysfs does. */
    boolean resolvesLinks;
    /** {@code /dev/disk/by-path} links the topology resolves (when {@link #resolvesLinks}): link to kernel name. */
    final Map<String, String> byPathLinks = new TreeMap<>();
    /** Whether udev has made each map's {@code /dev/disk/by-id/dm-uuid-mpath-<wwid>} link yet. */
    boolean mapLinks = true;
    /** How often {@code diskByIdLinks} (on a real host a walk over every by-id link) was asked. */
    int byIdWalks;
    /** Run on every holder lookup (lets a test form a map while a wait polls). */
    Runnable onPoll = () -> { };
    /** Run at the end of every removal of devices (lets a test make the kernel reuse a name right after). */
    Runnable afterRemoval = () -> { };
    /** The size the storage now reports: what a rescan makes a path show (once its lag has passed). */
    long storageSize = 1L << 30;
    /** How long after its rescan a path shows the new size (a kernel that applies it late), by kernel name. */
    final Map<String, Duration> rescanLags = new TreeMap<>();
    /** Paths whose rescan changes nothing (the target still reports the old size through them). */
    final java.util.Set<String> rescanIgnored = new java.util.TreeSet<>();
    /** Whether multipathd's resize leaves the map at its old size. */
    boolean resizeIgnored;
    /** How long after multipathd's resize the map shows its new size. */
    Duration resizeLag = Duration.ZERO;
    /** Maps resized, with the clock reading from which they show their new size, and what they show until then. */
    private final Map<String, Long> resizedAt = new TreeMap<>();
    private final Map<String, MultipathMap> beforeResize = new TreeMap<>();
    /** When each rescanned path shows the storage's size, in clock nanos. */
    private final Map<String, Long> rescannedAt = new TreeMap<>();
    /** Names the "kernel" gives to new disks (another target's) right after removing ours: name to H:C:T:L. */
    final Map<String, String> reusedAfterRemoval = new TreeMap<>();

    FakeHost(ManualClock clock) {
        this.clock = clock;
    }

    static BlockDevice device(String name, String hctl, Optional<Wwid> wwid) {
        return new BlockDevice(name, Hctl.parse(hctl), wwid, 1L << 30, DeviceState.RUNNING, "LIO-ORG", "disk", List.of());
    }

    /** A path device of any address kind (an NVMe namespace: {@code new NamespaceAddress("nvme0", 1)}). */
    BlockDevice addDevice(String name, io.brick.core.model.PathAddress address, Optional<Wwid> wwid) {
        BlockDevice device = new BlockDevice(name, address, wwid, 1L << 30, DeviceState.RUNNING, "NVMe", "ns",
                List.of());
        devices.put(name, device);
        return device;
    }

    /** The device goes away (its transport disconnected it). */
    void removeDevice(String name) {
        devices.remove(name);
    }

    BlockDevice addDevice(String name, String hctl, Optional<Wwid> wwid) {
        BlockDevice device = device(name, hctl, wwid);
        devices.put(name, device);
        wwid.ifPresent(id -> links.put(name, new ArrayList<>(List.of("scsi-" + id.value(), "wwn-0x" + id.value().substring(1)))));
        return device;
    }

    MultipathMap addMap(String kernelName, Wwid wwid, String... slaves) {
        MultipathMap map = new MultipathMap(kernelName, wwid.value(), Optional.of(wwid), List.of(slaves), 1L << 30);
        maps.put(kernelName, map);
        for (String slave : slaves) {
            BlockDevice device = devices.get(slave);
            devices.put(slave, new BlockDevice(device.name(), device.hctl(), device.wwid(), device.sizeBytes(),
                    device.state(), device.vendor(), device.model(), List.of(kernelName)));
        }
        return map;
    }

    /** Sets a path's state ({@code offline}, {@code blocked}, ...) as sysfs would show it. */
    void setState(String name, DeviceState state) {
        devices.computeIfPresent(name, (key, device) -> new BlockDevice(key, device.hctl(), device.wwid(),
                device.sizeBytes(), state, device.vendor(), device.model(), device.holders()));
    }

    boolean has(String kernelName) {
        return devices.containsKey(kernelName) || maps.containsKey(kernelName);
    }

    synchronized List<String> calls() {
        return List.copyOf(calls);
    }

    synchronized Map<String, Duration> budgets() {
        return Map.copyOf(budgets);
    }

    synchronized void record(String call, Deadline deadline) {
        calls.add(call);
        if (deadline != null) {
            budgets.put(call, deadline.budget());
        }
    }

    private static <T extends BrickException> void fail(T failure) {
        if (failure != null) {
            throw failure;
        }
    }

    static FlushFailedException flushFailure(String what) {
        return new FlushFailedException("flush of " + what + " failed: map in use", Map.of("openCount", "1"), null);
    }

    TopologyProvider topology() {
        return new View();
    }

    DeviceFlusher flusher() {
        return new Flusher();
    }

    MultipathManager multipath() {
        return new Multipath();
    }

    private final class View implements TopologyProvider {
        @Override
        public Optional<BlockDevice> device(String kernelName) {
            Long due = rescannedAt.get(kernelName);
            if (due != null && clock.nanoTime() >= due) {
                rescannedAt.remove(kernelName);
                devices.computeIfPresent(kernelName, (name, device) -> new BlockDevice(name, device.hctl(),
                        device.wwid(), storageSize, device.state(), device.vendor(), device.model(), device.holders()));
            }
            return Optional.ofNullable(devices.get(kernelName));
        }

        @Override
        public Optional<Wwid> wwid(String kernelName) {
            return device(kernelName).flatMap(BlockDevice::wwid);
        }

        @Override
        public List<String> holders(String kernelName) {
            onPoll.run();
            BlockDevice device = devices.get(kernelName);
            return device == null ? List.of() : device.holders();
        }

        @Override
        public Optional<MultipathMap> holderMap(String kernelName, String holder) {
            return Optional.ofNullable(maps.get(holder));
        }

        @Override
        public Optional<MultipathMap> multipathMap(String kernelName) {
            onPoll.run();
            Long due = resizedAt.get(kernelName);
            if (due != null && clock.nanoTime() < due) {
                return Optional.of(beforeResize.get(kernelName));
            }
            return Optional.ofNullable(maps.get(kernelName));
        }

        @Override
        public Optional<MultipathMap> multipathMapByWwid(Wwid wwid) {
            if (!mapLinks) {
                return Optional.empty();
            }
            return maps.values().stream().filter(map -> map.wwid().equals(Optional.of(wwid))).findFirst();
        }

        @Override
        public List<MultipathMap> multipathMaps() {
            return List.copyOf(maps.values());
        }

        @Override
        public boolean blockDeviceExists(String kernelName) {
            return devices.containsKey(kernelName);
        }

        @Override
        public List<String> diskByIdLinks(String kernelName) {
            byIdWalks++;
            return List.copyOf(links.getOrDefault(kernelName, List.of()));
        }

        @Override
        public Optional<String> resolveDevLink(io.brick.core.model.DevicePath link) {
            if (resolvesLinks && byPathLinks.containsKey(link.path())) {
                return Optional.of(byPathLinks.get(link.path()));
            }
            if (!resolvesLinks || !link.path().startsWith("/dev/disk/by-id/")) {
                return Optional.empty();
            }
            String name = link.path().substring("/dev/disk/by-id/".length());
            return links.entrySet().stream().filter(entry -> entry.getValue().contains(name)).map(Map.Entry::getKey)
                    .findFirst();
        }

        @Override
        public Optional<BlockDevice> deviceAt(Hctl hctl) {
            throw new UnsupportedOperationException();
        }

        @Override
        public io.brick.core.model.Topology topology() {
            throw new UnsupportedOperationException();
        }
    }

    private final class Flusher implements DeviceFlusher {
        @Override
        public void flushBuffers(DevicePath device, Deadline deadline) {
            record("flushBuffers " + device.name(), deadline);
            clock.sleep(flushTakes);
            fail(flushBuffersFailure);
        }

        @Override
        public void removeDevices(Collection<String> kernelNames, Deadline deadline) {
            record("removeDevices " + String.join(",", kernelNames), deadline);
            clock.sleep(removalTakes);
            if (removalTimesOut) {
                throw deadline.timeout("removal of " + kernelNames, Map.of("remaining", String.join(",", kernelNames)));
            }
            if (removalInterrupted) {
                devices.remove(kernelNames.iterator().next());
                throw new io.brick.core.error.OperationInterruptedException("removal of SCSI devices",
                        new InterruptedException("test"));
            }
            for (String name : kernelNames) {
                devices.remove(name);
            }
            List<String> emptied = new ArrayList<>();
            maps.replaceAll((kernelName, map) -> {
                List<String> slaves = map.slaves().stream().filter(devices::containsKey).toList();
                if (slaves.isEmpty()) {
                    emptied.add(kernelName);
                }
                return new MultipathMap(map.kernelName(), map.name(), map.wwid(), slaves, map.sizeBytes());
            });
            if (!mapOutlivesPaths) {
                emptied.forEach(maps::remove);
            }
            reusedAfterRemoval.forEach((name, hctl) -> {
                if (kernelNames.contains(name)) {
                    addDevice(name, hctl, Optional.of(STALE));
                }
            });
            afterRemoval.run();
        }

        @Override
        public DeviceLinks linksOf(Collection<String> kernelNames) {
            Map<String, List<String>> known = new LinkedHashMap<>();
            for (String name : kernelNames) {
                known.put(name, devices.containsKey(name) ? links.getOrDefault(name, List.of()) : List.of());
            }
            return new DeviceLinks(known);
        }

        @Override
        public List<String> removeStaleLinks(DeviceLinks known) {
            record("removeStaleLinks " + String.join(",", known.kernelNames()), null);
            fail(removeLinksFailure);
            List<String> removed = new ArrayList<>();
            for (String name : known.kernelNames()) {
                if (!devices.containsKey(name)) {
                    List<String> left = new ArrayList<>(links.getOrDefault(name, List.of()));
                    for (String link : known.of(name)) {
                        if (left.remove(link)) {
                            removed.add(link);
                        }
                    }
                    links.put(name, List.copyOf(left));
                }
            }
            return removed;
        }

        @Override
        public void rescan(String kernelName) {
            record("rescan " + kernelName, null);
            if (!rescanIgnored.contains(kernelName)) {
                Duration lag = rescanLags.getOrDefault(kernelName, Duration.ZERO);
                rescannedAt.put(kernelName, clock.nanoTime() + lag.toNanos());
            }
        }
    }

    private final class Multipath implements MultipathManager {
        @Override
        public boolean available(Deadline deadline) {
            return availability(deadline) == Availability.RUNNING;
        }

        @Override
        public Availability availability(Deadline deadline) {
            record("available", deadline);
            fail(availableFailure);
            if (multipathdSilent) {
                return Availability.NO_ANSWER;
            }
            return multipathdRunning ? Availability.RUNNING : Availability.NOT_RUNNING;
        }

        @Override
        public void addWwid(Wwid wwid, Deadline deadline) {
            record("addWwid " + wwid, deadline);
            fail(addWwidFailure);
        }

        @Override
        public ListedWwids listedWwids() {
            synchronized (FakeHost.this) {
                return wwidsFile == null ? ListedWwids.unknown() : ListedWwids.of(wwidsFile);
            }
        }

        @Override
        public void forgetWwid(Wwid wwid, Deadline deadline) {
            synchronized (FakeHost.this) {
                forgottenWwids.add(wwid);
            }
        }

        @Override
        public void wwidAdded(Wwid wwid) {
            record("wwidAdded " + wwid, null);
        }

        @Override
        public void addPath(DevicePath device, Deadline deadline) {
            record("addPath " + device, deadline);
        }

        @Override
        public void flushMap(MultipathMap map, Deadline deadline) {
            record("flushMap " + map.kernelName(), deadline);
            clock.sleep(flushTakes);
            fail(flushMapFailure);
            maps.remove(map.kernelName());
            devices.replaceAll((name, device) -> new BlockDevice(device.name(), device.hctl(), device.wwid(),
                    device.sizeBytes(), device.state(), device.vendor(), device.model(), List.of()));
        }

        @Override
        public void removeMap(MultipathMap map, Deadline deadline) {
            record("removeMap " + map.kernelName(), deadline);
            fail(removeMapFailure);
            maps.remove(map.kernelName());
        }

        @Override
        public void resizeMap(MultipathMap map, Deadline deadline) {
            record("resizeMap " + map.kernelName(), deadline);
            if (resizeIgnored) {
                return;
            }
            // the map takes its paths' size, as multipathd's "resize map" does
            long size = map.slaves().stream().map(slave -> topology().device(slave)).flatMap(Optional::stream)
                    .mapToLong(BlockDevice::sizeBytes).min().orElse(map.sizeBytes());
            MultipathMap old = maps.get(map.kernelName());
            if (old == null) {
                return;
            }
            beforeResize.put(map.kernelName(), old);
            maps.put(map.kernelName(), new MultipathMap(old.kernelName(), old.name(), old.wwid(), old.slaves(), size));
            resizedAt.put(map.kernelName(), clock.nanoTime() + resizeLag.toNanos());
        }

        @Override
        public List<String> forgetPaths(Collection<String> kernelNames, Deadline deadline) {
            record("forgetPaths " + String.join(",", kernelNames), deadline);
            fail(forgetFailure);
            return List.of();
        }
    }

    /** A transport cleanup that records its plan and run in the host's call list. */
    final class Cleanup implements TransportCleanup {
        BrickException failure;

        @Override
        public List<String> plan() {
            record("cleanup.plan", null);
            return List.of("logout 10.0.0.1:3260 iqn.2003-01.org.example:t1");
        }

        @Override
        public void run(ErrorCollector errors, Deadline deadline) {
            record("cleanup.run", deadline);
            if (failure != null) {
                errors.record(failure);
            }
        }
    }

    static HostStateException hostFailure(String message) {
        return new HostStateException(message, Map.of("what", message));
    }

    static OperationTimeoutException timeout(String what) {
        return new OperationTimeoutException(what, Duration.ofSeconds(1), Duration.ofSeconds(1), Map.of());
    }
}
