package io.brick.reliability;

import io.brick.core.bootstrap.Brick;
import io.brick.core.connector.Connector;
import io.brick.core.model.Protocol;
import io.brick.core.port.TopologyProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The stress tests' checks can fail: each sees the breach it is there for. */
class StressChecksTest {
    @TempDir
    Path dir;

    @Test
    void a_logout_of_a_session_in_use_is_seen_by_the_oracle_and_as_lost_paths() {
        try (StressHost lab = StressHost.start(dir.resolve("host"), 1, StressHost.latencies())) {
            Brick brick = lab.runtime(dir.resolve("locks"));
            Connector connector = brick.connector(Protocol.ISCSI);
            StressWorkload workload = new StressWorkload(lab.host, connector, brick.port(TopologyProvider.class), 1,
                    java.time.Duration.ofSeconds(30));
            StressVolume lun0 = lab.big.get(0);
            StressVolume lun1 = lab.big.get(1);
            connector.connect(lun0.properties());
            connector.connect(lun1.properties());
            lab.host.clock().sleep(java.time.Duration.ofSeconds(1));
            assertThat(workload.pathProblem(lun0)).isEmpty();

            // what a detach without the target's lock could do: log out while LUNs 0 and 1 are attached
            lab.host.run("iscsiadm", "-m", "node", "-T", StressHost.BIG, "-p", "127.0.0.1:3260", "--logout");

            assertThat(lab.host.oracle().sessionInUseEvents()).singleElement().satisfies(event -> {
                assertThat(event.portal()).isEqualTo("127.0.0.1:3260");
                assertThat(event.devices()).hasSize(2);
            });
            assertThat(workload.pathProblem(lun0)).hasValueSatisfying(problem -> assertThat(problem)
                    .contains("not a path per portal"));
            assertThat(ProcessStressTest.oracleProblems(lab)).contains("sessions logged out in use");
        }
    }

    @Test
    void the_lock_log_finds_two_holders_inside_one_key() {
        StressLockLog log = StressLockLog.parse(List.of(
                "p1 t1 WAIT 1 k", "p1 t1 ENTER 2 k",
                "p2 t1 WAIT 3 k", "p2 t1 ENTER 4 k",
                "p1 t1 EXIT 5 k", "p2 t1 EXIT 6 k"));

        assertThat(log.violations()).containsExactly("line 4: p2/t1 entered k held by p1/t1",
                "line 5: p1/t1 left k held by p2/t1", "line 6: p2/t1 left k held by nobody");
    }

    @Test
    void the_lock_log_counts_waits_on_the_other_process_and_hand_overs() {
        StressLockLog log = StressLockLog.parse(List.of(
                "p1 t1 WAIT 10 k", "p1 t1 ENTER 20 k",
                "p2 t1 WAIT 30 k", "p1 t2 WAIT 35 k",
                "p1 t1 EXIT 40 k", "p2 t1 ENTER 90 k", "p2 t1 EXIT 95 k",
                "p1 t2 ENTER 100 k", "p1 t2 EXIT 110 k",
                "p2 t1 WAIT 120 other", "p2 t1 ENTER 121 other", "p2 t1 EXIT 122 other"));

        assertThat(log.violations()).isEmpty();
        assertThat(log.contendedAcrossProcesses()).isEqualTo(1);
        assertThat(log.handoversAcrossProcesses()).isEqualTo(2);
        assertThat(log.longestWait()).contains(java.time.Duration.ofNanos(65));
        assertThat(log.sectionsByProcess()).containsEntry("p1", 2).containsEntry("p2", 2);
    }

    @Test
    void a_holder_that_never_leaves_is_a_violation() {
        assertThat(StressLockLog.parse(List.of("p1 t1 ENTER 1 k")).violations())
                .containsExactly("p1/t1 never left k");
    }
}
