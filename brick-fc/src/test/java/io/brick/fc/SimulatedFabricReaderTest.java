package io.brick.fc;

import io.brick.core.bootstrap.Brick;
import io.brick.core.model.Hctl;
import io.brick.core.model.Lun;
import io.brick.core.model.Wwid;
import io.brick.core.port.ScsiScanner;
import io.brick.core.port.SysfsAccess;
import io.brick.core.port.TopologyProvider;
import io.brick.sysfs.SysfsPlugin;
import io.brick.testkit.host.Latencies;
import io.brick.testkit.host.SimulatedHost;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.OptionalInt;

import static org.assertj.core.api.Assertions.assertThat;

/** The simulated fabric read by the HBA reader over brick-sysfs's {@link SysfsAccess} (moved from brick-sysfs). */
class SimulatedFabricReaderTest {
    private static final Wwid WWID = Wwid.of("360014053b8c2d6119a414f0b8e275d1c");

    @TempDir
    Path dir;

    private SimulatedHost host;

    @AfterEach
    void stop() {
        if (host != null) {
            host.close();
        }
    }

    /** brick-sysfs's adapters over the simulated host. */
    private Brick brick() {
        return Brick.builder().plugins(new SysfsPlugin()).hostRoot(host.hostRoot()).commandRunner(host.commandRunner())
                .clock(host.clock()).sleeper(host.clock()).build();
    }

    @Test
    void a_simulated_fibre_channel_fabric_reads_as_hosts_remote_ports_transport_targets_and_by_path_links() {
        host = SimulatedHost.builder(dir.resolve("fc")).latencies(Latencies.zero()).build();
        host.fabric().hba(6, "50014380186AF83C", "50014380186af83d").zone("50014380186af83c", "514f0c50023f6c00");
        host.fabric().targetPort("514f0c50023f6c00").lun(1, WWID.value(), 1L << 30);
        Brick brick = brick();
        FcHostReader topology = new FcHostReader(brick.port(SysfsAccess.class));
        assertThat(topology.transportTargets(6)).as("no LUN yet").isEmpty();

        brick.port(ScsiScanner.class).scan(6, OptionalInt.of(0), OptionalInt.of(0), Lun.of(1));
        host.settle();

        assertThat(topology.hosts()).singleElement().satisfies(hba -> {
            assertThat(hba.portName()).isEqualTo("50014380186af83c");
            assertThat(hba.devicePath()).isEqualTo("/sys/devices/pci0000:00/0000:00:03.0/0000:05:00.6/host6");
        });
        assertThat(topology.remotePorts(6)).singleElement().satisfies(port -> {
            assertThat(port.portName()).isEqualTo("514f0c50023f6c00");
            assertThat(port.scsiTargetId()).isZero();
        });
        assertThat(topology.transportTargets(6)).singleElement().satisfies(target -> {
            assertThat(target.target()).isEqualTo(new io.brick.core.model.ScsiTarget(6, 0, 0));
            assertThat(target.portName()).isEqualTo("514f0c50023f6c00");
        });
        assertThat(brick.port(TopologyProvider.class).deviceAt(Hctl.parse("6:0:0:1"))).map(device -> device.wwid().orElseThrow()).contains(WWID);
        assertThat(brick.port(TopologyProvider.class).resolveDevLink(io.brick.core.model.DevicePath.of(
                "/dev/disk/by-path/pci-0000:05:00.6-fc-0x514f0c50023f6c00-lun-1"))).contains("sda");
        assertThat(brick.port(TopologyProvider.class).resolveDevLink(io.brick.core.model.DevicePath.of("/dev/disk/by-path/nothing"))).isEmpty();
        assertThat(brick.port(TopologyProvider.class).topology().devices()).as("FC hosts' devices are in the topology").hasSize(1);
    }
}
