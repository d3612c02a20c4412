package io.brick.reliability;

import io.brick.core.bootstrap.Brick;
import io.brick.core.model.Protocol;
import io.brick.core.port.TopologyProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 9, concurrency stress (DESIGN promise 6): {@value #THREADS} threads attach, write to, keep and detach volumes
 * of their own, round after round, on one simulated host through one brick runtime whose process locks are brick-sysfs's
 * lock files (as in production). No fault is injected, so every operation must succeed; afterwards nothing is left,
 * nothing was lost, nothing was done to a device that was not the operation's, and no session was logged out while it
 * was in use (the simulated host's oracle sees each of those; the threads see a lost path as a map short of a path per
 * portal).
 */
class ThreadStressTest {
    static final int THREADS = 32;
    private static final int ROUNDS = 2;
    private static final Duration WALL_LIMIT = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    private StressHost lab;

    @AfterEach
    void stop() {
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    void thirty_two_threads_on_the_luns_of_one_target_never_log_out_a_session_in_use() throws InterruptedException {
        long seed = 9_3_1L;
        lab = StressHost.start(dir.resolve("host"), seed, StressHost.latencies());
        List<List<StressVolume>> owned = new ArrayList<>();
        for (int thread = 0; thread < THREADS; thread++) {
            owned.add(List.of(lab.big.get(thread)));
        }
        List<List<StressVolume>> plan = plan(owned, seed);

        StressWorkload.Result result = run(seed, plan, "one target, " + StressHost.BIG_LUNS + " LUNs, 2 portals");

        assertClean(result);
    }

    @Test
    void thirty_two_threads_across_nine_targets_never_log_out_a_session_in_use() throws InterruptedException {
        long seed = 9_3_2L;
        lab = StressHost.start(dir.resolve("host"), seed, StressHost.latencies());
        List<List<StressVolume>> owned = new ArrayList<>();
        for (int thread = 0; thread < THREADS; thread++) {
            owned.add(List.of(lab.big.get(thread), lab.small.get(thread)));
        }
        List<List<StressVolume>> plan = plan(owned, seed);

        StressWorkload.Result result = run(seed, plan, "the big target and " + StressHost.SMALL_TARGETS
                + " targets of " + StressHost.SMALL_LUNS + " LUNs, 2 portals each (each thread owns a LUN of each, picks one per round)");

        assertClean(result);
    }

    /**
     * Thread {@code t} owns the volumes {@code owned.get(t)} (no other thread ever touches them: a volume is attached
     * and detached by one caller at a time) and works, each round, on one of them chosen at random (seeded).
     */
    private static List<List<StressVolume>> plan(List<List<StressVolume>> owned, long seed) {
        Random random = new Random(seed);
        List<List<StressVolume>> plan = new ArrayList<>();
        for (List<StressVolume> volumes : owned) {
            List<StressVolume> rounds = new ArrayList<>();
            for (int round = 0; round < ROUNDS; round++) {
                rounds.add(volumes.get(random.nextInt(volumes.size())));
            }
            plan.add(rounds);
        }
        return plan;
    }

    private StressWorkload.Result run(long seed, List<List<StressVolume>> plan, String storage)
            throws InterruptedException {
        Brick brick = lab.runtime(dir.resolve("locks"));
        StressWorkload workload = new StressWorkload(lab.host, brick.connector(Protocol.ISCSI),
                brick.port(TopologyProvider.class), seed,
                Duration.ofSeconds(30));
        StressWorkload.Result result;
        String waits;
        try (StressLockWaits lockWaits = new StressLockWaits()) {
            result = workload.run(plan, WALL_LIMIT);
            waits = lockWaits.summary();
        }
        List<String> lines = new ArrayList<>();
        lines.add("threads: " + storage + " (seed " + seed + ")");
        lines.add(String.format(Locale.ROOT, "  %d threads x %d rounds: %d connects (%d ok), %d disconnects (%d ok), "
                        + "%d path checks (%d ok), %d failures, %d stuck threads",
                result.threads(), result.rounds(), result.count("connect"), result.countOk("connect"),
                result.count("disconnect"), result.countOk("disconnect"),
                result.count("paths") + result.count("kept") + result.count("gone"),
                result.countOk("paths") + result.countOk("kept") + result.countOk("gone"), result.failures().size(),
                result.stuck().size()));
        lines.add("  connect mean/max " + result.timing("connect") + ", disconnect mean/max "
                + result.timing("disconnect") + " (simulated)");
        lines.add("  " + waits);
        lines.add(String.format(Locale.ROOT, "  wall time %.1f s, simulated time %.1f s; oracle: %d data-loss, "
                        + "%d wrong-device, %d session-in-use events, %d bus-wide scans; leftovers: %s",
                result.wall().toMillis() / 1000.0, result.simulated().toMillis() / 1000.0,
                lab.host.oracle().dataLossEvents().size(), lab.host.oracle().wrongDeviceEvents().size(),
                lab.host.oracle().sessionInUseEvents().size(), lab.host.oracle().busWideScans().size(),
                lab.host.oracle().leftovers().isEmpty() ? "none" : lab.host.oracle().leftovers()));
        StressReport.write("threads-" + (storage.startsWith("one") ? "1-one-target" : "2-nine-targets"), lines);
        return result;
    }

    private void assertClean(StressWorkload.Result result) {
        List<Object> problems = new ArrayList<>(result.failures());
        problems.addAll(result.stuck());
        assertThat(problems).as("failed operations or checks, and threads stuck (a deadlock or an endless wait)")
                .isEmpty();
        assertThat(result.countOk("connect")).isEqualTo((long) THREADS * ROUNDS);
        assertThat(result.countOk("disconnect")).isEqualTo((long) THREADS * ROUNDS);
        assertThat(lab.host.oracle().sessionInUseEvents()).as("sessions logged out while in use").isEmpty();
        assertThat(lab.host.oracle().dataLossEvents()).isEmpty();
        assertThat(lab.host.oracle().wrongDeviceEvents()).isEmpty();
        assertThat(lab.host.oracle().busWideScans()).isEmpty();
        assertThat(lab.host.oracle().leftovers().isEmpty()).as("leftovers: %s", lab.host.oracle().leftovers())
                .isTrue();
    }
}
