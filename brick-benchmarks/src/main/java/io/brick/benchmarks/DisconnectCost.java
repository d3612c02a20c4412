package io.brick.benchmarks;

import io.brick.core.bootstrap.Brick;
import io.brick.core.connector.Connector;
import io.brick.core.connector.ConnectorConfig;
import io.brick.core.connector.DisconnectOptions;
import io.brick.core.host.HostRoot;
import io.brick.core.lock.ProcessLocks;
import io.brick.core.model.ConnectionProperties;
import io.brick.core.model.Protocol;
import io.brick.core.port.Command;
import io.brick.core.port.CommandResult;
import io.brick.core.port.CommandRunner;
import io.brick.core.time.Sleeper;
import io.brick.iscsi.IscsiPlugin;
import io.brick.multipath.MultipathPlugin;
import io.brick.sysfs.SysfsPlugin;
import io.brick.testkit.sysfs.FakeSysfs;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeMap;

import static java.util.Objects.requireNonNull;

/**
 * The host reads and writes of whole disconnects (issue 17: "all the host reads and writes of one two-portal
 * disconnect on the 64k tree, everything but the commands it runs, take at most 20 ms"): brick's iSCSI connector, built
 * through the public runtime (sysfs, multipath and iSCSI plugins: the engine, the disconnect pipeline, the iSCSI
 * cleanup), disconnects volumes of a {@link HostTree} tree written by the testkit's {@link FakeSysfs}, from their
 * connection properties (every portal, IQN and LUN), as a node plugin would.
 *
 * <p>Nothing runs as a command: the command runner answers every command with exit 0 and no output, records it and
 * does to the tree what the command would do to the host ({@code multipath -f} and {@code multipathd del map} remove
 * the map, as the kernel does once device-mapper removes it). The kernel's half of a {@code device/delete} write (the
 * device going) happens in the sleeper, when brick waits for it: the sleeper does not sleep, it removes every device
 * of the volume whose {@code delete} holds {@code 1}. What is timed is the whole {@code disconnect} call less the time
 * spent in the runner and the sleeper: everything brick itself reads and writes on the host (sysfs, {@code /dev},
 * udev's database, its lock files), plus its own work. Wall-clock and the calling thread's CPU (the delete writes run
 * on a small pool; their wall-clock time is in the total, their CPU is not in the thread's).
 *
 * <p>The tree is written for the run (so it may be changed) under {@code -Dbrick.bench.dir}, in {@code
 * SHAPE-disconnect}, and removed afterwards. A runtime disconnects {@code WARMUP} volumes first (the JIT; a long-lived
 * node plugin is warm), then {@code VOLUMES} volumes, each timed; the result is the median, with the first (cold)
 * disconnect printed apart.
 *
 * <pre>java -cp brick-benchmarks/target/benchmarks.jar io.brick.benchmarks.DisconnectCost SHAPE... [--volumes N]
 * [--warmup N] [--seed N]</pre>
 */
public final class DisconnectCost {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /**
     * One disconnect's cost.
     *
     * @param volume which volume ({@code target/LUN})
     * @param wallNanos wall-clock time of the call, less the runner's and the sleeper's
     * @param cpuNanos the calling thread's CPU time of the call, less the runner's and the sleeper's
     * @param commands the commands it ran (as displayed)
     */
    public record Cost(String volume, long wallNanos, long cpuNanos, List<String> commands) {
        public Cost {
            requireNonNull(volume, "volume is null");
            commands = List.copyOf(commands);
        }
    }

    /**
     * A shape's result.
     *
     * @param shape the host
     * @param buildMillis how long writing its tree took
     * @param cold the first disconnect of the runtime
     * @param timed the timed disconnects, after the warm-up
     */
    public record Result(HostShape shape, long buildMillis, Cost cold, List<Cost> timed) {
        public Result {
            requireNonNull(shape, "shape is null");
            requireNonNull(cold, "cold is null");
            timed = List.copyOf(timed);
        }

        double medianWallNanos() {
            return SideBySide.median(timed.stream().map(cost -> (double) cost.wallNanos()).toList());
        }

        double medianCpuNanos() {
            return SideBySide.median(timed.stream().map(cost -> (double) cost.cpuNanos()).toList());
        }

        double maxWallNanos() {
            return timed.stream().mapToLong(Cost::wallNanos).max().orElse(0);
        }
    }

    /** Time (wall and this thread's CPU) spent outside brick: in the runner and in the sleeper. */
    static final class Excluded {
        private final Thread owner;
        private long wall;
        private long cpu;

        Excluded(Thread owner) {
            this.owner = requireNonNull(owner, "owner is null");
        }

        <T> T run(java.util.function.Supplier<T> work) {
            boolean mine = Thread.currentThread() == owner;
            long cpuStart = mine ? THREADS.getCurrentThreadCpuTime() : 0;
            long wallStart = System.nanoTime();
            try {
                return work.get();
            } finally {
                long wallEnd = System.nanoTime();
                synchronized (this) {
                    // a command run on another thread while the caller waits: its wall time is the caller's wait
                    wall += mine ? wallEnd - wallStart : 0;
                    cpu += mine ? THREADS.getCurrentThreadCpuTime() - cpuStart : 0;
                }
            }
        }

        synchronized long wall() {
            return wall;
        }

        synchronized long cpu() {
            return cpu;
        }
    }

    /**
     * The host's tools and its kernel, as far as a disconnect needs them: records every command; removes a map on
     * {@code multipath -f} / {@code multipathd del map}; removes a deleted device when brick waits for it.
     */
    static final class FakeHost implements CommandRunner, Sleeper {
        private final FakeSysfs sysfs;
        private final Path root;
        private final Map<String, String> mapsByReference = new HashMap<>();
        private final List<String> commands = new ArrayList<>();
        // the volume's disks and map still there: the fake's own checks must not list the whole host (at 65,536
        // disks, FakeSysfs.scsiDevices() is a list of every disk, and its garbage slows what is measured)
        private final java.util.Set<String> present = new java.util.LinkedHashSet<>();
        private String map = "";
        private boolean mapPresent;
        private Excluded excluded;

        FakeHost(FakeSysfs sysfs) {
            this.sysfs = requireNonNull(sysfs, "sysfs is null");
            this.root = sysfs.root();
        }

        /** Starts a volume's disconnect: its disks (for the kernel's half of the deletes) and its map's names. */
        synchronized void volume(List<String> volumeDisks, String map, Excluded watch) throws IOException {
            this.present.clear();
            this.present.addAll(volumeDisks);
            this.map = map;
            this.mapPresent = true;
            this.excluded = watch;
            this.commands.clear();
            String name = Files.readString(root.resolve("sys/block").resolve(map).resolve("dm/name")).strip();
            mapsByReference.clear();
            for (String reference : List.of(map, name, "/dev/" + map, "/dev/mapper/" + name)) {
                mapsByReference.put(reference, map);
            }
        }

        synchronized List<String> commands() {
            return List.copyOf(commands);
        }

        /** The volume's disks and map the host still has. */
        synchronized List<String> left() {
            List<String> left = new ArrayList<>(present);
            if (mapPresent) {
                left.add(map);
            }
            return left;
        }

        @Override
        public CommandResult run(Command command) {
            return excluded.run(() -> answer(command));
        }

        private synchronized CommandResult answer(Command command) {
            List<String> argv = command.argv();
            commands.add(command.display());
            boolean removesMap = argv.size() >= 3 && (argv.get(0).equals("multipath") && argv.get(1).equals("-f")
                    || argv.get(0).equals("multipathd") && argv.get(1).equals("del") && argv.get(2).equals("map"));
            if (removesMap) {
                String named = mapsByReference.get(argv.get(argv.size() - 1));
                if (named != null && mapPresent) {
                    sysfs.removeMultipathMap(named);
                    mapPresent = false;
                }
            }
            return new CommandResult(command.display(), 0, "", "", Duration.ZERO, false);
        }

        @Override
        public void sleep(Duration duration) {
            excluded.run(() -> {
                kernel();
                return null;
            });
        }

        /** The kernel's half of {@code device/delete}: the devices written to go. */
        private synchronized void kernel() {
            for (String disk : List.copyOf(present)) {
                try {
                    String written = Files.readString(sysfs.scsiDeviceDirectory(disk).resolve("delete")).strip();
                    if (written.equals("1")) {
                        sysfs.removeScsiDevice(disk);
                        present.remove(disk);
                    }
                } catch (NoSuchFileException gone) {
                    // not there: nothing to do
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        }
    }

    private DisconnectCost() {
    }

    /** The connection properties of (target, LUN) over every portal, as a node plugin gets them. */
    static ConnectionProperties properties(HostShape shape, int target, int lun) {
        List<String> portals = new ArrayList<>();
        List<String> iqns = new ArrayList<>();
        List<String> luns = new ArrayList<>();
        for (int portal = 0; portal < shape.portals(); portal++) {
            portals.add("\"" + HostShape.address(portal) + ":3260\"");
            iqns.add("\"" + HostShape.iqn(target) + "\"");
            luns.add(Integer.toString(lun));
        }
        return ConnectionProperties.parseJson("{\"target_portals\": [" + String.join(", ", portals)
                + "], \"target_iqns\": [" + String.join(", ", iqns) + "], \"target_luns\": ["
                + String.join(", ", luns) + "]}");
    }

    /**
     * Writes the tree of {@code shape} at {@code root}, disconnects {@code warmup} volumes, then {@code volumes} timed
     * ones (distinct, seeded), checks each is gone, and removes the tree.
     */
    public static Result run(HostShape shape, Path root, int warmup, int volumes, long seed) throws IOException {
        TreeCache.delete(root);
        long start = System.nanoTime();
        FakeSysfs sysfs = HostTree.write(root, shape, FakeSysfs.Detail.READERS);
        long buildMillis = (System.nanoTime() - start) / 1_000_000;
        try {
            FakeHost host = new FakeHost(sysfs);
            Brick brick = Brick.builder()
                    .plugins(new SysfsPlugin(), new MultipathPlugin(),
                            new IscsiPlugin(ConnectorConfig.defaults().withUseMultipath(shape.portals() > 1)))
                    .hostRoot(HostRoot.under(root.toString())).commandRunner(host).sleeper(host)
                    .processLocks(ProcessLocks.none())
                    .build();
            try (brick) {
                Connector connector = brick.connector(Protocol.ISCSI);
                SplittableRandom random = new SplittableRandom(seed);
                java.util.Set<Integer> taken = new java.util.HashSet<>();
                Cost cold = null;
                List<Cost> timed = new ArrayList<>();
                while (timed.size() < volumes) {
                    int target = random.nextInt(shape.targets());
                    int lun = random.nextInt(shape.lunsPerTarget());
                    if (!taken.add(target * shape.lunsPerTarget() + lun)) {
                        continue;
                    }
                    Cost cost = disconnect(shape, sysfs, host, connector, target, lun);
                    if (cold == null) {
                        cold = cost;
                    }
                    if (taken.size() > warmup) {
                        timed.add(cost);
                    }
                }
                return new Result(shape, buildMillis, cold, timed);
            }
        } finally {
            TreeCache.delete(root);
        }
    }

    private static Cost disconnect(HostShape shape, FakeSysfs sysfs, FakeHost host, Connector connector, int target,
                                   int lun) throws IOException {
        List<String> disks = new ArrayList<>();
        for (int portal = 0; portal < shape.portals(); portal++) {
            disks.add(shape.disk(target, portal, lun));
        }
        String map = shape.map(target, lun);
        ConnectionProperties properties = properties(shape, target, lun);
        Excluded excluded = new Excluded(Thread.currentThread());
        host.volume(disks, map, excluded);
        long cpuStart = THREADS.getCurrentThreadCpuTime();
        long wallStart = System.nanoTime();
        connector.disconnect(properties, Optional.empty(), DisconnectOptions.SAFE);
        long wall = System.nanoTime() - wallStart;
        long cpu = THREADS.getCurrentThreadCpuTime() - cpuStart;
        for (String name : disks) {
            if (Files.exists(sysfs.root().resolve("sys/block").resolve(name), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                throw new IllegalStateException("the disconnect of " + target + "/" + lun + " left " + name);
            }
        }
        if (!host.left().isEmpty() || Files.exists(sysfs.root().resolve("sys/block").resolve(map),
                java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            throw new IllegalStateException("the disconnect of " + target + "/" + lun + " left " + host.left());
        }
        return new Cost(target + "/" + lun, wall - excluded.wall(), cpu - excluded.cpu(), host.commands());
    }

    /**
     * Runs the shapes given and prints one line each, and the ratio to the first.
     *
     * @param args shapes ({@code 2x2x256 128x2x256}), then optionally {@code --volumes N} (9), {@code --warmup N}
     *             (20), {@code --seed N} (17)
     */
    public static void main(String[] args) throws IOException {
        List<HostShape> shapes = new ArrayList<>();
        int volumes = 9;
        int warmup = 20;
        long seed = 17;
        for (int index = 0; index < args.length; index++) {
            switch (args[index]) {
                case "--volumes" -> volumes = Integer.parseInt(args[++index]);
                case "--warmup" -> warmup = Integer.parseInt(args[++index]);
                case "--seed" -> seed = Long.parseLong(args[++index]);
                default -> shapes.add(HostShape.parse(args[index]));
            }
        }
        if (shapes.isEmpty()) {
            System.err.println("usage: DisconnectCost SHAPE... [--volumes N] [--warmup N] [--seed N]");
            System.exit(2);
        }
        Result first = null;
        for (HostShape shape : shapes) {
            Path root = TreeCache.directory().resolve(shape + "-disconnect");
            Result result = run(shape, root, warmup, volumes, seed);
            if (first == null) {
                first = result;
            }
            Map<String, Integer> commands = new TreeMap<>();
            for (String command : result.timed().get(0).commands()) {
                commands.merge(command.replaceAll("sd[a-z]+|dm-\\d+|3[0-9a-f]{32}", "X"), 1, Integer::sum);
            }
            System.out.printf(Locale.ROOT, "disconnect %-10s %,7d disks %,6d sessions: host I/O %8.2f ms wall (max %.2f),"
                            + " %8.2f ms CPU per disconnect, median of %d after %d warm-up; cold first %.2f ms wall;"
                            + " %.2f x / %.2f x the first shape (wall / CPU); tree built in %,d ms; commands %s%n",
                    shape, shape.devices(), shape.sessions(), result.medianWallNanos() / 1e6,
                    result.maxWallNanos() / 1e6, result.medianCpuNanos() / 1e6, result.timed().size(), warmup,
                    result.cold().wallNanos() / 1e6, result.medianWallNanos() / first.medianWallNanos(),
                    result.medianCpuNanos() / first.medianCpuNanos(), result.buildMillis(), commands);
            for (Cost cost : result.timed()) {
                System.out.printf(Locale.ROOT, "  %-8s %8.2f ms wall %8.2f ms CPU%n", cost.volume(),
                        cost.wallNanos() / 1e6, cost.cpuNanos() / 1e6);
            }
        }
    }
}
