package io.brick.reliability;

import io.brick.core.bootstrap.Brick;
import io.brick.core.connector.ConnectorConfig;
import io.brick.core.model.Protocol;
import io.brick.core.port.TopologyProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 9, two processes sharing a lock directory (DESIGN promise 6, "across threads and processes"): this JVM and a
 * second one ({@link StressLockChild}) each run a brick runtime with {@value #THREADS} threads attaching and
 * detaching LUNs of the same target (the same IQN and portals, hence the same lock keys), each on its own simulated
 * host, with brick-sysfs's file locks in one shared directory. Every critical section of both processes is recorded
 * in one append-only file ({@link StressLockRecorder}); afterwards no two holders, of either process, were ever inside
 * one key at once; the processes did make each other wait; and every operation of both succeeded within its
 * deadline (a starved waiter would time out), leaving both hosts clean.
 *
 * <p>What this does not show: the two simulated hosts are separate (one kernel cannot span two JVMs), so a logout by
 * one process of a session the other uses is not observable here; {@link ThreadStressTest} checks that on one host.
 * This shows that brick's target operations take the process lock for the right keys and hold it around every step
 * that needs it, and that the file lock excludes a real second process.
 */
class ProcessStressTest {
    static final int THREADS = 8;
    private static final int ROUNDS = 3;
    private static final long SEED = 9_3_3L;
    /**
     * The time limits of both processes' operations and path checks, simulated. Each process has its own simulated
     * clock, and a thread waiting for the other process's lock sees its own clock run faster (its process is idle)
     * than the holder's (busy): a few real seconds of holding can be minutes of the waiter's simulated time. Limits of
     * ten minutes keep this test about exclusion and starvation, not about two clocks' relative speed.
     */
    static final Duration PATIENCE = Duration.ofMinutes(10);

    /** The iSCSI connector's defaults with {@link #PATIENCE} for a connect and a disconnect. */
    static ConnectorConfig config() {
        ConnectorConfig defaults = ConnectorConfig.defaults();
        return new ConnectorConfig(true, PATIENCE, defaults.deviceWait(), defaults.mapWait(),
                defaults.nudgeAfter(), PATIENCE, defaults.extendTimeout());
    }

    @TempDir
    Path dir;

    @Test
    void two_processes_sharing_a_lock_directory_never_hold_one_target_at_once() throws Exception {
        Path lockDirectory = dir.resolve("locks");
        Path records = dir.resolve("critical-sections.log");
        Process child = startChild(lockDirectory, records);
        ChildOutput output = new ChildOutput(child);
        StressWorkload.Result result;
        String oracle;
        long wallStart = System.nanoTime();
        try (StressHost lab = StressHost.start(dir.resolve("host"), SEED, StressHost.latencies());
             StressLockRecorder recorder = new StressLockRecorder(lab.fileLocks(lockDirectory), records,
                     "parent-" + ProcessHandle.current().pid())) {
            Brick brick = lab.runtime(recorder, ProcessStressTest.config());
            StressWorkload workload = new StressWorkload(lab.host, brick.connector(Protocol.ISCSI),
                    brick.port(TopologyProvider.class), SEED,
                    ProcessStressTest.PATIENCE);
            output.await("STRESS READY", Duration.ofSeconds(60));
            OutputStream in = child.getOutputStream();
            in.write("GO\n".getBytes(StandardCharsets.US_ASCII));
            in.flush();

            result = workload.run(plan(lab, 0, THREADS, ROUNDS), Duration.ofSeconds(80));
            oracle = oracleProblems(lab);

            assertThat(child.waitFor(90, TimeUnit.SECONDS)).as("the second process ends").isTrue();
            output.join();
        } finally {
            child.destroyForcibly();
        }
        List<String> childLines = output.lines();
        Duration wall = Duration.ofNanos(System.nanoTime() - wallStart);
        StressLockLog log = StressLockLog.read(records);
        String childResult = childLines.stream().filter(each -> each.startsWith("STRESS RESULT "))
                .map(each -> each.substring("STRESS RESULT ".length())).findFirst().orElse("none");
        StressReport.write("processes", List.of(
                "processes: two JVMs, one lock directory, the big target's 2 portals (2 keys), " + THREADS
                        + " threads each on LUNs of their own (seed " + SEED + ")",
                "  this process: " + summary(result),
                "  second process: " + childResult,
                String.format(Locale.ROOT, "  critical sections by process %s, %d waits found the key held by the other "
                                + "process, %d hand-overs between processes, longest wait for a key %d ms (real), "
                                + "%d overlaps; wall time %.1f s (with the second JVM's start)",
                        log.sectionsByProcess(), log.contendedAcrossProcesses(), log.handoversAcrossProcesses(),
                        log.longestWait().map(Duration::toMillis).orElse(0L), log.violations().size(),
                        wall.toMillis() / 1000.0)));

        assertThat(childLines).as("the second process's failures").noneMatch(each -> each.startsWith("STRESS FAILURE"));
        assertThat(child.exitValue()).as("the second process's exit code; its output: %s", childLines).isZero();
        List<Object> problems = new ArrayList<>(result.failures());
        problems.addAll(result.stuck());
        assertThat(problems).as("this process's failed operations or checks, stuck threads").isEmpty();
        assertThat(oracle).as("this process's host").isEmpty();
        assertThat(log.processes()).as("both processes took the locks").hasSize(2);
        assertThat(log.violations()).as("two holders inside one key at once").isEmpty();
        assertThat(log.contendedAcrossProcesses()).as("the processes made each other wait").isPositive();
    }

    /** Thread {@code t} works on LUN {@code firstLun + t} of the big target, every round. */
    static List<List<StressVolume>> plan(StressHost lab, int firstLun, int threads, int rounds) {
        List<List<StressVolume>> plan = new ArrayList<>();
        for (int thread = 0; thread < threads; thread++) {
            List<StressVolume> each = new ArrayList<>();
            for (int round = 0; round < rounds; round++) {
                each.add(lab.big.get(firstLun + thread));
            }
            plan.add(each);
        }
        return plan;
    }

    /** What the host's oracle saw that it should not have, or empty. */
    static String oracleProblems(StressHost lab) {
        List<String> problems = new ArrayList<>();
        if (!lab.host.oracle().sessionInUseEvents().isEmpty()) {
            problems.add("sessions logged out in use: " + lab.host.oracle().sessionInUseEvents());
        }
        if (!lab.host.oracle().dataLossEvents().isEmpty()) {
            problems.add("data loss: " + lab.host.oracle().dataLossEvents());
        }
        if (!lab.host.oracle().wrongDeviceEvents().isEmpty()) {
            problems.add("wrong devices: " + lab.host.oracle().wrongDeviceEvents());
        }
        if (!lab.host.oracle().leftovers().isEmpty()) {
            problems.add("leftovers: " + lab.host.oracle().leftovers());
        }
        return String.join("; ", problems);
    }

    static String summary(StressWorkload.Result result) {
        return String.format(Locale.ROOT, "%d threads x %d rounds, %d/%d connects ok, %d/%d disconnects ok, "
                        + "%d failures, %d stuck; connect mean/max %s, disconnect mean/max %s (simulated); wall %.1f s",
                result.threads(), result.rounds(), result.countOk("connect"), result.count("connect"),
                result.countOk("disconnect"), result.count("disconnect"), result.failures().size(),
                result.stuck().size(), result.timing("connect"), result.timing("disconnect"),
                result.wall().toMillis() / 1000.0);
    }

    private Process startChild(Path lockDirectory, Path records) throws IOException {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        return new ProcessBuilder(List.of(java, "-cp", classPath, "-Djava.io.tmpdir=" + dir,
                StressLockChild.class.getName(), dir.resolve("child-host").toString(), lockDirectory.toString(),
                records.toString(), Long.toString(SEED + 1), Integer.toString(THREADS), Integer.toString(THREADS),
                Integer.toString(ROUNDS)))
                .redirectError(dir.resolve("child-stderr.txt").toFile())
                .start();
    }

    /** The second process's stdout, read as it comes (so it never blocks on a full pipe). */
    private static final class ChildOutput {
        private final List<String> lines = new ArrayList<>();
        private final Thread reader;

        ChildOutput(Process child) {
            reader = new Thread(() -> {
                try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = out.readLine()) != null) {
                        synchronized (lines) {
                            lines.add(line);
                            lines.notifyAll();
                        }
                    }
                } catch (IOException e) {
                    synchronized (lines) {
                        lines.add("STRESS FAILURE reading the second process's output: " + e);
                    }
                } finally {
                    synchronized (lines) {
                        lines.notifyAll();
                    }
                }
            }, "stress-child-output");
            reader.setDaemon(true);
            reader.start();
        }

        void await(String expected, Duration limit) throws InterruptedException {
            long end = System.nanoTime() + limit.toNanos();
            synchronized (lines) {
                while (!lines.contains(expected)) {
                    long left = end - System.nanoTime();
                    if (left <= 0 || !reader.isAlive() && !lines.contains(expected)) {
                        throw new IllegalStateException("the second process did not say " + expected + ": " + lines);
                    }
                    lines.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                }
            }
        }

        void join() throws InterruptedException {
            reader.join(TimeUnit.SECONDS.toMillis(10));
        }

        List<String> lines() {
            synchronized (lines) {
                return List.copyOf(lines);
            }
        }
    }
}
