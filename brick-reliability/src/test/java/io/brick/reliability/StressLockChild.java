package io.brick.reliability;

import io.brick.core.bootstrap.Brick;
import io.brick.core.model.Protocol;
import io.brick.core.port.TopologyProvider;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The second process of {@link ProcessStressTest}: its own simulated host with the stress storage and its own brick
 * runtime, whose process locks are brick-sysfs's lock files in the lock directory the first process uses too (wrapped
 * by a {@link StressLockRecorder} writing to the shared record file). Prints {@code STRESS READY}, waits for a line on
 * stdin, runs its threads on LUNs of the big target, prints {@code STRESS RESULT} (and {@code STRESS FAILURE} lines)
 * and exits 0 iff every operation and check succeeded and its host is clean.
 *
 * <p>Arguments: work directory, lock directory, record file, seed, first LUN, threads, rounds.
 */
final class StressLockChild {
    private StressLockChild() {
    }

    public static void main(String[] args) throws Exception {
        Path work = Path.of(args[0]);
        Path lockDirectory = Path.of(args[1]);
        Path records = Path.of(args[2]);
        long seed = Long.parseLong(args[3]);
        int firstLun = Integer.parseInt(args[4]);
        int threads = Integer.parseInt(args[5]);
        int rounds = Integer.parseInt(args[6]);
        String process = "child-" + ProcessHandle.current().pid();
        StressWorkload.Result result;
        String oracle;
        try (StressHost lab = StressHost.start(work, seed, StressHost.latencies());
             StressLockRecorder recorder = new StressLockRecorder(lab.fileLocks(lockDirectory), records, process)) {
            Brick brick = lab.runtime(recorder, ProcessStressTest.config());
            StressWorkload workload = new StressWorkload(lab.host, brick.connector(Protocol.ISCSI),
                    brick.port(TopologyProvider.class), seed,
                    ProcessStressTest.PATIENCE);
            List<List<StressVolume>> plan = ProcessStressTest.plan(lab, firstLun, threads, rounds);
            System.out.println("STRESS READY");
            System.out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            if (in.readLine() == null) {
                System.out.println("STRESS FAILURE no go");
                System.exit(2);
            }
            result = workload.run(plan, Duration.ofSeconds(80));
            oracle = ProcessStressTest.oracleProblems(lab);
        }
        for (StressWorkload.Op failure : result.failures()) {
            System.out.println("STRESS FAILURE " + failure);
        }
        for (String stuck : result.stuck()) {
            System.out.println("STRESS FAILURE " + stuck);
        }
        if (!oracle.isEmpty()) {
            System.out.println("STRESS FAILURE " + oracle);
        }
        System.out.println("STRESS RESULT " + ProcessStressTest.summary(result));
        System.out.flush();
        System.exit(result.failures().isEmpty() && result.stuck().isEmpty() && oracle.isEmpty() ? 0 : 1);
    }
}
