package io.brick.sysfs;

import io.brick.testkit.snapshot.RecordedFixture;
import io.brick.core.model.Hctl;
import io.brick.core.model.Lun;
import io.brick.core.model.Wwid;
import io.brick.core.port.Command;
import io.brick.core.port.CommandResult;
import io.brick.core.time.Deadline;
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
import java.util.OptionalInt;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The simulated host, driven with the commands and sysfs writes a client sends, read by the production reader: it
 * matches the real kernel's recordings (its sessions: brick-iscsi's {@code SimulatedHostSessionsTest}; its HBAs:
 * brick-fc's {@code SimulatedFabricReaderTest}).
 */
class SimulatedHostTopologyTest {
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

    private CommandResult run(String... argv) {
        return host.commandRunner().run(Command.builder(argv[0]).args(List.of(argv).subList(1, argv.length))
                .acceptExitCodes(0, 15, 21).build());
    }

    /** What a careful client does: static node records, manual scan, login, "- - 1" (no target dir yet). */
    private void attachTwoPortals() {
        RecordedLab.attach(host, new SysfsScsiScanner(host.hostRoot()));
    }

    @Test
    void two_logins_and_targeted_scans_build_what_the_kernel_built() {
        lab(Latencies.realistic());
        attachTwoPortals();
        SysfsTopologyProvider built = new SysfsTopologyProvider(host.hostRoot());
        SysfsTopologyProvider recorded = RecordedFixture.load(Recordings.B_TWO_PORTALS_ONE_LUN, dir, SysfsTopologyProvider::new).topology();

        assertThat(recorded.topology().devices()).hasSize(2);
        assertThat(built.topology()).isEqualTo(recorded.topology());
        for (String name : List.of("sda", "sdb", "dm-0", "sdc")) {
            assertThat(built.device(name)).as("device %s", name).isEqualTo(recorded.device(name));
            assertThat(built.holderMap(name)).as("map holding %s", name).isEqualTo(recorded.holderMap(name));
            assertThat(built.diskByIdLinks(name)).as("by-id links of %s", name).isEqualTo(recorded.diskByIdLinks(name));
        }
        assertThat(built.multipathMapByWwid(WWID)).isEqualTo(recorded.multipathMapByWwid(WWID)).isPresent();
    }

    @Test
    void a_host_showing_only_what_brick_reads_reads_as_the_kernel_built() {
        // the fault campaign's hosts: every lookup brick makes answers as on the full tree and the recording
        lab(Latencies.realistic(), FakeSysfs.Detail.READERS);
        attachTwoPortals();
        SysfsTopologyProvider built = new SysfsTopologyProvider(host.hostRoot());
        SysfsTopologyProvider recorded = RecordedFixture.load(Recordings.B_TWO_PORTALS_ONE_LUN, dir, SysfsTopologyProvider::new).topology();

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
    void the_map_forms_about_a_second_after_the_first_path() {
        lab(Latencies.realistic());
        SysfsTopologyProvider built = new SysfsTopologyProvider(host.hostRoot());
        for (String portal : List.of("127.0.0.1:3260", "127.0.0.2:3260")) {
            run("iscsiadm", "-m", "node", "-T", IQN, "-p", portal, "--op", "new");
            run("iscsiadm", "-m", "node", "-T", IQN, "-p", portal, "--op", "update", "-n", "node.session.scan",
                    "-v", "manual");
            run("iscsiadm", "-m", "node", "-T", IQN, "-p", portal, "--login");
        }
        SysfsScsiScanner scanner = new SysfsScsiScanner(host.hostRoot());
        scanner.scan(2, OptionalInt.of(0), OptionalInt.of(0), Lun.of(1));
        host.clock().sleep(Duration.ofMillis(200));
        assertThat(built.deviceAt(Hctl.parse("2:0:0:1"))).isEmpty();
        host.clock().sleep(Duration.ofMillis(150));
        assertThat(built.deviceAt(Hctl.parse("2:0:0:1"))).isPresent();
        assertThat(built.multipathMaps()).isEmpty();
        host.clock().sleep(Duration.ofMillis(1000));
        assertThat(built.multipathMapByWwid(WWID)).map(map -> map.slaves()).contains(List.of("sda"));
    }

    @Test
    void after_flush_delete_logout_and_node_delete_the_host_reads_as_the_clean_recording() {
        lab(Latencies.zero());
        attachTwoPortals();
        run("multipath", "-f", WWID.value());
        SysfsDeviceFlusher flusher = new SysfsDeviceFlusher(host.hostRoot(), host.commandRunner(), host.clock(),
                host.clock());
        flusher.removeDevices(List.of("sda", "sdb"), Deadline.after(Duration.ofSeconds(10), host.clock()));
        for (String portal : List.of("127.0.0.1:3260", "127.0.0.2:3260")) {
            run("iscsiadm", "-m", "node", "-T", IQN, "-p", portal, "--logout");
            run("iscsiadm", "-m", "node", "-T", IQN, "-p", portal, "--op", "delete");
        }
        SysfsTopologyProvider built = new SysfsTopologyProvider(host.hostRoot());
        SysfsTopologyProvider recorded = RecordedFixture.load(Recordings.E_AFTER_DISCONNECT, dir, SysfsTopologyProvider::new).topology();
        assertThat(built.topology()).isEqualTo(recorded.topology());
        assertThat(host.oracle().leftovers().isEmpty()).as("%s", host.oracle().leftovers()).isTrue();
        assertThat(host.oracle().dataLossEvents()).isEmpty();
    }

    @Test
    void a_simulated_fibre_channel_fabric_reads_as_hosts_remote_ports_transport_targets_and_by_path_links() {
        host = SimulatedHost.builder(dir.resolve("fc")).latencies(Latencies.zero()).build();
        host.fabric().hba(6, "50014380186AF83C", "50014380186af83d").zone("50014380186af83c", "514f0c50023f6c00");
        host.fabric().targetPort("514f0c50023f6c00").lun(1, WWID.value(), 1L << 30);
        SysfsTopologyProvider topology = new SysfsTopologyProvider(host.hostRoot());

        new SysfsScsiScanner(host.hostRoot()).scan(6, OptionalInt.of(0), OptionalInt.of(0), Lun.of(1));
        host.settle();

        assertThat(topology.deviceAt(Hctl.parse("6:0:0:1"))).map(device -> device.wwid().orElseThrow()).contains(WWID);
        assertThat(topology.resolveDevLink(io.brick.core.model.DevicePath.of(
                "/dev/disk/by-path/pci-0000:05:00.6-fc-0x514f0c50023f6c00-lun-1"))).contains("sda");
        assertThat(topology.resolveDevLink(io.brick.core.model.DevicePath.of("/dev/disk/by-path/nothing"))).isEmpty();
        assertThat(topology.topology().devices()).as("FC hosts' devices are in the topology").hasSize(1);
    }
}
