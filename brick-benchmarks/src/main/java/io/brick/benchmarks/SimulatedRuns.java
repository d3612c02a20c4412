package io.brick.benchmarks;

import io.brick.core.connector.DisconnectOptions;
import io.brick.core.error.BrickException;
import io.brick.core.model.AttachedVolume;
import io.brick.core.model.ConnectionProperties;
import io.brick.testkit.host.CommandLogEntry;
import io.brick.testkit.host.Latencies;
import io.brick.testkit.host.SimulatedHost;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * The simulated-host runs of issue 8 (items 3 to 5), printed as Markdown tables: what JMH is not for, because the
 * numbers are counts and simulated seconds, not wall-clock time.
 *
 * <ul>
 *   <li>{@code commands}: the commands one connect and one disconnect run, single path, 2 and 4 portals, and the
 *   simulated time each takes with realistic latencies;</li>
 *   <li>{@code concurrency}: 16 volumes on 16 targets, and 16 LUNs of one target, attached (and detached) all at once
 *   against one at a time, realistic latencies;</li>
 *   <li>{@code flaky}: a 2-portal connect with one dead portal, one slow portal (login +5 s), 30 % flaky logins on
 *   both portals: simulated time until connect returns a usable device, over several seeds.</li>
 * </ul>
 * Run: {@code java -cp brick-benchmarks/target/benchmarks.jar io.brick.benchmarks.SimulatedRuns [commands]
 * [concurrency] [flaky]} (all three without arguments).
 */
public final class SimulatedRuns {
    private static final int VOLUMES = 16;
    private static final int SEEDS = 20;

    private final PrintStream out;
    private final Path work;

    private SimulatedRuns(PrintStream out, Path work) {
        this.out = out;
        this.work = work;
    }

    public static void main(String[] args) throws Exception {
        List<String> runs = args.length == 0 ? List.of("commands", "concurrency", "flaky") : Arrays.asList(args);
        Path parent = TreeCache.directory().getParent();
        Path work = Files.createTempDirectory(parent != null && Files.isDirectory(parent) ? parent : Path.of("/tmp"),
                "brick-simulated");
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        SimulatedRuns simulated = new SimulatedRuns(out, work);
        try {
            for (String run : runs) {
                switch (run) {
                    case "commands" -> simulated.commands();
                    case "concurrency" -> simulated.concurrency();
                    case "flaky" -> simulated.flaky();
                    default -> throw new IllegalArgumentException("unknown run " + run
                            + " (commands, concurrency, flaky)");
                }
            }
        } finally {
            TreeCache.delete(work);
        }
    }

    private Path dir(String name) throws IOException {
        return Files.createDirectories(work.resolve(name + "-" + System.nanoTime()));
    }

    // ------------------------------------------------------------------------------------------- commands

    private void commands() throws IOException {
        out.println();
        out.println("### Commands per operation (zero latencies), and simulated time (realistic latencies)");
        out.println();
        out.println("| paths | connect: commands | disconnect: commands | connect, simulated s | "
                + "disconnect, simulated s | connect runs | disconnect runs |");
        out.println("| --- | --- | --- | --- | --- | --- | --- |");
        for (int portals : new int[] {1, 2, 4}) {
            List<CommandLogEntry> connect;
            List<CommandLogEntry> disconnect;
            try (SimulatedLab lab = SimulatedLab.start(dir("commands"), Latencies.zero(), 1, portals, 1, b -> { })) {
                ConnectionProperties volume = lab.volume(0, 0);
                int start = lab.commandCount();
                AttachedVolume attached = lab.connector().connect(volume);
                connect = lab.commandsSince(start);
                start = lab.commandCount();
                lab.connector().disconnect(volume, Optional.of(attached), DisconnectOptions.SAFE);
                disconnect = lab.commandsSince(start);
                requireClean(lab);
            }
            Duration connectTime;
            Duration disconnectTime;
            try (SimulatedLab lab = SimulatedLab.start(dir("commands"), Latencies.realistic(), 1, portals, 1,
                    b -> { })) {
                ConnectionProperties volume = lab.volume(0, 0);
                Duration start = lab.host().clock().elapsed();
                AttachedVolume attached = lab.connector().connect(volume);
                connectTime = lab.host().clock().elapsed().minus(start);
                start = lab.host().clock().elapsed();
                lab.connector().disconnect(volume, Optional.of(attached), DisconnectOptions.SAFE);
                disconnectTime = lab.host().clock().elapsed().minus(start);
                requireClean(lab);
            }
            out.printf(Locale.ROOT, "| %s | %d | %d | %s | %s | %s | %s |%n",
                    portals == 1 ? "1 (single path)" : portals + " (multipath)", connect.size(), disconnect.size(),
                    seconds(connectTime), seconds(disconnectTime), summary(connect), summary(disconnect));
        }
    }

    /** {@code iscsiadm -m node ×4, multipathd ×2}: each command by its tool and first words, counted. */
    private static String summary(List<CommandLogEntry> commands) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (CommandLogEntry entry : commands) {
            counts.merge(kind(entry.argv()), 1, Integer::sum);
        }
        List<String> parts = new ArrayList<>();
        counts.forEach((kind, count) -> parts.add(count == 1 ? kind : kind + " ×" + count));
        return String.join(", ", parts);
    }

    private static String kind(List<String> argv) {
        String tool = argv.get(0).substring(argv.get(0).lastIndexOf('/') + 1);
        if (tool.equals("iscsiadm")) {
            String mode = argv.size() > 2 ? argv.get(2) : "";
            for (String action : List.of("--login", "--logout", "--rescan")) {
                if (argv.contains(action)) {
                    return "`iscsiadm -m " + mode + " " + action + "`";
                }
            }
            int op = argv.indexOf("--op");
            return "`iscsiadm -m " + mode + (op >= 0 && op + 1 < argv.size() ? " --op " + argv.get(op + 1) : "") + "`";
        }
        if (tool.equals("multipathd") && argv.size() > 1) {
            return "`multipathd " + String.join(" ", argv.subList(1, Math.min(3, argv.size()))) + "`";
        }
        return "`" + tool + (argv.size() > 1 && argv.get(1).startsWith("-") ? " " + argv.get(1) : "") + "`";
    }

    private static void requireClean(SimulatedLab lab) {
        if (!lab.host().oracle().leftovers().isEmpty()) {
            throw new IllegalStateException("the run left " + lab.host().oracle().leftovers());
        }
    }

    // ---------------------------------------------------------------------------------------- concurrency

    private void concurrency() throws Exception {
        out.println();
        out.println("### Concurrency: 16 volumes at once against one at a time (realistic latencies, 2 portals)");
        out.println();
        out.println("| volumes | operation | one at a time, simulated s | all at once, simulated s | speed-up | "
                + "real s (one at a time / at once) |");
        out.println("| --- | --- | --- | --- | --- | --- |");
        concurrency("16 targets, 1 LUN each", VOLUMES, 1);
        concurrency("1 target, 16 LUNs", 1, VOLUMES);
    }

    private void concurrency(String label, int targets, int luns) throws Exception {
        Timing[] sequential = timeVolumes(targets, luns, false);
        Timing[] parallel = timeVolumes(targets, luns, true);
        String[] operations = {"connect", "disconnect"};
        for (int index = 0; index < 2; index++) {
            out.printf(Locale.ROOT, "| %s | %s | %s | %s | %.1f× | %.1f / %.1f |%n", label, operations[index],
                    seconds(sequential[index].simulated()), seconds(parallel[index].simulated()),
                    ratio(sequential[index].simulated(), parallel[index].simulated()),
                    sequential[index].realNanos() / 1e9, parallel[index].realNanos() / 1e9);
        }
    }

    private record Timing(Duration simulated, long realNanos) {
    }

    /** Connects every volume, then disconnects every volume; [connect, disconnect] timings. */
    private Timing[] timeVolumes(int targets, int luns, boolean atOnce) throws Exception {
        try (SimulatedLab lab = SimulatedLab.start(dir("concurrency"), Latencies.realistic(), targets, 2, luns,
                SimulatedHost.Builder::multiThreaded)) {
            List<ConnectionProperties> volumes = new ArrayList<>();
            for (int target = 0; target < targets; target++) {
                for (int lun = 0; lun < luns; lun++) {
                    volumes.add(lab.volume(target, lun));
                }
            }
            List<AttachedVolume> attached = new ArrayList<>();
            Timing connect = timed(lab, volumes.size(), atOnce, index -> {
                AttachedVolume volume = lab.connector().connect(volumes.get(index));
                synchronized (attached) {
                    attached.add(volume);
                }
            });
            Map<String, AttachedVolume> byWwid = new LinkedHashMap<>();
            attached.forEach(volume -> byWwid.put(volume.scsiWwn().orElseThrow().value(), volume));
            List<ConnectionProperties> order = new ArrayList<>(volumes);
            Timing disconnect = timed(lab, volumes.size(), atOnce, index -> {
                int target = targets == 1 ? 0 : index;
                int lun = targets == 1 ? index : 0;
                lab.connector().disconnect(order.get(index),
                        Optional.of(byWwid.get(HostShape.wwid(target, lun))), DisconnectOptions.SAFE);
            });
            requireClean(lab);
            return new Timing[] {connect, disconnect};
        }
    }

    private static Timing timed(SimulatedLab lab, int count, boolean atOnce, Consumer<Integer> work)
            throws InterruptedException, ExecutionException {
        Duration start = lab.host().clock().elapsed();
        long realStart = System.nanoTime();
        if (!atOnce) {
            for (int index = 0; index < count; index++) {
                work.accept(index);
            }
        } else {
            ExecutorService threads = Executors.newFixedThreadPool(count);
            try {
                CountDownLatch go = new CountDownLatch(1);
                List<Future<?>> running = new ArrayList<>();
                for (int index = 0; index < count; index++) {
                    int volume = index;
                    running.add(threads.submit(() -> {
                        go.await();
                        work.accept(volume);
                        return null;
                    }));
                }
                go.countDown();
                for (Future<?> each : running) {
                    each.get();
                }
            } finally {
                threads.shutdownNow();
            }
        }
        return new Timing(lab.host().clock().elapsed().minus(start), System.nanoTime() - realStart);
    }

    // ---------------------------------------------------------------------------------------------- flaky

    private void flaky() throws IOException {
        out.println();
        out.printf(Locale.ROOT, "### Flaky paths: 2-portal connect until a usable device (realistic latencies, "
                + "%d seeds)%n%n", SEEDS);
        out.println("| case | connects that returned | simulated s to the device: median | min | max | "
                + "paths in the map when connect returned (median) |");
        out.println("| --- | --- | --- | --- | --- | --- |");
        flaky("both portals healthy (reference)", host -> { });
        flaky("portal 2 dead (down before the connect)", host -> host.faults().pathDown(SimulatedLab.portal(1)));
        flaky("portal 2 slow (each login +5 s)",
                host -> host.faults().slowLogin(SimulatedLab.portal(1), Duration.ofSeconds(5)));
        flaky("30 % of logins fail, both portals", host -> host.faults()
                .flakyLogin(SimulatedLab.portal(0), 0.3).flakyLogin(SimulatedLab.portal(1), 0.3));
    }

    private void flaky(String label, Consumer<SimulatedHost> fault) throws IOException {
        List<Double> times = new ArrayList<>();
        List<Integer> paths = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        for (int seed = 1; seed <= SEEDS; seed++) {
            long chosen = seed;
            try (SimulatedLab lab = SimulatedLab.start(dir("flaky"), Latencies.realistic(), 1, 2, 1,
                    builder -> builder.seed(chosen))) {
                fault.accept(lab.host());
                Duration start = lab.host().clock().elapsed();
                try {
                    AttachedVolume attached = lab.connector().connect(lab.volume(0, 0));
                    times.add(lab.host().clock().elapsed().minus(start).toMillis() / 1000.0);
                    String name = attached.path().name();
                    paths.add(name.startsWith("dm-") ? countSlaves(lab, name) : 1);
                } catch (BrickException e) {
                    failures.add(e.getClass().getSimpleName());
                }
            }
        }
        times.sort(null);
        paths.sort(null);
        out.printf(Locale.ROOT, "| %s | %d of %d%s | %s | %s | %s | %s |%n", label, times.size(), SEEDS,
                failures.isEmpty() ? "" : " (" + String.join(", ", failures) + ")",
                times.isEmpty() ? "-" : String.format(Locale.ROOT, "%.2f", median(times)),
                times.isEmpty() ? "-" : String.format(Locale.ROOT, "%.2f", times.get(0)),
                times.isEmpty() ? "-" : String.format(Locale.ROOT, "%.2f", times.get(times.size() - 1)),
                paths.isEmpty() ? "-" : Integer.toString(paths.get(paths.size() / 2)));
    }

    private static int countSlaves(SimulatedLab lab, String map) {
        try (var entries = Files.list(lab.host().root().resolve("sys/block").resolve(map).resolve("slaves"))) {
            return (int) entries.count();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static double median(List<Double> sorted) {
        int middle = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
    }

    private static String seconds(Duration duration) {
        return String.format(Locale.ROOT, "%.2f", duration.toNanos() / 1e9);
    }

    private static double ratio(Duration slow, Duration fast) {
        return fast.isZero() ? Double.NaN : (double) slow.toNanos() / fast.toNanos();
    }
}
