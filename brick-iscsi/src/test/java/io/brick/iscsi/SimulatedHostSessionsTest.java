package io.brick.iscsi;

import io.brick.testkit.snapshot.RecordedFixture;
import io.brick.core.bootstrap.Brick;
import io.brick.core.model.Lun;
import io.brick.core.model.Wwid;
import io.brick.core.port.Command;
import io.brick.core.port.CommandResult;
import io.brick.core.port.DeviceFlusher;
import io.brick.core.port.ScsiScanner;
import io.brick.core.time.Deadline;
import io.brick.sysfs.SysfsPlugin;
import io.brick.testkit.host.Latencies;
import io.brick.testkit.host.RecordedLab;
import io.brick.testkit.host.SimulatedHost;
import io.brick.testkit.snapshot.Recordings;
import io.brick.testkit.sysfs.FakeSysfs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The simulated host, driven with the commands and sysfs writes a client sends, read by the production readers (the
 * session reader over brick-sysfs): it matches the real kernel's recordings (moved from brick-sysfs with the reader).
 */
class SimulatedHostSessionsTest {
    private static final String IQN = RecordedLab.TARGET;
    private static final Wwid WWID = Wwid.of(RecordedLab.LUN1_WWID);

    @TempDir
    Path dir;

    private SimulatedHost host;

    @AfterEach
    void stop() {
        if (host != null) {
            host.close();
        }
    }

    private SimulatedHost lab(Latencies latencies) {
        return lab(latencies, FakeSysfs.Detail.KERNEL);
    }

    private SimulatedHost lab(Latencies latencies, FakeSysfs.Detail detail) {
        host = RecordedLab.host(dir.resolve("sim"), latencies, detail);
        return host;
    }

    /** brick-sysfs's adapters over the simulated host. */
    private Brick brick() {
        return Brick.builder().plugins(new SysfsPlugin()).hostRoot(host.hostRoot()).commandRunner(host.commandRunner())
                .clock(host.clock()).sleeper(host.clock()).build();
    }

    private CommandResult run(String... argv) {
        return host.commandRunner().run(Command.builder(argv[0]).args(List.of(argv).subList(1, argv.length))
                .acceptExitCodes(0, 15, 21).build());
    }

    /** What a careful client does: static node records, manual scan, login, "- - 1" (no target dir yet). */
    private void attachTwoPortals() {
        RecordedLab.attach(host, brick().port(ScsiScanner.class));
    }

    @Test
    void two_logins_and_targeted_scans_build_what_the_kernel_built() {
        lab(Latencies.realistic());
        attachTwoPortals();
        SysfsHost built = SysfsHost.over(host.hostRoot());
        SysfsHost recorded = RecordedFixture.load(Recordings.B_TWO_PORTALS_ONE_LUN, dir, SysfsHost::over).topology();

        assertThat(recorded.topology().devices()).hasSize(2);
        assertThat(built.topology()).isEqualTo(recorded.topology());
        for (String name : List.of("sda", "sdb", "dm-0", "sdc")) {
            assertThat(built.device(name)).as("device %s", name).isEqualTo(recorded.device(name));
            assertThat(built.holderMap(name)).as("map holding %s", name).isEqualTo(recorded.holderMap(name));
            assertThat(built.diskByIdLinks(name)).as("by-id links of %s", name).isEqualTo(recorded.diskByIdLinks(name));
        }
        for (int session : List.of(1, 2)) {
            assertThat(built.sessionDevice(session, Lun.of(1))).isEqualTo(recorded.sessionDevice(session, Lun.of(1)));
        }
        assertThat(built.multipathMapByWwid(WWID)).isEqualTo(recorded.multipathMapByWwid(WWID)).isPresent();
    }

    @Test
    void a_host_showing_only_what_brick_reads_reads_as_the_kernel_built() {
        // the fault campaign's hosts: every lookup brick makes answers as on the full tree and the recording
        lab(Latencies.realistic(), FakeSysfs.Detail.READERS);
        attachTwoPortals();
        SysfsHost built = SysfsHost.over(host.hostRoot());
        SysfsHost recorded = RecordedFixture.load(Recordings.B_TWO_PORTALS_ONE_LUN, dir, SysfsHost::over).topology();

        assertThat(built.topology()).isEqualTo(recorded.topology());
        for (String name : List.of("sda", "sdb", "dm-0", "sdc")) {
            assertThat(built.device(name)).as("device %s", name).isEqualTo(recorded.device(name));
            assertThat(built.holderMap(name)).as("map holding %s", name).isEqualTo(recorded.holderMap(name));
            assertThat(built.diskByIdLinks(name)).as("by-id links of %s", name).isEqualTo(recorded.diskByIdLinks(name));
        }
        assertThat(built.multipathMapByWwid(WWID)).isEqualTo(recorded.multipathMapByWwid(WWID)).isPresent();
        assertThat(host.sysfs().root().resolve("sys/block/sda/queue")).as("a lean tree").doesNotExist();
    }

    @Test
    void after_flush_delete_logout_and_node_delete_the_host_reads_as_the_clean_recording() {
        lab(Latencies.zero());
        attachTwoPortals();
        run("multipath", "-f", WWID.value());
        DeviceFlusher flusher = brick().port(DeviceFlusher.class);
        flusher.removeDevices(List.of("sda", "sdb"), Deadline.after(Duration.ofSeconds(10), host.clock()));
        for (String portal : List.of("127.0.0.1:3260", "127.0.0.2:3260")) {
            run("iscsiadm", "-m", "node", "-T", IQN, "-p", portal, "--logout");
            run("iscsiadm", "-m", "node", "-T", IQN, "-p", portal, "--op", "delete");
        }
        SysfsHost built = SysfsHost.over(host.hostRoot());
        SysfsHost recorded = RecordedFixture.load(Recordings.E_AFTER_DISCONNECT, dir, SysfsHost::over).topology();
        assertThat(built.topology()).isEqualTo(recorded.topology());
        assertThat(host.oracle().leftovers().isEmpty()).as("%s", host.oracle().leftovers()).isTrue();
        assertThat(host.oracle().dataLossEvents()).isEmpty();
    }

}
