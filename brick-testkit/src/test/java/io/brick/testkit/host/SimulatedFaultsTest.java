package io.brick.testkit.host;

import io.brick.core.port.Command;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import static io.brick.testkit.host.Lab.IQN;
import static io.brick.testkit.host.Lab.P1;
import static io.brick.testkit.host.Lab.P2;
import static io.brick.testkit.host.Lab.WWID;
import static org.assertj.core.api.Assertions.assertThat;

/** Every fault fires when asked, with the effect it promises, and never when not asked. */
class SimulatedFaultsTest {
    @TempDir
    Path dir;

    private Lab lab;

    @AfterEach
    void stop() {
        if (lab != null) {
            lab.host.close();
        }
    }

    @Test
    void without_faults_nothing_fires() {
        lab = new Lab(dir);
        lab.attachRecordedWay();
        lab.run("multipath", "-f", WWID);
        for (int i = 0; i < 20; i++) {
            lab.run("iscsiadm", "-m", "session");
        }
        assertThat(lab.host.oracle().fired()).isEmpty();
        assertThat(lab.host.oracle().commandLog()).allMatch(entry -> entry.exitCode() == 0);
    }

    @Test
    void a_refused_login_fails_with_the_reason_code() {
        lab = new Lab(dir);
        lab.host.faults().loginRefused(P1, Faults.Reason.AUTH).loginRefused(P2, Faults.Reason.TARGET_GONE);
        assertThat(lab.login(P1).exitCode()).isEqualTo(24);
        assertThat(lab.login(P2).exitCode()).isEqualTo(19);
        lab.host.faults().pathDown(P2);
        assertThat(lab.node(P2, "--login").exitCode()).isEqualTo(8);
        assertThat(lab.host.oracle().firedByKind()).containsEntry(FaultKind.LOGIN_REFUSED, 3);
    }

    @Test
    void a_slow_login_to_one_portal_takes_longer_and_still_logs_in() {
        lab = new Lab(dir);
        lab.host.faults().slowLogin(P2, java.time.Duration.ofSeconds(5));
        lab.node(P1, "--op", "new");
        lab.node(P2, "--op", "new");

        java.time.Duration before = lab.host.clock().elapsed();
        assertThat(lab.node(P1, "--login").exitCode()).isZero();
        java.time.Duration fast = lab.host.clock().elapsed().minus(before);
        before = lab.host.clock().elapsed();
        assertThat(lab.node(P2, "--login").exitCode()).isZero();
        java.time.Duration slow = lab.host.clock().elapsed().minus(before);

        assertThat(slow.minus(fast)).isEqualTo(java.time.Duration.ofSeconds(5));
        assertThat(lab.host.oracle().firedByKind()).containsEntry(FaultKind.SLOW_LOGIN, 1);
    }

    @Test
    void a_flaky_login_fails_some_of_the_time_as_the_seed_says() {
        List<Integer> first = flakyCodes(7);
        assertThat(first).contains(0, 8);
        assertThat(flakyCodes(7)).isEqualTo(first);
    }

    private List<Integer> flakyCodes(long seed) {
        Lab flaky = new Lab(dir.resolve("seed" + seed + "-" + System.nanoTime()), builder -> builder.seed(seed));
        flaky.host.faults().flakyLogin(P1, 0.5);
        flaky.node(P1, "--op", "new");
        List<Integer> codes = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            int code = flaky.node(P1, "--login").exitCode();
            codes.add(code);
            if (code == 0) {
                flaky.node(P1, "--logout");
            }
        }
        assertThat(flaky.host.oracle().firedByKind().get(FaultKind.FLAKY_LOGIN))
                .isEqualTo((int) codes.stream().filter(code -> code == 8).count());
        flaky.host.close();
        return codes;
    }

    @Test
    void a_path_down_after_login_blocks_then_offlines_and_comes_back() {
        lab = new Lab(dir);
        lab.host.faults().pathDownAfterLogin(P1);
        lab.node(P1, "--op", "new");
        assertThat(lab.node(P1, "--login").exitCode()).isZero();
        assertThat(lab.read("sys/class/iscsi_session/session1/state")).contains("FAILED");
        lab.sleep(1);
        assertThat(lab.disks()).as("a scan of a failed session finds nothing").isEmpty();
        lab.host.faults().pathUp(P1);
        lab.scan(2, "0 0 1");
        lab.sleep(2);
        lab.host.faults().pathDown(P1);
        assertThat(lab.read("sys/block/sda/device/state")).contains("blocked");
        assertThat(lab.read("sys/class/iscsi_connection/connection1:0/state")).contains("failed");
        lab.sleep(5);
        assertThat(lab.read("sys/block/sda/device/state")).contains("transport-offline");
        lab.host.faults().pathUp(P1);
        assertThat(lab.read("sys/block/sda/device/state")).contains("running");
        assertThat(lab.read("sys/class/iscsi_session/session1/state")).contains("LOGGED_IN");
        assertThat(lab.host.oracle().firedByKind()).containsEntry(FaultKind.PATH_DOWN_AFTER_LOGIN, 1)
                .containsEntry(FaultKind.PATH_DOWN, 1).containsEntry(FaultKind.PATH_UP, 2);
    }

    @Test
    void a_path_going_down_during_a_flush_of_a_dirty_map_still_lets_the_other_path_carry_the_data() {
        lab = new Lab(dir);
        lab.attachRecordedWay();
        lab.host.faults().pathDownDuringFlush(P1);
        lab.host.write(Lab.dev("dm-0"));
        assertThat(lab.run("multipath", "-f", WWID).exitCode()).isZero();
        assertThat(lab.host.oracle().firedByKind()).containsEntry(FaultKind.PATH_DOWN_DURING_FLUSH, 1);
        assertThat(lab.host.oracle().dataLossEvents()).isEmpty();
    }

    @Test
    void a_busy_map_cannot_be_flushed_nor_removed() {
        lab = new Lab(dir);
        lab.attachRecordedWay();
        lab.host.faults().busyMap(WWID);
        assertThat(lab.run("multipath", "-f", WWID).stderr()).endsWith(WWID + ": map in use\n");
        assertThat(lab.run("multipathd", "remove", "map", WWID).stdout()).isEqualTo("fail\n");
        assertThat(lab.maps()).containsExactly("dm-0");
        assertThat(lab.host.oracle().firedByKind()).containsEntry(FaultKind.BUSY_MAP, 2);
    }

    @Test
    void a_map_reloading_its_table_shows_no_slave_in_sysfs_while_its_table_still_names_its_paths() throws Exception {
        lab = new Lab(dir);
        lab.attachRecordedWay();
        List<String> slaves = slaves("dm-0");
        assertThat(slaves).hasSize(2);

        lab.host.faults().mapReloads(WWID, Duration.ofSeconds(3));

        assertThat(slaves("dm-0")).isEmpty();
        assertThat(holders(slaves.get(0))).isEmpty();
        assertThat(lab.run("multipath", "-ll", WWID).stdout()).contains(slaves.get(0), slaves.get(1));
        assertThat(lab.run("multipathd", "show", "paths", "raw", "format", "%d %m").stdout())
                .contains(slaves.get(0) + " " + WWID, slaves.get(1) + " " + WWID);
        lab.host.clock().sleep(Duration.ofSeconds(3));
        assertThat(slaves("dm-0")).isEqualTo(slaves);
        assertThat(holders(slaves.get(0))).containsExactly("dm-0");
        assertThat(lab.host.oracle().firedByKind()).containsEntry(FaultKind.MAP_RELOAD, 1);
    }

    private List<String> slaves(String map) throws java.io.IOException {
        return list(lab.host.root().resolve("sys/block/" + map + "/slaves"));
    }

    private List<String> holders(String device) throws java.io.IOException {
        return list(lab.host.root().resolve("sys/block/" + device + "/holders"));
    }

    private static List<String> list(Path directory) throws java.io.IOException {
        try (var entries = java.nio.file.Files.list(directory)) {
            return entries.map(entry -> entry.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void all_paths_down_with_queueing_makes_a_dirty_map_unflushable_until_queueing_is_disabled() {
        lab = new Lab(dir);
        lab.attachRecordedWay();
        lab.host.write(Lab.dev("dm-0"));
        lab.host.faults().allPathsDown(WWID);
        assertThat(lab.run("multipath", "-f", WWID).exitCode()).isEqualTo(1);
        assertThat(lab.run("multipath", "-C", "dm-0").exitCode()).isEqualTo(1);
        assertThat(lab.run("multipathd", "disablequeueing", "map", WWID).stdout()).isEqualTo("ok\n");
        assertThat(lab.host.oracle().dataLossEvents()).singleElement().matches(DataLossEvent::forced);
        assertThat(lab.run("multipath", "-f", WWID).exitCode()).isZero();
        assertThat(lab.host.oracle().firedByKind()).containsEntry(FaultKind.ALL_PATHS_DOWN, 1);
    }

    @Test
    void slow_udev_delays_devices() {
        lab = new Lab(dir);
        lab.host.faults().slowUdev(Duration.ofSeconds(3));
        lab.login(P1);
        lab.scan(2, "0 0 1");
        lab.sleep(3);
        assertThat(lab.disks()).isEmpty();
        lab.sleep(0.5);
        assertThat(lab.disks()).containsExactly("sda");
        assertThat(lab.host.oracle().firedByKind()).containsEntry(FaultKind.SLOW_UDEV, 1);
    }

    @Test
    void slow_and_failing_iscsiadm() {
        lab = new Lab(dir);
        lab.host.faults().slowIscsiadm(Duration.ofSeconds(2));
        lab.run("iscsiadm", "-m", "iface");
        assertThat(lab.host.oracle().commandLog().get(0).duration()).isEqualTo(Duration.ofMillis(2050));
        lab.host.faults().clear().iscsiadmFails(19, 2);
        assertThat(lab.run("iscsiadm", "-m", "iface").exitCode()).isEqualTo(19);
        assertThat(lab.run("iscsiadm", "-m", "iface").exitCode()).isEqualTo(19);
        assertThat(lab.run("iscsiadm", "-m", "iface").exitCode()).isZero();
        lab.host.faults().iscsiadmFails(255, 1.0);
        assertThat(lab.run("iscsiadm", "-m", "iface").exitCode()).isEqualTo(255);
        assertThat(lab.host.oracle().firedByKind()).containsEntry(FaultKind.SLOW_ISCSIADM, 1)
                .containsEntry(FaultKind.ISCSIADM_FAILS, 3);
    }

    @Test
    void a_duplicate_wwid_makes_two_luns_one_map() {
        lab = new Lab(dir);
        lab.host.faults().duplicateWwid(IQN, 1, 0);
        lab.login(P1);
        lab.scan(2, "0 0 0");
        lab.host.settle();
        lab.scan(2, "0 0 1");
        lab.sleep(2);
        assertThat(lab.read("sys/block/sda/device/wwid")).isEqualTo(lab.read("sys/block/sdb/device/wwid"));
        assertThat(lab.host.oracle().firedByKind()).containsEntry(FaultKind.DUPLICATE_WWID, 1);
    }

    @Test
    void multipathd_down_stops_maps_and_answers() {
        lab = new Lab(dir);
        lab.host.faults().multipathdDown();
        lab.attachRecordedWay();
        assertThat(lab.maps()).isEmpty();
        assertThat(lab.run("multipathd", "show", "maps").exitCode()).isEqualTo(1);
        assertThat(lab.host.oracle().firedByKind()).containsEntry(FaultKind.MULTIPATHD_DOWN, 1);
    }

    @Test
    void two_threads_logging_in_in_parallel_take_the_time_of_one_login() throws InterruptedException {
        lab = new Lab(dir, SimulatedHost.Builder::multiThreaded);
        lab.node(P1, "--op", "new");
        lab.node(P2, "--op", "new");
        Duration start = lab.host.clock().elapsed();
        lab.host.clock().hold();
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (String portal : List.of(P1, P2)) {
            Thread thread = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                lab.host.commandRunner().run(Command.builder("iscsiadm")
                        .args("-m", "node", "-T", IQN, "-p", portal, "--login").build());
            });
            thread.start();
            threads.add(thread);
        }
        go.countDown();
        long giveUp = System.nanoTime() + 10_000_000_000L;
        while (lab.host.clock().sleepingThreads() < 2 && System.nanoTime() < giveUp) {
            Thread.onSpinWait();
        }
        lab.host.clock().release();
        for (Thread thread : threads) {
            thread.join(10_000);
        }
        Duration took = lab.host.clock().elapsed().minus(start);
        assertThat(lab.run("iscsiadm", "-m", "session").stdout().lines()).hasSize(2);
        assertThat(took).as("simulated time of two parallel logins: %s", took).isGreaterThanOrEqualTo(Duration.ofMillis(200)).isLessThan(Duration.ofMillis(400));
        assertThat(lab.host.clock().ticking()).isTrue();
    }
}
