package io.brick.benchmarks;

import io.brick.core.connector.DisconnectOptions;
import io.brick.core.model.AttachedVolume;
import io.brick.core.model.ConnectionProperties;
import io.brick.testkit.host.Latencies;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Whether a multi-threaded connect's simulated duration depends on how busy the machine is (issue 15): seeded
 * connects and disconnects of one volume behind {@code PORTALS} portals (multipath, one portal worker thread per
 * portal, realistic latencies) on a multi-threaded simulated host, each seed on a fresh host, optionally while
 * {@code BUSY} threads spin on the machine's processors. Prints each seed's simulated connect and disconnect time to
 * the nanosecond, and a digest to compare between an idle and a loaded run.
 *
 * <pre>java -cp brick-benchmarks/target/benchmarks.jar io.brick.benchmarks.ClockUnderLoad PORTALS SEEDS BUSY</pre>
 */
public final class ClockUnderLoad {
    private ClockUnderLoad() {
    }

    /**
     * Runs the seeds and prints their simulated times.
     *
     * @param args portals (default 2), seeds (default 20), spinning threads (default 0)
     */
    public static void main(String[] args) throws IOException {
        int portals = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        int seeds = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        int busy = args.length > 2 ? Integer.parseInt(args[2]) : 0;
        List<Thread> spinners = new ArrayList<>();
        for (int index = 0; index < busy; index++) {
            Thread spinner = new Thread(() -> {
                long sink = 0;
                while (!Thread.currentThread().isInterrupted()) {
                    sink += System.nanoTime() % 7;
                }
                if (sink == 42) {
                    System.out.print("");
                }
            }, "busy-" + index);
            spinner.setDaemon(true);
            spinner.start();
            spinners.add(spinner);
        }
        Path parent = TreeCache.directory().getParent();
        Path work = Files.createTempDirectory(parent != null && Files.isDirectory(parent) ? parent
                : Path.of(System.getProperty("java.io.tmpdir")), "brick-clock-load");
        TreeMap<Long, String> results = new TreeMap<>();
        long realStart = System.nanoTime();
        try {
            for (long seed = 1; seed <= seeds; seed++) {
                long chosen = seed;
                try (SimulatedLab lab = SimulatedLab.start(work.resolve("seed-" + seed), Latencies.realistic(), 1,
                        portals, 1, builder -> builder.seed(chosen).multiThreaded())) {
                    ConnectionProperties volume = lab.volume(0, 0);
                    Duration start = lab.host().clock().elapsed();
                    AttachedVolume attached = lab.connector().connect(volume);
                    Duration connected = lab.host().clock().elapsed();
                    lab.connector().disconnect(volume, Optional.of(attached), DisconnectOptions.SAFE);
                    Duration done = lab.host().clock().elapsed();
                    results.put(seed, String.format(Locale.ROOT, "%d %d %s", connected.minus(start).toNanos(),
                            done.minus(connected).toNanos(), attached.path().name()));
                }
            }
        } finally {
            spinners.forEach(Thread::interrupt);
            TreeCache.delete(work);
        }
        results.forEach((seed, line) -> System.out.println("seed " + seed + ": connect ns, disconnect ns, device: "
                + line));
        System.out.printf(Locale.ROOT, "portals %d, %d seeds, %d spinning threads: digest %08x, %.1f s real%n",
                portals, seeds, busy, List.copyOf(results.values()).hashCode(), (System.nanoTime() - realStart) / 1e9);
    }
}
