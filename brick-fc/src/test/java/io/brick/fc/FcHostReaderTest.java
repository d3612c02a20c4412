package io.brick.fc;

import io.brick.core.bootstrap.Brick;
import io.brick.core.host.HostRoot;
import io.brick.core.lock.ProcessLocks;
import io.brick.core.port.SysfsAccess;
import io.brick.sysfs.SysfsPlugin;
import io.brick.testkit.snapshot.Recordings;
import io.brick.testkit.snapshot.Snapshot;
import io.brick.testkit.sysfs.FakeSysfs;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The HBA reader over brick-sysfs's {@link SysfsAccess}, on the two-portal recording with an HBA added, on every
 * recording, and on a built tree (moved from brick-sysfs with the reader).
 */
class FcHostReaderTest {
    @TempDir
    Path dir;

    private HostRoot host;
    private FcHostReader reader;

    @BeforeEach
    void materialise() {
        host = Snapshot.load(Recordings.B_TWO_PORTALS_ONE_LUN).materialise(dir.resolve("b"));
        reader = new FcHostReader(sysfs(host));
    }

    /** brick-sysfs's access port to that host. */
    static SysfsAccess sysfs(HostRoot host) {
        return Brick.builder().plugins(new SysfsPlugin()).hostRoot(host)
                .commandRunner(command -> {
                    throw new AssertionError("the reader ran " + command);
                })
                .processLocks(ProcessLocks.none()).build().port(SysfsAccess.class);
    }

    private Path sys(String relative) {
        return Path.of(host.sys()).resolve(relative);
    }

    @Test
    void fibre_channel_hosts_and_remote_ports_are_read_from_their_classes() throws IOException {
        Path host = sys("devices/pci0000:00/0000:00:05.0/host5");
        Path fcHost = host.resolve("fc_host/host5");
        Files.createDirectories(fcHost);
        Files.writeString(fcHost.resolve("port_name"), "0x50014380242B9750\n");
        Files.writeString(fcHost.resolve("node_name"), "0x50014380242b9751\n");
        Files.writeString(fcHost.resolve("port_state"), "Online\n");
        Files.createDirectories(sys("class/fc_host"));
        Files.createSymbolicLink(sys("class/fc_host/host5"),
                Path.of("../../devices/pci0000:00/0000:00:05.0/host5/fc_host/host5"));
        Files.createDirectories(sys("class/fc_remote_ports"));
        for (String rport : List.of("rport-5:0-10", "rport-5:0-2", "rport-6:0-1")) {
            Path dir = host.resolve(rport).resolve("fc_remote_ports").resolve(rport);
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("port_name"), "0x514f0c50023f6c00\n");
            Files.writeString(dir.resolve("node_name"), "0x514F0C50023F6C01\n");
            Files.writeString(dir.resolve("port_state"), "Online\n");
            Files.writeString(dir.resolve("scsi_target_id"), rport.endsWith("10") ? "-1\n" : "0\n");
            Files.createSymbolicLink(sys("class/fc_remote_ports").resolve(rport),
                    Path.of("../../devices/pci0000:00/0000:00:05.0/host5/" + rport + "/fc_remote_ports/" + rport));
        }

        assertThat(reader.hosts()).containsExactly(new FcHost(5, "50014380242b9750", "50014380242b9751", "Online",
                "/sys/devices/pci0000:00/0000:00:05.0/host5"));
        assertThat(reader.remotePorts(5)).extracting(FcRemotePort::name).containsExactly("rport-5:0-2", "rport-5:0-10");
        assertThat(reader.remotePorts(5).get(1)).isEqualTo(new FcRemotePort("rport-5:0-10", 5, 0,
                "514f0c50023f6c00", "514f0c50023f6c01", "Online", -1));
        assertThat(reader.remotePorts()).hasSize(3);
    }

    /** None of the recordings has an HBA: the recorder found {@code /sys/class/fc_host} absent. */
    @Test
    void no_recording_has_an_hba_or_a_remote_port() {
        for (String recording : Stream.concat(Recordings.all().stream(), Recordings.lab().stream()).toList()) {
            Snapshot snapshot = Snapshot.load(recording);
            FcHostReader hbas = new FcHostReader(sysfs(snapshot.materialise(dir.resolve("all").resolve(recording))));

            assertThat(snapshot.absent()).as(recording).contains("/sys/class/fc_host", "/sys/class/fc_remote_ports");
            assertThat(hbas.hosts()).as(recording).isEmpty();
            assertThat(hbas.remotePorts()).as(recording).isEmpty();
            assertThat(hbas.remotePorts(2)).as(recording).isEmpty();
        }
    }

    /** The testkit's iSCSI-only tree (brick-sysfs's {@code BuiltTreeMatchesRecordingTest}) has no HBA either. */
    @Test
    void a_built_iscsi_only_tree_has_no_hba_as_the_recording() {
        FakeSysfs built = FakeSysfs.create(dir.resolve("built"))
                .iscsiSession(2, 1, s -> s.target("iqn.2003-01.org.linux-iscsi.labvm:target1").portal("127.0.0.1", 3260))
                .scsiDevice("2:0:0:1", "sda", d -> d.wwid("360014053b8c2d6119a414f0b8e275d1c").sizeBytes(128L << 20));
        FcHostReader fromBuilt = new FcHostReader(sysfs(built.hostRoot()));

        assertThat(fromBuilt.hosts()).isEqualTo(reader.hosts()).isEmpty();
        assertThat(fromBuilt.remotePorts(2)).isEqualTo(reader.remotePorts(2)).isEmpty();
    }
}
