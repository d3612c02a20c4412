package io.brick.benchmarks;

import io.brick.core.bootstrap.Brick;
import io.brick.core.model.BlockDevice;
import io.brick.core.model.DeviceLinks;
import io.brick.core.model.DevicePath;
import io.brick.iscsi.Iqn;
import io.brick.iscsi.IscsiSession;
import io.brick.iscsi.IscsiSessionReader;
import io.brick.core.model.Lun;
import io.brick.iscsi.Portal;
import io.brick.core.model.Topology;
import io.brick.core.port.DeviceFlusher;
import io.brick.core.port.SysfsAccess;
import io.brick.core.port.TopologyProvider;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Lookup cost against host size (issue 8, item 2): brick's {@link TopologyProvider} over a kernel-shaped tree
 * ({@link HostTree}, the testkit's FakeSysfs) of about 1,000, 16,000 and 64,000 disks, against the walk-everything baseline
 * ({@link NaiveHostScan}) on the same tree in the same run. Each call asks about another (session, LUN), disk or
 * volume, drawn once from a seeded random sequence, so no answer is served from a warm object.
 *
 * <p>The lookups: {@code sessionDevice} (the disk of one session and LUN), {@code holderMap} (the map of a disk),
 * {@code wwid} (a disk's WWID), {@code volumeDevices} (every disk of one portal, IQN and LUN, as a disconnect finds
 * them: the sessions to that portal and target, then the LUN in each), {@code byIdLink} (the device a by-id link
 * names), {@code topology} (everything), {@code linksOf} (a disk's by-id links, read before its removal),
 * {@code staleLinks} (the by-id links a removed path left, removed after a
 * disconnect: before each call, four links to a device that is not there are made, as udev leaves them when the kernel
 * removes a path faster than udev runs).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class LookupBenchmarks {
    private static final int PICKS = 4096;

    /**
     * targets x portals x LUNs per target: 1,024, 16,384 and 65,536 disks over 16 sessions; and 16,384 disks over
     * 1,024 sessions (one target per 16 volumes), where what grows is the number of sessions.
     */
    @Param({"8x2x64", "8x2x1024", "8x2x4096", "512x2x16"})
    public String shape;

    /** {@code brick}: the sysfs topology provider; {@code naive}: the walk-everything baseline. */
    @Param({"brick", "naive"})
    public String impl;

    private Brick brick;
    private TopologyProvider topology;
    private DeviceFlusher flusher;
    private IscsiSessionReader sessionReader;
    private NaiveHostScan naive;
    private final int[] sessions = new int[PICKS];
    private final int[] luns = new int[PICKS];
    private final String[] disks = new String[PICKS];
    private final String[] maps = new String[PICKS];
    private final DevicePath[] byIdLinks = new DevicePath[PICKS];
    private final Portal[] portals = new Portal[PICKS];
    private final Iqn[] iqns = new Iqn[PICKS];
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        HostShape host = HostShape.parse(shape);
        Path root = TreeCache.tree(host);
        brick = Hosts.sysfsRuntime(root);
        topology = Hosts.topology(brick);
        flusher = brick.port(DeviceFlusher.class);
        sessionReader = new IscsiSessionReader(brick.port(SysfsAccess.class), topology);
        naive = new NaiveHostScan(root);
        SplittableRandom random = new SplittableRandom(8);
        for (int index = 0; index < PICKS; index++) {
            int target = random.nextInt(host.targets());
            int portal = random.nextInt(host.portals());
            int lun = random.nextInt(host.lunsPerTarget());
            sessions[index] = host.session(target, portal);
            luns[index] = lun;
            disks[index] = host.disk(target, portal, lun);
            maps[index] = host.map(target, lun);
            byIdLinks[index] = DevicePath.of("/dev/disk/by-id/scsi-" + HostShape.wwid(target, lun));
            portals[index] = new Portal(HostShape.address(portal), 3260);
            iqns[index] = Iqn.of(HostShape.iqn(target));
        }
        // the tree answers as expected: a benchmark of lookups that find nothing measures nothing
        if (sessionReader.device(sessions[0], Lun.of(luns[0])).map(BlockDevice::name).filter(disks[0]::equals)
                .isEmpty() || naive.sessionDevice(sessions[0], luns[0]).isEmpty()) {
            throw new IllegalStateException("the tree " + root + " does not hold " + disks[0]);
        }
        System.out.printf(java.util.Locale.ROOT, "%n[tree %s: %,d disks, %,d maps, %d sessions; built in %,d ms]%n",
                host, host.devices(), host.maps(), host.sessions(), TreeCache.buildMillis(host));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        brick.close();
    }

    private int pick() {
        int index = next;
        next = (index + 1) % PICKS;
        return index;
    }

    private boolean naive() {
        return impl.equals("naive");
    }

    @Benchmark
    public Object sessionDevice() {
        int index = pick();
        if (naive()) {
            return naive.sessionDevice(sessions[index], luns[index]).orElseThrow();
        }
        return sessionReader.device(sessions[index], Lun.of(luns[index])).orElseThrow();
    }

    @Benchmark
    public Object holderMap() {
        int index = pick();
        if (naive()) {
            return naive.holderMap(disks[index]).orElseThrow();
        }
        return topology.holderMap(disks[index]).orElseThrow();
    }

    /** The holders' names alone (one listing), as a disconnect asks first; the naive scan has no such step. */
    @Benchmark
    public Object holders() {
        int index = pick();
        if (naive()) {
            return naive.holderMap(disks[index]).orElseThrow();
        }
        List<String> holders = topology.holders(disks[index]);
        if (holders.isEmpty()) {
            throw new IllegalStateException("no holder of " + disks[index]);
        }
        return holders;
    }

    @Benchmark
    public Object wwid() {
        int index = pick();
        if (naive()) {
            return naive.wwid(disks[index]).orElseThrow();
        }
        return topology.wwid(disks[index]).orElseThrow();
    }

    @Benchmark
    public Object volumeDevices() {
        int index = pick();
        if (naive()) {
            return requireOne(naive.volumeDevices(portals[index].host(), iqns[index].value(), luns[index]));
        }
        return requireOne(brickVolumeDevices(portals[index], iqns[index], Lun.of(luns[index])));
    }

    /**
     * Which device a {@code /dev/disk/by-id} link names (a detach deciding which single path to flush). {@code brick}:
     * the link resolved ({@code resolveDevLink}); {@code naive}: brick's former way, listing the links of a device
     * ({@code diskByIdLinks}, a walk over every link in by-id) and looking for the one given.
     */
    @Benchmark
    public Object byIdLink() {
        int index = pick();
        if (naive()) {
            List<String> links = topology.diskByIdLinks(maps[index]);
            if (!links.contains(byIdLinks[index].name())) {
                throw new IllegalStateException(maps[index] + " has no link " + byIdLinks[index]);
            }
            return links;
        }
        String name = topology.resolveDevLink(byIdLinks[index]).orElseThrow();
        if (!name.equals(maps[index])) {
            throw new IllegalStateException(byIdLinks[index] + " resolves to " + name + ", not " + maps[index]);
        }
        return name;
    }

    /** Four by-id links to a device that is gone, made again before every {@link #staleLinks} call. */
    @State(Scope.Thread)
    public static class StaleLinks {
        /** A kernel name no benchmark tree has (the trees stop at four letters). */
        static final String GONE = "sdzzzzz";
        static final String WWID = "36001405ffffffffffffffffffffffff";
        static final List<String> NAMES = List.of("scsi-" + WWID, "wwn-0x" + WWID.substring(1),
                "scsi-SLIO-ORG_gone_ffffffff", "scsi-1LIO-ORG_gone:ffffffff");
        /** The gone device's links as {@code linksOf} read them while it was there ({@link #linksOf} measures that). */
        static final DeviceLinks KNOWN = new DeviceLinks(java.util.Map.of(GONE, NAMES));
        Path byId;

        @Setup(Level.Trial)
        public void setUp(LookupBenchmarks benchmarks) {
            byId = TreeCache.tree(HostShape.parse(benchmarks.shape)).resolve("dev/disk/by-id");
        }

        @Setup(Level.Invocation)
        public void makeLinks() throws java.io.IOException {
            for (String name : NAMES) {
                java.nio.file.Files.deleteIfExists(byId.resolve(name));
                java.nio.file.Files.createSymbolicLink(byId.resolve(name), Path.of("../../" + GONE));
            }
        }

        @TearDown(Level.Trial)
        public void removeLinks() throws java.io.IOException {
            for (String name : NAMES) {
                java.nio.file.Files.deleteIfExists(byId.resolve(name));
            }
        }
    }

    /**
     * What a disconnect reads of one path's by-id links before removing it: {@code brick}: the flusher's
     * {@code linksOf} (udev's database entry of the device); {@code naive}: every link listed and read for those that
     * point at it.
     */
    @Benchmark
    public Object linksOf() {
        int index = pick();
        List<String> links = naive() ? naive.linksOf(disks[index]) : flusher.linksOf(List.of(disks[index])).of(disks[index]);
        if (links.isEmpty() && !naive()) {
            throw new IllegalStateException(disks[index] + " has no by-id link known");
        }
        return links;
    }

    /**
     * The link cleanup of one removed path (every disconnect runs it for each path): {@code brick}: the flusher's
     * {@code removeStaleLinks}; {@code naive}: every link listed and read.
     */
    @Benchmark
    public Object staleLinks(StaleLinks links) {
        List<String> removed = naive() ? naive.staleLinks(java.util.Set.of(StaleLinks.GONE))
                : flusher.removeStaleLinks(StaleLinks.KNOWN);
        if (removed.size() != StaleLinks.NAMES.size()) {
            throw new IllegalStateException("removed " + removed + ", not the links " + StaleLinks.NAMES);
        }
        return removed;
    }

    @Benchmark
    public Object topology() {
        if (naive()) {
            return naive.scan();
        }
        // the sessions (brick-iscsi's reader) and the shared view: what the whole-host listing read before they split
        List<IscsiSession> all = sessionReader.sessions();
        Topology shared = topology.topology();
        return List.of(all, shared);
    }

    /**
     * What the iSCSI connector's disconnect does to find a volume's disks on one (portal, IQN): the sessions to that
     * portal and target, the LUN's disk in each, and the map holding them.
     */
    private List<Object> brickVolumeDevices(Portal portal, Iqn iqn, Lun lun) {
        List<Object> found = new ArrayList<>();
        for (IscsiSession session : sessionReader.sessions(iqn)) {
            if (session.connects(portal, iqn)) {
                Optional<BlockDevice> device = sessionReader.device(session.sessionId(), lun);
                device.ifPresent(found::add);
            }
        }
        return found;
    }

    private static <T> List<T> requireOne(List<T> found) {
        if (found.size() != 1) {
            throw new IllegalStateException("expected one disk, found " + found);
        }
        return found;
    }
}
