package io.brick.sysfs;

import io.brick.testkit.snapshot.RecordedFixture;
import io.brick.core.error.HostStateException;
import io.brick.core.model.BlockDevice;
import io.brick.core.model.DeviceState;
import io.brick.core.model.Hctl;
import io.brick.core.model.MultipathMap;
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

/**
 * Targeted lookups and the host's odd states, on the two-portal recording (the sessions': brick-iscsi's
 * {@code IscsiSessionReaderTest}; the HBAs': brick-fc's {@code FcHostReaderTest}).
 */
class SysfsTopologyProviderTest {
    private static final String WWID = "360014053b8c2d6119a414f0b8e275d1c";
    private static final String SDA_DIR = "devices/platform/host2/session1/target2:0:0/2:0:0:1";

    @TempDir
    Path dir;

    private RecordedFixture<SysfsTopologyProvider> fixture;
    private SysfsTopologyProvider provider;

    @BeforeEach
    void materialise() {
        fixture = RecordedFixture.load(Recordings.B_TWO_PORTALS_ONE_LUN, dir, SysfsTopologyProvider::new);
        provider = fixture.topology();
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
    void a_holder_whose_map_does_not_list_the_device_among_its_slaves_is_not_its_map() throws IOException {
        Files.delete(fixture.sys("devices/virtual/block/dm-0/slaves/sda"));

        assertThat(provider.holderMap("sda")).isEmpty();
        assertThat(provider.holderMap("sdb")).map(MultipathMap::kernelName).contains("dm-0");
    }

    @Test
    void a_holder_listed_outside_sys_gives_no_map_that_does_not_hold_the_device() throws IOException {
        Path outside = Files.createDirectories(dir.resolve("outside/sdz/holders"));
        Files.createSymbolicLink(outside.resolve("dm-0"), Path.of("/nonexistent"));
        Files.createSymbolicLink(fixture.sys("block/sdz"), dir.resolve("outside/sdz"));

        assertThat(provider.holderMap("sdz")).as("dm-0 holds sda and sdb, not sdz").isEmpty();
    }

    @Test
    void a_dm_device_that_is_not_a_multipath_map_has_no_wwid_and_is_not_listed() throws IOException {
        Files.writeString(fixture.sys("devices/virtual/block/dm-0/dm/uuid"), "LVM-abcdef\n");

        assertThat(provider.multipathMap("dm-0")).hasValueSatisfying(map -> assertThat(map.wwid()).isEmpty());
        assertThat(provider.multipathMaps()).isEmpty();
        assertThat(provider.holderMap("sda")).isEmpty();
    }

    @Test
    void holders_are_the_dm_names_listed_in_holders_and_nothing_of_them_is_read() throws IOException {
        Path holders = fixture.sys("block/sda/holders");
        Files.createSymbolicLink(holders.resolve("dm-10"), Path.of("/nonexistent"));
        Files.createSymbolicLink(holders.resolve("md127"), Path.of("/nonexistent"));
        Files.createSymbolicLink(holders.resolve("dm-x"), Path.of("/nonexistent"));
        Files.writeString(fixture.sys("devices/virtual/block/dm-0/dm/uuid"), "LVM-abcdef\n");

        assertThat(provider.holders("sda")).as("dm-N names only, in kernel order, the maps not read")
                .containsExactly("dm-0", "dm-10");
        assertThat(provider.holders("sdb")).containsExactly("dm-0");
        assertThat(provider.holders("sdz")).isEmpty();
        assertThat(provider.holders("..")).isEmpty();
        assertThat(provider.holders("dm-0")).isEmpty();
    }

    @Test
    void a_holder_is_a_map_of_the_device_only_where_it_is_a_multipath_map_listing_it() throws IOException {
        MultipathMap map = provider.holderMap("sdb").orElseThrow();

        assertThat(provider.holderMap("sdb", "dm-0")).contains(map);
        assertThat(provider.holderMap("sdz", "dm-0")).as("dm-0 does not list sdz").isEmpty();
        assertThat(provider.holderMap("sdb", "dm-1")).isEmpty();
        assertThat(provider.holderMap("sdb", "../dm-0")).isEmpty();
        assertThat(provider.holderMap("sdb", "sda")).isEmpty();
        Files.writeString(fixture.sys("devices/virtual/block/dm-0/dm/uuid"), "LVM-abcdef\n");
        assertThat(provider.holderMap("sdb", "dm-0")).as("not a multipath map").isEmpty();
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
        assertThat(provider.holderMap("sda")).isEmpty();
        assertThat(provider.topology().devices()).extracting(BlockDevice::name).containsExactly("sdb");
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
        assertThat(provider.holderMap("sda")).isPresent();
        assertThat(provider.multipathMapByWwid(Wwid.of(WWID))).isPresent();
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
