package io.brick.sysfs;

import io.brick.testkit.snapshot.ToolOutputs;
import io.brick.testkit.snapshot.RecordedFixture;
import io.brick.core.model.BlockDevice;
import io.brick.core.model.Hctl;
import io.brick.core.model.Lun;
import io.brick.core.model.MultipathMap;
import io.brick.core.model.Topology;
import io.brick.core.model.Wwid;
import io.brick.testkit.snapshot.Recordings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The topology read from each real-kernel recording matches what the tools said on that host at the same moment
 * ({@code commands.json}): every expected value below comes from the recorded tool outputs. The sessions are checked
 * against the same outputs by brick-iscsi's {@code RecordingsSessionsTest}.
 */
class RecordingsTopologyTest {
    @TempDir
    Path dir;

    @Test
    void a_single_portal_one_lun() {
        Topology topology = checkAgainstTools(Recordings.A_SINGLE_PORTAL_ONE_LUN);

        assertThat(topology.devices()).hasSize(1);
        assertThat(topology.multipathMaps()).singleElement()
                .satisfies(map -> assertThat(map.slaves()).hasSize(1));
    }

    @Test
    void b_two_portals_one_lun() {
        Topology topology = checkAgainstTools(Recordings.B_TWO_PORTALS_ONE_LUN);

        assertThat(topology.devices()).hasSize(2);
        assertThat(topology.multipathMaps()).singleElement()
                .satisfies(map -> assertThat(map.slaves()).hasSize(2));
    }

    @Test
    void e_after_disconnect() {
        Topology topology = checkAgainstTools(Recordings.E_AFTER_DISCONNECT);

        assertThat(topology.devices()).isEmpty();
        assertThat(topology.multipathMaps()).isEmpty();
    }

    @Test
    void osbrick_attached() {
        Topology topology = checkAgainstTools(Recordings.OSBRICK_ATTACHED);

        // os-brick logged in to 127.0.0.2 first: session 1 is on host2 but its disk is sdb
        assertThat(topology.multipathMaps()).singleElement()
                .satisfies(map -> assertThat(map.slaves()).hasSize(2));
    }

    @Test
    void osbrick_after_disconnect() {
        Topology topology = checkAgainstTools(Recordings.OSBRICK_AFTER_DISCONNECT);

        assertThat(topology.devices()).isEmpty();
        assertThat(topology.multipathMaps()).isEmpty();
    }

    // ------------------------------------------------------------------------------ the kernel lane's recordings

    @Test
    void lab_single_portal_attached() {
        Topology topology = checkAgainstTools(Recordings.LAB_SINGLE_PORTAL_ATTACHED);

        assertThat(topology.multipathMaps()).singleElement().satisfies(map -> {
            assertThat(map.slaves()).containsExactly("sda");
            assertThat(map.wwid()).contains(Wwid.of("3600140541aaea35f367a00bf868ece3e"));
        });
    }

    @Test
    void lab_two_portals_attached() {
        Topology topology = checkAgainstTools(Recordings.LAB_TWO_PORTALS_ATTACHED);

        assertThat(topology.multipathMaps()).singleElement().satisfies(map -> {
            assertThat(map.slaves()).containsExactlyInAnyOrder("sda", "sdb");
            assertThat(map.wwid()).contains(Wwid.of("36001405b7713b5544972bc14c21a6ebd"));
        });
    }

    @Test
    void lab_two_portals_after_disconnect() {
        Topology topology = checkAgainstTools(Recordings.LAB_TWO_PORTALS_AFTER_DISCONNECT);

        assertThat(topology.devices()).isEmpty();
        assertThat(topology.multipathMaps()).isEmpty();
    }

    @Test
    void lab_two_luns_one_disconnected() {
        Topology topology = checkAgainstTools(Recordings.LAB_TWO_LUNS_ONE_DISCONNECTED);

        // LUN 1 gone, both sessions and LUN 2 (both paths, its map) kept
        assertThat(topology.devices()).extracting(device -> device.hctl().lunValue())
                .containsOnly(Lun.of(2));
        assertThat(topology.multipathMaps()).singleElement().satisfies(map -> {
            assertThat(map.slaves()).hasSize(2);
            assertThat(map.wwid()).contains(Wwid.of("3600140584cdd8871f74acb7283533c34"));
        });
    }

    @Test
    void lab_doctor_leftover() {
        // LUN 2 deleted on the target: multipathd failed its paths (sdc, sdd) while sysfs still says running and
        // still holds the WWID read at scan time; scsi_id's fresh INQUIRY gets nothing from a LUN that is gone
        RecordedFixture<SysfsTopologyProvider> fixture = RecordedFixture.load(Recordings.LAB_DOCTOR_LEFTOVER, dir, SysfsTopologyProvider::new);
        ToolOutputs tools = fixture.tools();
        SysfsTopologyProvider provider = fixture.topology();
        Topology topology = provider.topology();
        checkMaps(provider, topology, tools);

        assertThat(topology.devices()).hasSize(4).allSatisfy(device -> assertThat(device.state().usable()).isTrue());
        Wwid lun2 = Wwid.of("36001405c91730775addd643a66a7f3a9");
        assertThat(topology.devices()).filteredOn(device -> device.hctl().lunValue().equals(Lun.of(2)))
                .hasSize(2).allSatisfy(device -> {
                    assertThat(device.wwid()).contains(lun2);
                    assertThat(tools.scsiId(device.name())).isEmpty();
                });
        assertThat(topology.devices()).filteredOn(device -> device.hctl().lunValue().equals(Lun.of(1)))
                .hasSize(2).allSatisfy(device ->
                        assertThat(device.wwid().map(Wwid::value)).isEqualTo(tools.scsiId(device.name())));
        assertThat(topology.multipathMaps()).hasSize(2);
    }

    @Test
    void lab_lun_reused_stale_device() {
        // LUN 1 recreated on the target with a new WWID: sysfs keeps the WWID of the scan (the old one); scsi_id's
        // fresh INQUIRY answers the new one. Only a device scanned after the change shows the new WWID in sysfs.
        RecordedFixture<SysfsTopologyProvider> fixture = RecordedFixture.load(Recordings.LAB_LUN_REUSED_STALE_DEVICE, dir, SysfsTopologyProvider::new);
        ToolOutputs tools = fixture.tools();
        SysfsTopologyProvider provider = fixture.topology();
        Topology topology = provider.topology();
        checkMaps(provider, topology, tools);

        assertThat(topology.devices()).singleElement().satisfies(device -> {
            assertThat(device.wwid()).contains(Wwid.of("360014055ecb3303bfae46e352e4c9da1"));
            assertThat(tools.scsiId(device.name())).contains("36001405fad0f83e70f92803c05db7cbc");
        });
        assertThat(topology.multipathMaps()).singleElement()
                .satisfies(map -> assertThat(map.wwid()).contains(Wwid.of("360014055ecb3303bfae46e352e4c9da1")));
    }

    @Test
    void lab_path_down_before_force() {
        // the portal of both LUNs was deleted on the target: the session is FAILED, multipathd failed both paths;
        // a disconnect without --force left everything in place
        RecordedFixture<SysfsTopologyProvider> fixture = RecordedFixture.load(Recordings.LAB_PATH_DOWN_BEFORE_FORCE, dir, SysfsTopologyProvider::new);
        ToolOutputs tools = fixture.tools();
        SysfsTopologyProvider provider = fixture.topology();
        Topology topology = provider.topology();

        assertThat(topology.devices()).extracting(BlockDevice::name).containsExactlyInAnyOrderElementsOf(
                tools.lsscsi().keySet());
        assertThat(topology.multipathMaps()).hasSize(2).allSatisfy(map -> assertThat(map.slaves()).hasSize(1));
    }

    private Topology checkAgainstTools(String recording) {
        RecordedFixture<SysfsTopologyProvider> fixture = RecordedFixture.load(recording, dir, SysfsTopologyProvider::new);
        ToolOutputs tools = fixture.tools();
        SysfsTopologyProvider provider = fixture.topology();
        Topology topology = provider.topology();

        checkDevices(provider, topology, tools);
        checkMaps(provider, topology, tools);
        checkFibreChannel(fixture);
        return topology;
    }
    /** Devices: H:C:T:L and names from {@code lsscsi -t}, WWIDs from {@code scsi_id}, sizes from {@code blockdev}. */
    private static void checkDevices(SysfsTopologyProvider provider, Topology topology, ToolOutputs tools) {
        Map<String, Hctl> lsscsi = tools.lsscsi();
        Map<String, Hctl> fromSysfs = new TreeMap<>();
        topology.devices().forEach(device -> fromSysfs.put(device.name(), device.hctl()));
        assertThat(fromSysfs).isEqualTo(lsscsi);

        Map<String, String> byId = tools.byIdLinks();
        for (Map.Entry<String, Hctl> expected : lsscsi.entrySet()) {
            String name = expected.getKey();
            BlockDevice device = provider.device(name).orElseThrow();
            assertThat(provider.deviceAt(expected.getValue())).contains(device);
            assertThat(topology.devices()).contains(device);
            assertThat(device.hctl()).isEqualTo(expected.getValue());
            assertThat(device.wwid().map(Wwid::value)).isEqualTo(tools.scsiId(name));
            assertThat(provider.wwid(name)).isEqualTo(device.wwid());
            assertThat(device.sizeBytes()).isEqualTo(tools.size(name).orElseThrow());
            assertThat(device.state().usable()).isTrue();
            assertThat(provider.blockDeviceExists(name)).isTrue();
            assertThat(provider.diskByIdLinks(name)).containsExactlyElementsOf(byId.entrySet().stream()
                    .filter(link -> link.getValue().equals(name)).map(Map.Entry::getKey).sorted().toList());
        }
        assertThat(lsscsi.keySet()).allSatisfy(name -> assertThat(tools.scsiId(name)).isPresent());
    }

    /** Maps: {@code multipathd show maps} (name, dm, uuid), {@code multipath -ll} (paths, vendor, model), dmsetup. */
    private static void checkMaps(SysfsTopologyProvider provider, Topology topology, ToolOutputs tools) {
        List<ToolOutputs.MapRow> rows = tools.multipathdMaps();
        List<ToolOutputs.MultipathLl> ll = tools.multipathLl();
        Map<String, String> dmsetup = tools.dmsetupUuids();
        Map<String, String> byId = tools.byIdLinks();

        assertThat(topology.multipathMaps()).extracting(MultipathMap::kernelName)
                .containsExactlyElementsOf(rows.stream().map(ToolOutputs.MapRow::sysfs).toList());
        assertThat(ll).extracting(ToolOutputs.MultipathLl::kernelName)
                .containsExactlyElementsOf(rows.stream().map(ToolOutputs.MapRow::sysfs).toList());
        assertThat(provider.multipathMaps()).isEqualTo(topology.multipathMaps());
        for (ToolOutputs.MultipathLl expected : ll) {
            MultipathMap map = provider.multipathMap(expected.kernelName()).orElseThrow();
            ToolOutputs.MapRow row = rows.stream().filter(r -> r.sysfs().equals(expected.kernelName())).findFirst()
                    .orElseThrow();

            assertThat(map.name()).isEqualTo(row.name());
            assertThat(map.wwid().map(Wwid::value)).contains(row.uuid()).contains(expected.wwid());
            assertThat(dmsetup.get(map.name())).isEqualTo("mpath-" + expected.wwid());
            assertThat(map.slaves()).containsExactlyElementsOf(expected.paths().keySet());
            assertThat(map.sizeBytes()).isEqualTo(tools.size(map.kernelName()).orElseThrow());
            assertThat(provider.multipathMapByWwid(Wwid.of(expected.wwid()))).contains(map);
            assertThat(provider.diskByIdLinks(map.kernelName())).containsExactlyElementsOf(byId.entrySet().stream()
                    .filter(link -> link.getValue().equals(map.kernelName())).map(Map.Entry::getKey).sorted().toList());
            for (Map.Entry<String, Hctl> path : expected.paths().entrySet()) {
                BlockDevice device = provider.device(path.getKey()).orElseThrow();
                assertThat(device.hctl()).isEqualTo(path.getValue());
                assertThat(device.holders()).containsExactly(map.kernelName());
                assertThat(device.vendor()).isEqualTo(expected.vendor());
                assertThat(device.model()).isEqualTo(expected.model());
                assertThat(device.wwid().map(Wwid::value)).contains(expected.wwid());
                assertThat(provider.holderMap(path.getKey())).contains(map);
            }
        }
    }

    /** None of the recordings has an HBA: the recorder found {@code /sys/class/fc_host} absent (brick-fc reads them). */
    private static void checkFibreChannel(RecordedFixture<SysfsTopologyProvider> fixture) {
        assertThat(fixture.snapshot().absent()).contains("/sys/class/fc_host", "/sys/class/fc_remote_ports");
    }

    @Test
    void lookups_of_what_the_recording_does_not_have_are_absent() {
        SysfsTopologyProvider provider = RecordedFixture.load(Recordings.A_SINGLE_PORTAL_ONE_LUN, dir, SysfsTopologyProvider::new).topology();

        assertThat(provider.deviceAt(Hctl.parse("2:0:0:0"))).isEmpty();
        assertThat(provider.device("sdb")).isEmpty();
        assertThat(provider.device("vda")).as("a virtio disk is not a SCSI device").isEmpty();
        assertThat(provider.device("dm-0")).as("a map is not a SCSI device").isEmpty();
        assertThat(provider.multipathMap("sda")).as("a SCSI disk is not a map").isEmpty();
        assertThat(provider.multipathMapByWwid(Wwid.of("360014053b8c2d6009a414f0b8e275d1c"))).isEmpty();
        assertThat(provider.wwid("vda")).isEmpty();
        assertThat(provider.device("..")).isEmpty();
        assertThat(provider.blockDeviceExists("../block")).isFalse();
        assertThat(Optional.of(provider.diskByIdLinks("sdb"))).contains(List.of());
    }
}
