package io.brick.benchmarks;

import io.brick.core.bootstrap.Brick;
import io.brick.core.model.BlockDevice;
import io.brick.core.model.DeviceLinks;
import io.brick.core.model.Lun;
import io.brick.core.model.MultipathMap;
import io.brick.core.model.Wwid;
import io.brick.core.port.DeviceFlusher;
import io.brick.core.port.SysfsAccess;
import io.brick.core.port.TopologyProvider;
import io.brick.iscsi.Iqn;
import io.brick.iscsi.IscsiSession;
import io.brick.iscsi.IscsiSessionReader;
import io.brick.iscsi.Portal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static java.util.Objects.requireNonNull;

/**
 * brick's half of the side-by-side with os-brick (issue 17): writes (or reuses) the tree of a {@link HostShape} with
 * {@link TreeCache}, draws a seeded sample of volumes, times brick's production lookups on it and writes the sample
 * and brick's times as JSON, for {@code brick-benchmarks/osbrick/lookups.py} to run os-brick's own functions on the
 * same tree and the same sample. {@code brick-benchmarks/osbrick/run.sh} runs both and prints the table.
 *
 * <p>brick reads the tree where it is ({@code HostRoot.under(tree)}); os-brick, whose paths are absolute, sees it
 * bound over {@code /sys} and {@code /dev} in a private mount namespace.
 *
 * <p>The lookups, each on every sampled volume: {@code sessionDevice} (the disk of (session, LUN)), {@code wwid} (a
 * disk's WWID), {@code holderMap} (the map holding a disk, as a disconnect asks it first: {@link
 * TopologyProvider#holders}, one listing of {@code holders/}), {@code mapRead} (then that map, read and checked where
 * it is: {@link TopologyProvider#holderMap(String, String)}), {@code volumeDevices} (every disk of the volume on all
 * its portals: one read of the IQN's sessions, then the LUN in each session to a portal, as the iSCSI connector's
 * disconnect finds them) and {@code staleLinks} (the by-id links of the volume's removed disks, as every disconnect
 * removes them; the disks' {@code /sys/block} entries are taken away before the call and everything is put back
 * after it, outside the timing). A round runs the sample enough times to last {@link #MIN_ROUND_NANOS}; the result is
 * the median over the rounds of the time per call, wall-clock and the thread's CPU time.
 *
 * <pre>java -cp brick-benchmarks/target/benchmarks.jar io.brick.benchmarks.SideBySide SHAPE OUT_DIR [SAMPLE [ROUNDS [SEED]]]</pre>
 * Trees go to {@code -Dbrick.bench.dir} (see {@link TreeCache}). Writes {@code OUT_DIR/SHAPE.sample.json} and
 * {@code OUT_DIR/SHAPE.brick.json}, and prints the tree's path as the last line.
 */
public final class SideBySide {
    /** The lookups, in the table's order. */
    public static final List<String> LOOKUPS = List.of("sessionDevice", "wwid", "holderMap", "mapRead",
            "volumeDevices", "staleLinks");
    /** A round lasts at least this long (short lookups run the sample several times per round). */
    static final long MIN_ROUND_NANOS = 50_000_000L;
    /** Warm-up per lookup (the JIT compiles brick's code; the Python side, interpreted, warms for a second). */
    private static final long WARMUP_NANOS = Long.getLong("brick.sbs.warmup.ms", 10_000L) * 1_000_000L;

    /**
     * One sampled volume: a (target, LUN) and one of its portals, with what the tree holds for it.
     *
     * @param target the target (from 0)
     * @param portal the portal whose disk the single-disk lookups ask about
     * @param lun the LUN
     * @param session the session of (target, portal)
     * @param hctl the disk's H:C:T:L
     * @param disk the disk of (target, portal, LUN)
     * @param map the multipath map of (target, LUN)
     * @param wwid the WWID (udev form)
     * @param iqn the target's IQN
     * @param portals the target's portals ({@code address:3260}), in portal order
     * @param disks the volume's disks on every portal, in portal order
     */
    public record Pick(int target, int portal, int lun, int session, String hctl, String disk, String map,
                       String wwid, String iqn, List<String> portals, List<String> disks) {
        public Pick {
            requireNonNull(hctl, "hctl is null");
            requireNonNull(disk, "disk is null");
            requireNonNull(map, "map is null");
            requireNonNull(wwid, "wwid is null");
            requireNonNull(iqn, "iqn is null");
            portals = List.copyOf(portals);
            disks = List.copyOf(disks);
        }
    }

    /**
     * A lookup's time per call, the median of its rounds: wall-clock, and the calling thread's CPU time (which the
     * other jobs on a loaded machine do not inflate).
     */
    public record Timing(String lookup, double medianNanos, List<Double> roundNanos, double cpuMedianNanos,
                         List<Double> cpuRoundNanos, long callsPerRound) {
        public Timing {
            requireNonNull(lookup, "lookup is null");
            roundNanos = List.copyOf(roundNanos);
            cpuRoundNanos = List.copyOf(cpuRoundNanos);
        }
    }

    /** Adds up the wall-clock and thread CPU time between each {@link #start} and {@link #stop}. */
    static final class Stopwatch {
        private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        private long wall;
        private long cpu;
        private long wallStart;
        private long cpuStart;

        void start() {
            cpuStart = threads.getCurrentThreadCpuTime();
            wallStart = System.nanoTime();
        }

        void stop() {
            long wallEnd = System.nanoTime();
            long cpuEnd = threads.getCurrentThreadCpuTime();
            wall += wallEnd - wallStart;
            cpu += cpuEnd - cpuStart;
        }

        void reset() {
            wall = 0;
            cpu = 0;
        }
    }

    /** One call on one pick, timed between {@code watch.start()} and {@code watch.stop()}. */
    @FunctionalInterface
    interface Call {
        void run(Pick pick, Stopwatch watch);
    }

    private SideBySide() {
    }

    /** {@code count} distinct volumes of {@code shape}, drawn from a random sequence seeded with {@code seed}. */
    public static List<Pick> sample(HostShape shape, int count, long seed) {
        if (count < 1 || count > shape.maps()) {
            throw new IllegalArgumentException("a sample of " + count + " volumes from " + shape.maps());
        }
        SplittableRandom random = new SplittableRandom(seed);
        Set<Integer> taken = new HashSet<>();
        List<Pick> picks = new ArrayList<>();
        while (picks.size() < count) {
            int target = random.nextInt(shape.targets());
            int lun = random.nextInt(shape.lunsPerTarget());
            int portal = random.nextInt(shape.portals());
            if (!taken.add(target * shape.lunsPerTarget() + lun)) {
                continue;
            }
            int session = shape.session(target, portal);
            List<String> portals = new ArrayList<>();
            List<String> disks = new ArrayList<>();
            for (int each = 0; each < shape.portals(); each++) {
                portals.add(HostShape.address(each) + ":3260");
                disks.add(shape.disk(target, each, lun));
            }
            picks.add(new Pick(target, portal, lun, session, HostShape.hostOf(session) + ":0:0:" + lun,
                    shape.disk(target, portal, lun), shape.map(target, lun), HostShape.wwid(target, lun),
                    HostShape.iqn(target), portals, disks));
        }
        return List.copyOf(picks);
    }

    /**
     * What {@code iscsiadm -m session} prints on this host (os-brick's disconnect reads its sessions so; the Python
     * side answers its command with this text instead of running it).
     */
    static String iscsiadmSessions(HostShape shape) {
        StringBuilder out = new StringBuilder();
        for (int target = 0; target < shape.targets(); target++) {
            for (int portal = 0; portal < shape.portals(); portal++) {
                out.append("tcp: [").append(shape.session(target, portal)).append("] ")
                        .append(HostShape.address(portal)).append(":3260,1 ").append(HostShape.iqn(target))
                        .append(" (non-flash)\n");
            }
        }
        return out.toString();
    }

    /** What {@code iscsiadm -m node} prints on this host. */
    static String iscsiadmNodes(HostShape shape) {
        StringBuilder out = new StringBuilder();
        for (int target = 0; target < shape.targets(); target++) {
            for (int portal = 0; portal < shape.portals(); portal++) {
                out.append(HostShape.address(portal)).append(":3260,1 ").append(HostShape.iqn(target)).append('\n');
            }
        }
        return out.toString();
    }

    /** The sample as JSON, for the Python side. */
    static String sampleJson(HostShape shape, long seed, List<Pick> picks, Map<String, List<String>> linksOf) {
        StringBuilder json = new StringBuilder("{\n");
        json.append("  \"shape\": ").append(quote(shape.toString())).append(",\n");
        json.append("  \"devices\": ").append(shape.devices()).append(",\n");
        json.append("  \"sessions\": ").append(shape.sessions()).append(",\n");
        json.append("  \"maps\": ").append(shape.maps()).append(",\n");
        json.append("  \"seed\": ").append(seed).append(",\n");
        json.append("  \"iscsiadm_session\": ").append(quote(iscsiadmSessions(shape))).append(",\n");
        json.append("  \"iscsiadm_node\": ").append(quote(iscsiadmNodes(shape))).append(",\n");
        json.append("  \"picks\": [\n");
        for (int index = 0; index < picks.size(); index++) {
            Pick pick = picks.get(index);
            json.append("    {\"target\": ").append(pick.target())
                    .append(", \"portal\": ").append(pick.portal())
                    .append(", \"lun\": ").append(pick.lun())
                    .append(", \"session\": ").append(pick.session())
                    .append(", \"hctl\": ").append(quote(pick.hctl()))
                    .append(", \"disk\": ").append(quote(pick.disk()))
                    .append(", \"map\": ").append(quote(pick.map()))
                    .append(", \"wwid\": ").append(quote(pick.wwid()))
                    .append(", \"iqn\": ").append(quote(pick.iqn()))
                    .append(", \"portals\": ").append(quoteAll(pick.portals()))
                    .append(", \"disks\": ").append(quoteAll(pick.disks()))
                    .append(", \"stale_links\": ").append(quoteAll(expectedStaleLinks(pick, linksOf)))
                    .append('}').append(index + 1 < picks.size() ? ",\n" : "\n");
        }
        json.append("  ]\n}\n");
        return json.toString();
    }

    /** brick's times as JSON. */
    static String timingsJson(HostShape shape, int sample, List<Timing> timings) {
        StringBuilder json = new StringBuilder("{\n");
        json.append("  \"side\": \"brick\",\n");
        json.append("  \"shape\": ").append(quote(shape.toString())).append(",\n");
        json.append("  \"sample\": ").append(sample).append(",\n");
        json.append("  \"lookups\": {\n");
        for (int index = 0; index < timings.size(); index++) {
            Timing timing = timings.get(index);
            json.append("    ").append(quote(timing.lookup())).append(": {\"median_ns\": ")
                    .append(String.format(Locale.ROOT, "%.1f", timing.medianNanos()))
                    .append(", \"cpu_median_ns\": ")
                    .append(String.format(Locale.ROOT, "%.1f", timing.cpuMedianNanos()))
                    .append(", \"calls_per_round\": ").append(timing.callsPerRound())
                    .append(", \"rounds_ns\": ").append(numbers(timing.roundNanos()))
                    .append(", \"cpu_rounds_ns\": ").append(numbers(timing.cpuRoundNanos()))
                    .append('}').append(index + 1 < timings.size() ? ",\n" : "\n");
        }
        json.append("  }\n}\n");
        return json.toString();
    }

    /** The by-id links that point at the volume's disks (what a disconnect of it must remove), sorted. */
    static List<String> expectedStaleLinks(Pick pick, Map<String, List<String>> linksOf) {
        return pick.disks().stream().flatMap(disk -> linksOf.getOrDefault(disk, List.of()).stream()).sorted()
                .toList();
    }

    /** Every by-id link of the tree to a disk ({@code ../../sdX}), by disk: read once, before anything is timed. */
    static Map<String, List<String>> byIdLinksByDisk(Path root) {
        Map<String, List<String>> byDisk = new TreeMap<>();
        Path byId = root.resolve("dev/disk/by-id");
        try (DirectoryStream<Path> links = Files.newDirectoryStream(byId)) {
            for (Path link : links) {
                if (Files.isSymbolicLink(link)) {
                    Path target = Files.readSymbolicLink(link).getFileName();
                    if (target != null && target.toString().startsWith("sd")) {
                        byDisk.computeIfAbsent(target.toString(), key -> new ArrayList<>())
                                .add(link.getFileName().toString());
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        byDisk.values().forEach(names -> names.sort(null));
        return byDisk;
    }

    /** The median of some values. */
    static double median(List<Double> values) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        if (sorted.length == 0) {
            throw new IllegalArgumentException("no values");
        }
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    /**
     * Times {@code call} over the sample: warms up for {@code -Dbrick.sbs.warmup.ms} (10 s; at least one pass), sizes a round to last at least
     * {@link #MIN_ROUND_NANOS}, then runs {@code rounds} rounds.
     */
    static Timing measure(String lookup, List<Pick> picks, Call call, int rounds) {
        Stopwatch watch = new Stopwatch();
        long warmupStart = System.nanoTime();
        int passes = 0;
        do {
            for (Pick pick : picks) {
                call.run(pick, watch);
            }
            passes++;
        } while (System.nanoTime() - warmupStart < WARMUP_NANOS);
        long passNanos = Math.max(1, watch.wall / passes);
        long passesPerRound = Math.max(1, (MIN_ROUND_NANOS + passNanos - 1) / passNanos);
        long calls = passesPerRound * picks.size();
        List<Double> perCall = new ArrayList<>();
        List<Double> cpuPerCall = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            watch.reset();
            for (long pass = 0; pass < passesPerRound; pass++) {
                for (Pick pick : picks) {
                    call.run(pick, watch);
                }
            }
            perCall.add((double) watch.wall / calls);
            cpuPerCall.add((double) watch.cpu / calls);
        }
        return new Timing(lookup, median(perCall), perCall, median(cpuPerCall), cpuPerCall, calls);
    }

    /** brick's lookups over the tree at {@code root}. */
    static final class BrickLookups implements AutoCloseable {
        private final Path root;
        private final Brick brick;
        private final TopologyProvider topology;
        private final IscsiSessionReader sessions;
        private final DeviceFlusher flusher;
        private final Map<String, List<String>> linksOf;

        BrickLookups(Path root) {
            this.root = requireNonNull(root, "root is null");
            this.brick = Hosts.sysfsRuntime(root);
            this.topology = Hosts.topology(brick);
            this.sessions = new IscsiSessionReader(brick.port(SysfsAccess.class), topology);
            this.flusher = brick.port(DeviceFlusher.class);
            this.linksOf = byIdLinksByDisk(root);
        }

        Map<String, List<String>> linksOf() {
            return linksOf;
        }

        String sessionDevice(Pick pick) {
            return sessions.device(pick.session(), Lun.of(pick.lun())).map(BlockDevice::name).orElse("");
        }

        String wwid(Pick pick) {
            return topology.wwid(pick.disk()).map(Wwid::value).orElse("");
        }

        /** The map holding the disk, as {@code VolumeDevices.judge} asks it first: the holders' names (one listing). */
        String holderMap(Pick pick) {
            List<String> holders = topology.holders(pick.disk());
            return holders.isEmpty() ? "" : holders.get(0);
        }

        /** Then the holder read as the disk's map (uuid, name, slaves, size; the disk among its slaves). */
        String mapRead(Pick pick) {
            return topology.holderMap(pick.disk(), pick.map()).map(MultipathMap::name).orElse("");
        }

        /** The volume's disks on all its portals: one read of the IQN's sessions, then the LUN in each. */
        List<String> volumeDevices(Pick pick) {
            Iqn iqn = Iqn.of(pick.iqn());
            List<IscsiSession> ofIqn = sessions.sessions(iqn);
            List<String> found = new ArrayList<>();
            for (String address : pick.portals()) {
                Portal portal = Portal.parse(address);
                for (IscsiSession session : ofIqn) {
                    if (session.connects(portal, iqn)) {
                        sessions.device(session.sessionId(), Lun.of(pick.lun())).map(BlockDevice::name)
                                .ifPresent(found::add);
                    }
                }
            }
            return found;
        }

        /**
         * The link cleanup of a disconnect of the volume: its disks' {@code /sys/block} entries are taken away (as the
         * kernel does once they are deleted), {@link DeviceFlusher#removeStaleLinks} is timed, then the links it
         * removed and the entries are put back. {@code removed} gets what it removed.
         */
        void staleLinks(Pick pick, List<String> removed, Stopwatch watch) {
            Map<Path, Path> entries = new LinkedHashMap<>();
            Map<Path, Path> links = new LinkedHashMap<>();
            try {
                for (String disk : pick.disks()) {
                    Path entry = root.resolve("sys/block").resolve(disk);
                    entries.put(entry, Files.readSymbolicLink(entry));
                    for (String link : linksOf.getOrDefault(disk, List.of())) {
                        Path path = root.resolve("dev/disk/by-id").resolve(link);
                        links.put(path, Files.readSymbolicLink(path));
                    }
                }
                // a disconnect reads each path's links while it is there, and looks only at those once it is gone
                watch.start();
                DeviceLinks known = flusher.linksOf(pick.disks());
                watch.stop();
                for (Path entry : entries.keySet()) {
                    Files.delete(entry);
                }
                watch.start();
                List<String> names = flusher.removeStaleLinks(known);
                watch.stop();
                removed.addAll(names);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } finally {
                restore(entries);
                restore(links);
            }
        }

        private static void restore(Map<Path, Path> links) {
            for (Map.Entry<Path, Path> link : links.entrySet()) {
                try {
                    if (!Files.isSymbolicLink(link.getKey())) {
                        Files.createSymbolicLink(link.getKey(), link.getValue());
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException("could not put back " + link.getKey(), e);
                }
            }
        }

        /** Checks every lookup's answer on every pick: a lookup that finds nothing measures nothing. */
        void check(List<Pick> picks) {
            for (Pick pick : picks) {
                expect(pick, "sessionDevice", sessionDevice(pick), pick.disk());
                expect(pick, "wwid", wwid(pick), pick.wwid());
                expect(pick, "holderMap", holderMap(pick), pick.map());
                expect(pick, "mapRead", mapRead(pick), pick.wwid());
                expect(pick, "holderMap (whole)", topology.holderMap(pick.disk()).map(MultipathMap::kernelName)
                        .orElse(""), pick.map());
                expect(pick, "volumeDevices", volumeDevices(pick), pick.disks());
                List<String> removed = new ArrayList<>();
                staleLinks(pick, removed, new Stopwatch());
                removed.sort(null);
                List<String> expected = expectedStaleLinks(pick, linksOf);
                if (expected.isEmpty()) {
                    throw new IllegalStateException("no by-id link points at the disks of " + pick);
                }
                expect(pick, "staleLinks", removed, expected);
            }
        }

        private static void expect(Pick pick, String lookup, Object found, Object expected) {
            if (!found.equals(expected)) {
                throw new IllegalStateException(lookup + " of " + pick + " found " + found + ", not " + expected);
            }
        }

        List<Timing> measure(List<Pick> picks, int rounds) {
            List<Timing> timings = new ArrayList<>();
            timings.add(SideBySide.measure("sessionDevice", picks, timed(this::sessionDevice), rounds));
            timings.add(SideBySide.measure("wwid", picks, timed(this::wwid), rounds));
            timings.add(SideBySide.measure("holderMap", picks, timed(this::holderMap), rounds));
            timings.add(SideBySide.measure("mapRead", picks, timed(this::mapRead), rounds));
            timings.add(SideBySide.measure("volumeDevices", picks, timed(this::volumeDevices), rounds));
            timings.add(SideBySide.measure("staleLinks", picks, (pick, watch) -> staleLinks(pick, new ArrayList<>(), watch),
                    rounds));
            return timings;
        }

        private static Call timed(java.util.function.Function<Pick, Object> lookup) {
            return (pick, watch) -> {
                watch.start();
                Object answer = lookup.apply(pick);
                watch.stop();
                if (answer == null) {
                    throw new IllegalStateException("no answer");
                }
            };
        }

        @Override
        public void close() {
            brick.close();
        }
    }

    /**
     * Runs brick's half for one shape.
     *
     * @param args the shape ({@code 128x2x256}), the output directory, and optionally the sample size (8), the rounds
     *             (5) and the seed (17)
     */
    public static void main(String[] args) throws IOException {
        if (args.length < 2) {
            System.err.println("usage: SideBySide SHAPE OUT_DIR [SAMPLE [ROUNDS [SEED]]]");
            System.exit(2);
        }
        HostShape shape = HostShape.parse(args[0]);
        Path out = Path.of(args[1]);
        int sample = args.length > 2 ? Integer.parseInt(args[2]) : 8;
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 5;
        long seed = args.length > 4 ? Long.parseLong(args[4]) : 17;
        Files.createDirectories(out);
        Path root = TreeCache.tree(shape);
        System.out.printf(Locale.ROOT, "[tree %s: %,d disks, %,d maps, %,d sessions at %s; built in %,d ms]%n",
                shape, shape.devices(), shape.maps(), shape.sessions(), root, TreeCache.buildMillis(shape));
        List<Pick> picks = sample(shape, sample, seed);
        try (BrickLookups brick = new BrickLookups(root)) {
            brick.check(picks);
            Files.writeString(out.resolve(shape + ".sample.json"), sampleJson(shape, seed, picks, brick.linksOf()));
            List<Timing> timings = brick.measure(picks, rounds);
            for (Timing timing : timings) {
                System.out.printf(Locale.ROOT, "brick %-14s %12.1f us/call, CPU %12.1f us/call (%d calls a round)%n",
                        timing.lookup(), timing.medianNanos() / 1000, timing.cpuMedianNanos() / 1000,
                        timing.callsPerRound());
            }
            Files.writeString(out.resolve(shape + ".brick.json"), timingsJson(shape, sample, timings));
        }
        System.out.println(root);
    }

    private static String quote(String text) {
        StringBuilder quoted = new StringBuilder("\"");
        for (char each : text.toCharArray()) {
            switch (each) {
                case '"' -> quoted.append("\\\"");
                case '\\' -> quoted.append("\\\\");
                case '\n' -> quoted.append("\\n");
                default -> {
                    if (each < 0x20) {
                        quoted.append(String.format(Locale.ROOT, "\\u%04x", (int) each));
                    } else {
                        quoted.append(each);
                    }
                }
            }
        }
        return quoted.append('"').toString();
    }

    private static String numbers(List<Double> values) {
        return values.stream().map(each -> String.format(Locale.ROOT, "%.1f", each))
                .collect(Collectors.joining(", ", "[", "]"));
    }

    private static String quoteAll(List<String> texts) {
        return texts.stream().map(SideBySide::quote).collect(Collectors.joining(", ", "[", "]"));
    }
}
