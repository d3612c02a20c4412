package io.brick.sysfs;

import io.brick.core.error.HostStateException;
import io.brick.core.model.BlockDevice;
import io.brick.core.model.DeviceState;
import io.brick.fc.FcHost;
import io.brick.fc.FcRemotePort;
import io.brick.core.model.Hctl;
import io.brick.core.model.Lun;
import io.brick.core.model.MultipathMap;
import io.brick.iscsi.Portal;
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
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Targeted lookups and the host's odd states, on the two-portal recording. */
class SysfsTopologyProviderTest {
    private static final String WWID = "360014053b8c2d6119a414f0b8e275d1c";
    private static final String SDA_DIR = "devices/platform/host2/session1/target2:0:0/2:0:0:1";

    @TempDir
    Path dir;

    private RecordedFixture fixture;
    private SysfsTopologyProvider provider;

    @BeforeEach
    void materialise() {
        fixture = RecordedFixture.load(Recordings.B_TWO_PORTALS_ONE_LUN, dir);
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
                    io.brick.iscsi.Iqn.of("iqn.2003-01.org.linux-iscsi.labvm:target1"))).isTrue();
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
    void device_at_an_address_and_by_name_agree() {
        assertThat(provider.deviceAt(Hctl.parse("3:0:0:1"))).map(BlockDevice::name).contains("sdb");
        assertThat(provider.deviceAt(Hctl.parse("3:0:0:1"))).isEqualTo(provider.device("sdb"));
        assertThat(provider.deviceAt(Hctl.parse("3:0:0:2"))).isEmpty();
    }

    @Test
    void holder_map_and_map_by_wwid_find_dm_0() {
        MultipathMap map = provider.holderMap("sdb").orElseThrow();

        assertThat(map.kernelName()).isEqualTo("dm-0");
        assertThat(map.name()).isEqualTo(WWID);
        assertThat(map.wwid()).contains(Wwid.of(WWID));
        assertThat(map.slaves()).containsExactly("sda", "sdb");
        assertThat(map.sizeBytes()).isEqualTo(128L * 1024 * 1024);
        assertThat(provider.multipathMapByWwid(Wwid.of(WWID))).contains(map);
        assertThat(provider.multipathMap("dm-0")).contains(map);
    }

    @Test
    void map_by_wwid_is_confirmed_by_the_maps_uuid() throws IOException {
        Files.writeString(fixture.sys("devices/virtual/block/dm-0/dm/uuid"), "mpath-3600140500000000000000000000000ff\n");

        assertThat(provider.multipathMapByWwid(Wwid.of(WWID))).isEmpty();
        assertThat(provider.holderMap("sda")).map(MultipathMap::wwid)
                .contains(Optional.of(Wwid.of("3600140500000000000000000000000ff")));
    }

    @Test
    void a_dm_device_that_is_not_a_multipath_map_has_no_wwid_and_is_not_listed() throws IOException {
        Files.writeString(fixture.sys("devices/virtual/block/dm-0/dm/uuid"), "LVM-abcdef\n");

        assertThat(provider.multipathMap("dm-0")).hasValueSatisfying(map -> assertThat(map.wwid()).isEmpty());
        assertThat(provider.multipathMaps()).isEmpty();
        assertThat(provider.holderMap("sda")).isEmpty();
    }

    @Test
    void disk_by_id_links_are_those_resolving_to_the_device() {
        assertThat(provider.diskByIdLinks("sda")).containsExactly(
                "scsi-1LIO-ORG_lun1:3b8c2d61-19a4-14f0-b8e2-75d1c0000001",
                "scsi-SLIO-ORG_lun1_3b8c2d61-19a4-14f0-b8e2-75d1c0000001");
        assertThat(provider.diskByIdLinks("dm-0")).containsExactly(
                "dm-name-" + WWID, "dm-uuid-mpath-" + WWID, "scsi-" + WWID, "wwn-0x60014053b8c2d6119a414f0b8e275d1c");
        assertThat(provider.diskByIdLinks("sdb")).isEmpty();
    }

    @Test
    void wwid_falls_back_to_vpd_page_83() throws IOException {
        Files.delete(fixture.sys(SDA_DIR + "/wwid"));

        assertThat(provider.wwid("sda")).contains(Wwid.of(WWID));
    }

    @Test
    void a_device_without_any_identifier_has_no_wwid() throws IOException {
        Files.delete(fixture.sys(SDA_DIR + "/wwid"));
        Files.delete(fixture.sys(SDA_DIR + "/vpd_pg83"));

        assertThat(provider.wwid("sda")).isEmpty();
        assertThat(provider.device("sda")).hasValueSatisfying(device -> assertThat(device.wwid()).isEmpty());
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

    /** Found by SysfsTopologyFuzzTest: a damaged attribute's 64 KiB were repeated whole in the error. */
    @Test
    void a_number_attribute_holding_garbage_is_a_host_state_error_showing_a_cut_value() throws IOException {
        Files.writeString(fixture.sys(SDA_DIR + "/block/sda/size"), "9".repeat(70_000) + "x\u0007\n");

        assertThatThrownBy(() -> provider.device("sda")).isInstanceOf(HostStateException.class)
                .satisfies(e -> {
                    assertThat(e.getMessage()).hasSizeLessThan(400).contains("(cut, 65536 characters)");
                    assertThat(((HostStateException) e).evidence().get("content")).hasSizeLessThan(200);
                });
    }

    @Test
    void an_unreadable_expected_file_is_a_host_state_error_naming_it() throws IOException {
        Path size = fixture.sys(SDA_DIR + "/block/sda/size");
        Files.delete(size);
        Files.createDirectory(size);

        assertThatThrownBy(() -> provider.device("sda"))
                .isInstanceOf(HostStateException.class)
                .satisfies(e -> assertThat(((HostStateException) e).evidence().get("path")).endsWith("block/sda/size"));
    }

    @Test
    void a_missing_expected_file_of_a_present_device_is_a_host_state_error() throws IOException {
        Files.delete(fixture.sys("devices/virtual/block/dm-0/dm/name"));

        assertThatThrownBy(() -> provider.multipathMap("dm-0"))
                .isInstanceOf(HostStateException.class)
                .satisfies(e -> assertThat(((HostStateException) e).evidence().get("path")).endsWith("dm-0/dm/name"));
    }

    @Test
    void links_resolving_outside_the_host_root_are_absent() throws IOException {
        Path outside = dir.resolve("elsewhere");
        Files.createDirectories(outside.resolve("sda"));
        Files.writeString(outside.resolve("sda/size"), "8\n");
        Files.createDirectories(outside.resolve("dev"));
        Files.writeString(outside.resolve("dev/dm-0"), "");
        Path sda = fixture.sys("block/sda");
        Files.delete(sda);
        Files.createSymbolicLink(sda, outside.resolve("sda"));
        Path byId = fixture.dev("disk/by-id/dm-uuid-mpath-" + WWID);
        Files.delete(byId);
        Files.createSymbolicLink(byId, outside.resolve("dev/dm-0"));

        assertThat(provider.device("sda")).isEmpty();
        assertThat(provider.blockDeviceExists("sda")).isFalse();
        assertThat(provider.multipathMapByWwid(Wwid.of(WWID))).isEmpty();
        assertThat(provider.device("sdb")).isPresent();
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
    void sessions_of_one_target_are_the_full_listing_filtered_by_target_name_in_any_case() throws IOException {
        io.brick.iscsi.Iqn lab = io.brick.iscsi.Iqn.of("IQN.2003-01.org.linux-iscsi.LABVM:target1");
        Files.writeString(fixture.sys("devices/platform/host3/session2/iscsi_session/session2/targetname"),
                "iqn.2003-01.org.linux-iscsi.labvm:other\n");

        assertThat(provider.iscsiSessions(lab)).containsExactly(provider.iscsiSession(1).orElseThrow());
        assertThat(provider.iscsiSessions(io.brick.iscsi.Iqn.of("iqn.2003-01.org.linux-iscsi.labvm:other")))
                .extracting(s -> s.sessionId()).containsExactly(2);
        assertThat(provider.iscsiSessions(io.brick.iscsi.Iqn.of("iqn.2003-01.org.example:none"))).isEmpty();
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
    void fibre_channel_hosts_and_remote_ports_are_read_from_their_classes() throws IOException {
        Path host = fixture.sys("devices/pci0000:00/0000:00:05.0/host5");
        Path fcHost = host.resolve("fc_host/host5");
        Files.createDirectories(fcHost);
        Files.writeString(fcHost.resolve("port_name"), "0x50014380242B9750\n");
        Files.writeString(fcHost.resolve("node_name"), "0x50014380242b9751\n");
        Files.writeString(fcHost.resolve("port_state"), "Online\n");
        Files.createDirectories(fixture.sys("class/fc_host"));
        Files.createSymbolicLink(fixture.sys("class/fc_host/host5"),
                Path.of("../../devices/pci0000:00/0000:00:05.0/host5/fc_host/host5"));
        Files.createDirectories(fixture.sys("class/fc_remote_ports"));
        for (String rport : List.of("rport-5:0-10", "rport-5:0-2", "rport-6:0-1")) {
            Path dir = host.resolve(rport).resolve("fc_remote_ports").resolve(rport);
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("port_name"), "0x514f0c50023f6c00\n");
            Files.writeString(dir.resolve("node_name"), "0x514F0C50023F6C01\n");
            Files.writeString(dir.resolve("port_state"), "Online\n");
            Files.writeString(dir.resolve("scsi_target_id"), rport.endsWith("10") ? "-1\n" : "0\n");
            Files.createSymbolicLink(fixture.sys("class/fc_remote_ports").resolve(rport),
                    Path.of("../../devices/pci0000:00/0000:00:05.0/host5/" + rport + "/fc_remote_ports/" + rport));
        }

        assertThat(provider.fcHosts()).containsExactly(new FcHost(5, "50014380242b9750", "50014380242b9751", "Online",
                "/sys/devices/pci0000:00/0000:00:05.0/host5"));
        assertThat(provider.fcRemotePorts(5)).extracting(FcRemotePort::name).containsExactly("rport-5:0-2", "rport-5:0-10");
        assertThat(provider.fcRemotePorts(5).get(1)).isEqualTo(new FcRemotePort("rport-5:0-10", 5, 0,
                "514f0c50023f6c00", "514f0c50023f6c01", "Online", -1));
        assertThat(provider.topology().fcRemotePorts()).hasSize(3);
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
