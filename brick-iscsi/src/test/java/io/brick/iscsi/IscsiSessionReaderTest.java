package io.brick.iscsi;

import io.brick.testkit.snapshot.RecordedFixture;
import io.brick.core.error.HostStateException;
import io.brick.core.model.BlockDevice;
import io.brick.core.model.DeviceState;
import io.brick.core.model.Hctl;
import io.brick.core.model.Lun;
import io.brick.core.model.ScsiTarget;
import io.brick.core.model.Wwid;
import io.brick.testkit.snapshot.Recordings;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The session reader's targeted lookups and the host's odd states, on the two-portal recording (moved from
 * brick-sysfs with the reader).
 */
class IscsiSessionReaderTest {
    private static final String WWID = "360014053b8c2d6119a414f0b8e275d1c";
    private static final String SDA_DIR = "devices/platform/host2/session1/target2:0:0/2:0:0:1";

    @TempDir
    Path dir;

    private RecordedFixture<SysfsHost> fixture;
    private SysfsHost provider;

    @BeforeEach
    void materialise() {
        fixture = RecordedFixture.load(Recordings.B_TWO_PORTALS_ONE_LUN, dir, SysfsHost::over);
        provider = fixture.topology();
    }

    @Test
    void session_target_is_the_target_directory_under_the_session() {
        assertThat(provider.sessionTarget(1)).contains(new ScsiTarget(2, 0, 0));
        assertThat(provider.sessionTarget(2)).contains(new ScsiTarget(3, 0, 0));
    }

    @Test
    void session_target_is_absent_before_the_first_scan() throws IOException {
        deleteTree(fixture.sys("devices/platform/host2/session1/target2:0:0"));

        assertThat(provider.sessionTarget(1)).isEmpty();
        assertThat(provider.sessionDevice(1, Lun.of(1))).isEmpty();
        assertThat(provider.iscsiSession(1)).isPresent();
    }

    @Test
    void session_device_follows_the_session_to_its_lun() {
        BlockDevice sda = provider.sessionDevice(1, Lun.of(1)).orElseThrow();

        assertThat(sda.name()).isEqualTo("sda");
        assertThat(sda.hctl()).isEqualTo(Hctl.parse("2:0:0:1"));
        assertThat(sda.wwid()).contains(Wwid.of(WWID));
        assertThat(sda.sizeBytes()).isEqualTo(128L * 1024 * 1024);
        assertThat(sda.state()).isEqualTo(DeviceState.RUNNING);
        assertThat(sda.vendor()).isEqualTo("LIO-ORG");
        assertThat(sda.model()).isEqualTo("lun1");
        assertThat(sda.holders()).containsExactly("dm-0");
        assertThat(provider.sessionDevice(2, Lun.of(1))).map(BlockDevice::name).contains("sdb");
        assertThat(provider.sessionDevice(1, Lun.of(0))).isEmpty();
    }

    @Test
    void session_reads_its_portal_and_host() {
        assertThat(provider.iscsiSession(2)).hasValueSatisfying(session -> {
            assertThat(session.hostNumber()).isEqualTo(3);
            assertThat(session.persistentPortal()).contains(new Portal("127.0.0.2", 3260));
            assertThat(session.connects(new Portal("127.0.0.2", 3260),
                    Iqn.of("iqn.2003-01.org.linux-iscsi.labvm:target1"))).isTrue();
            assertThat(session.loggedIn()).isTrue();
        });
    }

    @Test
    void a_connection_without_an_address_gives_no_current_portal() throws IOException {
        Path address = fixture.sys("devices/platform/host2/session1/connection1:0/iscsi_connection/connection1:0/address");
        Files.delete(address);
        Files.createDirectory(address); // reading it fails, as a down connection's address does (ENOTCONN)

        assertThat(provider.iscsiSession(1)).hasValueSatisfying(session -> {
            assertThat(session.currentPortal()).isEmpty();
            assertThat(session.persistentPortal()).contains(new Portal("127.0.0.1", 3260));
        });
    }

    @Test
    void a_removed_device_is_absent_everywhere() throws IOException {
        deleteTree(fixture.sys(SDA_DIR));

        assertThat(provider.device("sda")).isEmpty();
        assertThat(provider.wwid("sda")).isEmpty();
        assertThat(provider.blockDeviceExists("sda")).isFalse();
        assertThat(provider.deviceAt(Hctl.parse("2:0:0:1"))).isEmpty();
        assertThat(provider.sessionDevice(1, Lun.of(1))).isEmpty();
        assertThat(provider.sessionDevices(1)).isEmpty();
        assertThat(provider.holderMap("sda")).isEmpty();
        assertThat(provider.topology().devices()).extracting(BlockDevice::name).containsExactly("sdb");
    }

    /** Found by SysfsTopologyFuzzTest: garbage in a connection's address escaped as invalid input 'target_portal'. */
    @Test
    void a_connection_address_that_is_not_an_address_gives_no_current_portal() throws IOException {
        Files.writeString(fixture.sys("devices/platform/host2/session1/connection1:0/iscsi_connection/connection1:0"
                + "/address"), "127.0.0.1\n127.0.0.1; rm -rf /\n");

        assertThat(provider.iscsiSession(1)).hasValueSatisfying(session -> {
            assertThat(session.currentPortal()).isEmpty();
            assertThat(session.persistentPortal()).contains(new Portal("127.0.0.1", 3260));
        });
    }

    @Test
    void targeted_lookups_do_not_read_other_devices() throws IOException {
        // a broken device the whole-host listing trips over: its size cannot be read
        Path broken = fixture.sys("devices/platform/host3/session2/target3:0:0/3:0:0:9");
        Files.createDirectories(broken.resolve("block/sdz/size"));
        Files.createSymbolicLink(fixture.sys("block/sdz"),
                Path.of("../devices/platform/host3/session2/target3:0:0/3:0:0:9/block/sdz"));
        Files.createSymbolicLink(broken.resolve("block/sdz/device"), Path.of("../../../3:0:0:9"));

        assertThatThrownBy(() -> provider.topology()).isInstanceOf(HostStateException.class)
                .hasMessageContaining("sdz");
        assertThat(provider.device("sda")).isPresent();
        assertThat(provider.deviceAt(Hctl.parse("3:0:0:1"))).map(BlockDevice::name).contains("sdb");
        assertThat(provider.sessionDevice(2, Lun.of(1))).map(BlockDevice::name).contains("sdb");
        assertThat(provider.holderMap("sda")).isPresent();
        assertThat(provider.multipathMapByWwid(Wwid.of(WWID))).isPresent();
        assertThat(provider.iscsiSession(2)).isPresent();
    }

    @Test
    void a_sessions_devices_up_to_a_limit_are_read_in_address_order_and_no_further() throws IOException {
        // a device after sdb whose size cannot be read: reading every device of the session trips over it
        Path broken = fixture.sys("devices/platform/host3/session2/target3:0:0/3:0:0:9");
        Files.createDirectories(broken.resolve("block/sdz/size"));
        Files.createSymbolicLink(fixture.sys("block/sdz"),
                Path.of("../devices/platform/host3/session2/target3:0:0/3:0:0:9/block/sdz"));
        Files.createSymbolicLink(broken.resolve("block/sdz/device"), Path.of("../../../3:0:0:9"));
        Files.createSymbolicLink(fixture.sys("bus/scsi/devices/3:0:0:9"),
                Path.of("../../../devices/platform/host3/session2/target3:0:0/3:0:0:9"));

        assertThat(provider.sessions().devices(2, device -> true, 1)).extracting(BlockDevice::name)
                .containsExactly("sdb");
        assertThat(provider.sessions().devices(1, device -> !device.name().equals("sda"), 1)).isEmpty();
        assertThat(provider.sessions().devices(2, device -> true, 0)).isEmpty();
        assertThatThrownBy(() -> provider.sessions().devices(2)).isInstanceOf(HostStateException.class)
                .hasMessageContaining("sdz");
    }

    @Test
    void sessions_of_one_target_are_the_full_listing_filtered_by_target_name_in_any_case() throws IOException {
        Iqn lab = Iqn.of("IQN.2003-01.org.linux-iscsi.LABVM:target1");
        Files.writeString(fixture.sys("devices/platform/host3/session2/iscsi_session/session2/targetname"),
                "iqn.2003-01.org.linux-iscsi.labvm:other\n");

        assertThat(provider.iscsiSessions(lab)).containsExactly(provider.iscsiSession(1).orElseThrow());
        assertThat(provider.iscsiSessions(Iqn.of("iqn.2003-01.org.linux-iscsi.labvm:other")))
                .extracting(s -> s.sessionId()).containsExactly(2);
        assertThat(provider.iscsiSessions(Iqn.of("iqn.2003-01.org.example:none"))).isEmpty();
    }

    @Test
    void a_session_without_a_target_name_yet_is_not_reported() throws IOException {
        Files.writeString(fixture.sys("devices/platform/host3/session2/iscsi_session/session2/targetname"), "(null)\n");

        assertThat(provider.iscsiSession(2)).isEmpty();
        assertThat(provider.iscsiSessions()).extracting(s -> s.sessionId()).containsExactly(1);
    }

    @Test
    void transport_comes_from_the_hosts_driver() throws IOException {
        Files.writeString(fixture.sys("devices/platform/host3/scsi_host/host3/proc_name"), "ib_iser\n");

        assertThat(provider.iscsiSession(2)).map(session -> session.transport()).contains("iser");
        assertThat(provider.iscsiSession(1)).map(session -> session.transport()).contains("tcp");
    }

    @Test
    void without_the_hosts_driver_the_transport_is_what_the_iface_name_tells_as_a_connect_reads_it() throws IOException {
        // the one rule a connect applies to its volume's iface (IscsiVolume.sessionTransport): an offload iface is
        // named after its driver; an iface an operator named is tcp unless its record says otherwise
        Files.delete(fixture.sys("devices/platform/host3/scsi_host/host3/proc_name"));
        Path ifacename = fixture.sys("devices/platform/host3/session2/iscsi_session/session2/ifacename");

        Files.writeString(ifacename, "bnx2i.00:10:18:aa:bb:cc\n");
        assertThat(provider.iscsiSession(2)).map(session -> session.transport()).contains("bnx2i");
        Files.writeString(ifacename, "iser\n");
        assertThat(provider.iscsiSession(2)).map(session -> session.transport()).contains("iser");
        Files.writeString(ifacename, "eth1-iface\n");
        assertThat(provider.iscsiSession(2)).map(session -> session.transport()).contains("tcp");
        Files.writeString(ifacename, "san.a\n");
        assertThat(provider.iscsiSession(2)).map(session -> session.transport()).contains("tcp");
        Files.writeString(ifacename, "(null)\n");
        assertThat(provider.iscsiSession(2)).map(session -> session.transport()).contains("tcp");
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
