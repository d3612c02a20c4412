package io.brick.benchmarks;

import io.brick.core.connector.DisconnectOptions;
import io.brick.core.model.AttachedVolume;
import io.brick.core.model.ConnectionProperties;
import io.brick.testkit.host.Latencies;
import io.brick.testkit.sysfs.FakeSysfs;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * How much of an attach + detach on the zero-latency simulated host is brick and how much is the simulator (issue 8,
 * item 3): runs connect + disconnect in a loop under Java Flight Recorder's samplers (Java code, and native code such
 * as file system calls), then gives every sample to the innermost {@code io.brick} frame on its stack: the testkit and this module are the simulator (its file
 * tree, its tools, its clock), every other {@code io.brick} package is brick; samples with no {@code io.brick} frame
 * (the JVM's own threads, JIT) are counted apart. brick's share of the process's CPU time, divided by the operations,
 * is brick's own CPU cost per connect + disconnect.
 *
 * <pre>java -cp brick-benchmarks/target/benchmarks.jar io.brick.benchmarks.OverheadSplit [PORTALS [SECONDS]]</pre>
 */
public final class OverheadSplit {
    /** Where a CPU sample's time goes. */
    enum Owner { BRICK, SIMULATOR, OTHER }

    private OverheadSplit() {
    }

    /**
     * Runs the split and prints it.
     *
     * @param args the number of portals (1, 2 or 4; default 1), the seconds to measure (default 20) and how much of
     *             the kernel's tree the host shows ({@code KERNEL}, the default, or {@code READERS})
     */
    public static void main(String[] args) throws IOException, ParseException {
        int portals = args.length > 0 ? Integer.parseInt(args[0]) : 1;
        Duration measure = Duration.ofSeconds(args.length > 1 ? Long.parseLong(args[1]) : 20);
        FakeSysfs.Detail detail = FakeSysfs.Detail.valueOf(args.length > 2 ? args[2].toUpperCase(Locale.ROOT) : "KERNEL");
        // the host goes where OperationBenchmarks and the tests put theirs (tmpfs when there is one): on a disk file
        // system the simulator's file operations cost several times more (the "unexplained" 360 ms against 60 ms)
        Path parent = TreeCache.directory().getParent();
        Path dir = Files.createTempDirectory(parent != null && Files.isDirectory(parent) ? parent
                : Path.of(System.getProperty("java.io.tmpdir")), "brick-overhead");
        System.out.println("host tree in " + dir + " (" + detail + ")");
        Path jfr = dir.resolve("overhead.jfr");
        try (SimulatedLab lab = SimulatedLab.start(dir.resolve("host"), Latencies.zero(), 1, portals, 1,
                builder -> builder.detail(detail))) {
            ConnectionProperties volume = lab.volume(0, 0);
            long warmUntil = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            for (int warm = 0; warm < 100 || System.nanoTime() < warmUntil; warm++) {
                cycle(lab, volume);
            }
            com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean)
                    ManagementFactory.getOperatingSystemMXBean();
            Map<String, String> settings = new java.util.HashMap<>(Configuration.getConfiguration("profile").getSettings());
            settings.put("jdk.ExecutionSample#period", "10 ms");
            settings.put("jdk.NativeMethodSample#period", "10 ms");
            long operations = 0;
            long cpuBefore;
            long wallBefore;
            try (Recording recording = new Recording(settings)) {
                recording.start();
                cpuBefore = os.getProcessCpuTime();
                wallBefore = System.nanoTime();
                long until = wallBefore + measure.toNanos();
                while (System.nanoTime() < until) {
                    cycle(lab, volume);
                    operations++;
                }
                recording.stop();
                recording.dump(jfr);
            }
            long cpu = os.getProcessCpuTime() - cpuBefore;
            long wall = System.nanoTime() - wallBefore;
            Map<Owner, Long> samples = samples(jfr);
            long total = samples.values().stream().mapToLong(Long::longValue).sum();
            System.out.printf(Locale.ROOT, "portals %d: %d connect+disconnect in %.1f s wall, %.1f s process CPU%n",
                    portals, operations, wall / 1e9, cpu / 1e9);
            System.out.printf(Locale.ROOT, "  per operation: %.2f ms wall, %.2f ms CPU%n", wall / 1e6 / operations,
                    cpu / 1e6 / operations);
            for (Owner owner : Owner.values()) {
                long count = samples.getOrDefault(owner, 0L);
                double share = total == 0 ? 0 : (double) count / total;
                System.out.printf(Locale.ROOT, "  %-9s %6d samples %5.1f %%  ~%.2f ms CPU per operation%n",
                        owner.name().toLowerCase(Locale.ROOT), count, share * 100, share * cpu / 1e6 / operations);
            }
        } finally {
            TreeCache.delete(dir);
        }
    }

    private static void cycle(SimulatedLab lab, ConnectionProperties volume) {
        AttachedVolume attached = lab.connector().connect(volume);
        lab.connector().disconnect(volume, Optional.of(attached), DisconnectOptions.SAFE);
    }

    /** The recording's CPU samples, by owner. */
    static Map<Owner, Long> samples(Path jfr) throws IOException {
        Map<Owner, Long> counts = new EnumMap<>(Owner.class);
        for (RecordedEvent event : RecordingFile.readAllEvents(jfr)) {
            String type = event.getEventType().getName();
            if (type.equals("jdk.ExecutionSample") || type.equals("jdk.NativeMethodSample")) {
                counts.merge(owner(event.getStackTrace()), 1L, Long::sum);
            }
        }
        return counts;
    }

    /** The innermost {@code io.brick} frame decides; none: {@link Owner#OTHER}. */
    static Owner owner(RecordedStackTrace stack) {
        if (stack == null) {
            return Owner.OTHER;
        }
        List<RecordedFrame> frames = stack.getFrames();
        for (RecordedFrame frame : frames) {
            if (frame.getMethod() == null || frame.getMethod().getType() == null) {
                continue;
            }
            String type = frame.getMethod().getType().getName();
            if (type.startsWith("io.brick.testkit.") || type.startsWith("io.brick.benchmarks.")) {
                return Owner.SIMULATOR;
            }
            if (type.startsWith("io.brick.")) {
                return Owner.BRICK;
            }
        }
        return Owner.OTHER;
    }
}
