package io.brick.core.volume;

import io.brick.core.error.IdentityMismatchException;
import io.brick.core.model.BlockDevice;
import io.brick.core.model.Wwid;
import io.brick.core.time.ManualClock;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;
import java.util.Set;

import static io.brick.core.volume.FakeHost.STALE;
import static io.brick.core.volume.FakeHost.VOLUME;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link VolumeDevices#judge}: the one identity step every transport's disconnect and extend start from. */
class VolumeDevicesTest {
    private static final String NAME = "iqn.2003-01.org.example:t1 LUN 1";

    private final FakeHost host = new FakeHost(new ManualClock());

    @Test
    void the_volumes_paths_are_deduplicated_sorted_by_hctl_and_a_stale_device_is_rejected() {
        BlockDevice sdb = host.addDevice("sdb", "2:0:0:1", Optional.of(VOLUME));
        BlockDevice sda = host.addDevice("sda", "3:0:0:1", Optional.of(VOLUME));
        BlockDevice stale = host.addDevice("sdc", "4:0:0:1", Optional.of(STALE));
        host.addMap("dm-0", VOLUME, "sda", "sdb");

        VolumeDevices devices = VolumeDevices.judge(NAME, List.of(sda, stale, sdb, sda), Optional.of(VOLUME),
                host.topology());

        assertThat(devices.paths()).containsExactly(sdb, sda);
        assertThat(devices.rejected()).containsExactly(stale);
        assertThat(devices.wwid()).contains(VOLUME);
        assertThat(devices.map()).hasValueSatisfying(map -> assertThat(map.kernelName()).isEqualTo("dm-0"));
    }

    /** Issue 18, item 6: a map's {@code slaves/} is empty for a moment while its table is reloaded. */
    @Test
    void a_map_showing_no_path_during_a_table_reload_is_found_by_its_wwid_and_never_taken_for_the_connects() {
        BlockDevice before = host.addDevice("sda", "2:0:0:1", Optional.of(VOLUME));
        BlockDevice made = host.addDevice("sdb", "3:0:0:1", Optional.of(VOLUME));
        host.addMap("dm-0", VOLUME);
        VolumeDevices devices = VolumeDevices.judge(NAME, List.of(before, made), Optional.empty(), host.topology());

        assertThat(devices.map()).as("no holder: found by the paths' WWID").hasValueSatisfying(
                map -> assertThat(map.kernelName()).isEqualTo("dm-0"));
        assertThat(devices.madeBy(Set.of("sdb")).map()).as("it may hold sda, an existing attachment's").isEmpty();
        assertThat(devices.madeBy(Set.of("sdb")).paths()).containsExactly(made);
        assertThat(devices.madeBy(Set.of("sda", "sdb")).map()).isEmpty();
    }

    @Test
    void a_failed_connect_may_remove_only_the_paths_it_made_and_a_map_of_those_alone() {
        BlockDevice before = host.addDevice("sda", "2:0:0:1", Optional.of(VOLUME));
        BlockDevice made = host.addDevice("sdb", "3:0:0:1", Optional.of(VOLUME));
        BlockDevice stale = host.addDevice("sdc", "4:0:0:1", Optional.of(STALE));
        host.addMap("dm-0", VOLUME, "sda", "sdb");
        VolumeDevices devices = VolumeDevices.judge(NAME, List.of(before, made, stale), Optional.of(VOLUME),
                host.topology());

        VolumeDevices cleanup = devices.madeBy(Set.of("sdb"));

        assertThat(cleanup.paths()).containsExactly(made);
        assertThat(cleanup.map()).as("the map held a path from before the connect: another attachment's").isEmpty();
        assertThat(cleanup.rejected()).containsExactly(stale);
        assertThat(cleanup.wwid()).contains(VOLUME);
        assertThat(devices.madeBy(Set.of())).satisfies(none -> assertThat(none.isEmpty()).isTrue());
        assertThat(devices.madeBy(Set.of("sda", "sdb")).map()).as("every path of the map made by the connect")
                .hasValueSatisfying(map -> assertThat(map.kernelName()).isEqualTo("dm-0"));
    }

    @Test
    void devices_of_two_wwids_with_no_caller_wwid_are_an_identity_mismatch() {
        BlockDevice sda = host.addDevice("sda", "2:0:0:1", Optional.of(VOLUME));
        BlockDevice stale = host.addDevice("sdb", "3:0:0:1", Optional.of(STALE));

        assertThatThrownBy(() -> VolumeDevices.judge(NAME, List.of(sda, stale), Optional.empty(), host.topology()))
                .isInstanceOf(IdentityMismatchException.class);
    }

    @Test
    void a_map_of_another_wwid_holding_a_path_is_not_the_volumes() {
        BlockDevice sda = host.addDevice("sda", "2:0:0:1", Optional.empty());
        host.addMap("dm-3", STALE, "sda");

        VolumeDevices devices = VolumeDevices.judge(NAME, List.of(sda), Optional.of(VOLUME), host.topology());

        assertThat(devices.paths()).as("no WWID readable: kept at the volume's address").containsExactly(sda);
        assertThat(devices.map()).isEmpty();
    }

    @Test
    void with_no_device_left_the_map_of_the_wwid_is_still_found() {
        host.addMap("dm-0", VOLUME);

        VolumeDevices devices = VolumeDevices.judge(NAME, List.of(), Optional.of(VOLUME), host.topology());

        assertThat(devices.paths()).isEmpty();
        assertThat(devices.map()).hasValueSatisfying(map -> assertThat(map.wwid()).contains(Wwid.of(VOLUME.value())));
    }

    @Test
    void properties_and_a_wwid_that_name_two_volumes_are_a_mismatch_never_the_other_volumes_map() {
        // the device at the volume's address has another WWID, and the map of the WWID given holds paths elsewhere:
        // the inputs were crossed, and acting on that map would flush or remove another volume's
        BlockDevice there = host.addDevice("sdc", "4:0:0:1", Optional.of(STALE));
        host.addDevice("sda", "2:0:0:7", Optional.of(VOLUME));
        host.addMap("dm-0", VOLUME, "sda");

        assertThatThrownBy(() -> VolumeDevices.judge(NAME, List.of(there), Optional.of(VOLUME), host.topology()))
                .isInstanceOf(IdentityMismatchException.class);
    }

    @Test
    void a_map_of_the_wwid_left_with_no_path_is_the_volumes_even_beside_a_stale_device() {
        BlockDevice there = host.addDevice("sdc", "4:0:0:1", Optional.of(STALE));
        host.addMap("dm-0", VOLUME);

        VolumeDevices devices = VolumeDevices.judge(NAME, List.of(there), Optional.of(VOLUME), host.topology());

        assertThat(devices.rejected()).containsExactly(there);
        assertThat(devices.map()).hasValueSatisfying(map -> assertThat(map.kernelName()).isEqualTo("dm-0"));
    }

    @Test
    void paths_without_a_wwid_keep_the_map_holding_the_first_of_them() {
        // no WWID anywhere: the first path's map is the volume's, even when a later path is in no map (yet)
        BlockDevice first = host.addDevice("sda", "2:0:0:1", Optional.empty());
        BlockDevice second = host.addDevice("sdb", "3:0:0:1", Optional.empty());
        host.addMap("dm-0", VOLUME, "sda");

        VolumeDevices devices = VolumeDevices.judge(NAME, List.of(second, first), Optional.empty(), host.topology());

        assertThat(devices.paths()).extracting(BlockDevice::name).containsExactly("sda", "sdb");
        assertThat(devices.map()).hasValueSatisfying(map -> assertThat(map.kernelName()).isEqualTo("dm-0"));
    }

    @Test
    void paths_of_other_kinds_follow_the_scsi_ones_by_kind_then_address() {
        BlockDevice late = host.addDevice("nvme0n1", new io.brick.core.model.NamespaceAddress("nvme1", 1),
                Optional.of(VOLUME));
        BlockDevice early = host.addDevice("nvme1n1", new io.brick.core.model.NamespaceAddress("nvme0", 1),
                Optional.of(VOLUME));
        BlockDevice vendor = host.addDevice("vda", new io.brick.core.model.PathAddress() {
            @Override
            public String kind() {
                return "abc";
            }

            @Override
            public String toString() {
                return "zz9";
            }
        }, Optional.of(VOLUME));
        BlockDevice scsi = host.addDevice("sdz", "9:0:0:1", Optional.of(VOLUME));

        VolumeDevices devices = VolumeDevices.judge(NAME, List.of(late, early, vendor, scsi), Optional.of(VOLUME),
                host.topology());

        assertThat(devices.paths()).extracting(BlockDevice::name).containsExactly("sdz", "vda", "nvme1n1", "nvme0n1");
    }
}
