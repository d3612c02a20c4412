package io.brick.fc;

import io.brick.core.connector.ConnectorConfig;
import io.brick.core.connector.DisconnectOptions;
import io.brick.core.error.DeviceNotFoundException;
import io.brick.core.error.DisconnectFailedException;
import io.brick.core.error.HostStateException;
import io.brick.core.error.InvalidInputException;
import io.brick.core.model.AttachedVolume;
import io.brick.core.model.ConnectionProperties;
import io.brick.core.model.DevicePath;
import io.brick.core.model.LunAddressing;
import io.brick.core.model.Wwid;
import io.brick.core.connector.DisconnectPlan;
import io.brick.testkit.host.CommandLogEntry;
import io.brick.testkit.host.Latencies;
import io.brick.testkit.host.SimulatedHost;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static io.brick.fc.SimulatedFc.props;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * os-brick's {@code test_fibre_channel.py} ({@code FibreChannelConnectorTestCase}) on the simulated fabric, each test
 * named after the one it mirrors. The fixture is os-brick's: an HBA with WWPN {@value #HBA} on PCI function
 * {@code 0000:05:00.2}, target port {@value #TARGET}, LUN 1. brick runs whole (the {@code FIBRE_CHANNEL} connector of
 * a runtime with the sysfs, multipath and FC plugins); the oracle's logs say what it did.
 */
class OsBrickFibreChannelScenariosTest {
    static final String HBA = "100010604b019419";
    static final String HBA_NODE = "200010604b019419";
    static final String HBA2 = "100010604b01941a";
    static final String TARGET = "1234567890123456";
    static final String TARGET2 = "1234567890123457";
    static final String WWID = "3600a098038303053453f463045373045";
    static final String BY_PATH = "/dev/disk/by-path/pci-0000:05:00.2-fc-0x" + TARGET + "-lun-1";
    private static final ConnectorConfig SINGLE_PATH = ConnectorConfig.defaults().withUseMultipath(false);

    @TempDir
    Path dir;

    private SimulatedFc lab;

    @AfterEach
    void stop() {
        if (lab != null) {
            assertThat(lab.host.oracle().busWideScans()).as("no bus-wide scan, ever").isEmpty();
            assertThat(lab.host.oracle().wrongDeviceEvents()).isEmpty();
            lab.close();
        }
    }

    /** os-brick's fixture: one HBA (host3, PCI 0000:05:00.2) zoned with the target port; LUN 1 mapped after login. */
    private SimulatedHost fixture(SimulatedHost.Builder builder) {
        SimulatedHost host = builder.build();
        host.fabric().hba(3, HBA, HBA_NODE, "pci0000:00/0000:00:03.0/0000:05:00.2").zone(HBA, TARGET);
        host.fabric().targetPort(TARGET).lun(1, WWID, 1L << 30);
        return host;
    }

    private SimulatedHost fixture() {
        return fixture(SimulatedHost.builder(dir).latencies(Latencies.realistic()));
    }

    /** Two HBAs, each zoned with both target ports, the volume LUN 1 on both: four paths. */
    private SimulatedHost twoHbasTwoPorts() {
        SimulatedHost host = SimulatedHost.builder(dir).latencies(Latencies.realistic()).build();
        host.fabric().hba(3, HBA, HBA_NODE, "pci0000:00/0000:00:03.0/0000:05:00.2")
                .hba(4, HBA2, "200010604b01941a", "pci0000:00/0000:00:03.0/0000:05:00.3")
                .zone(HBA, TARGET, TARGET2).zone(HBA2, TARGET, TARGET2);
        host.fabric().targetPort(TARGET).lun(1, WWID, 1L << 30);
        host.fabric().targetPort(TARGET2).lun(1, WWID, 1L << 30);
        return host;
    }

    private static ConnectionProperties volume() {
        return props("""
                {"target_wwn": "%s", "target_lun": 1}""".formatted(TARGET));
    }

    private static ConnectionProperties bothPorts() {
        return props("""
                {"target_wwns": ["%s", "%s"], "target_lun": 1}""".formatted(TARGET, TARGET2));
    }

    private List<String> commands(int from) {
        List<CommandLogEntry> log = lab.host.oracle().commandLog();
        return log.subList(from, log.size()).stream().map(entry -> String.join(" ", entry.argv())).toList();
    }

    private List<String> deletes() {
        lab.host.settle();
        return lab.host.oracle().sysfsWrites().stream().filter(write -> write.path().endsWith("/delete"))
                .map(write -> write.path() + "=" + write.value()).toList();
    }

    // ------------------------------------------------------------------------------ properties and paths

    @Test
    void test_get_connector_properties() {
        lab = SimulatedFc.start(fixture());

        assertThat(lab.connector.connectorProperties()).containsEntry("wwpns", List.of(HBA))
                .containsEntry("wwnns", List.of(HBA_NODE)).containsEntry("multipath", true);
    }

    @Test
    void test_get_search_path() {
        lab = SimulatedFc.start(fixture(), SINGLE_PATH);
        lab.connector.connect(volume());

        assertThat(lab.connector.volumePaths(volume())).isNotEmpty()
                .allMatch(path -> path.path().startsWith("/dev/disk/by-path/"));
    }

    @Test
    void test_get_pci_num() {
        lab = SimulatedFc.start(SimulatedFc.emptyHost(dir));
        lab.host.fabric().hba(2, HBA, HBA_NODE, "pci0000:00/0000:00:03.0/0000:05:00.3")
                .hba(3, HBA2, HBA_NODE, "pci0000:00/0000:00:03.0/0000:05:00.3/0000:06:00.6")
                .hba(4, "100010604b01941b", HBA_NODE, "pci0000:20/0000:20:03.0/0000:21:00.2/net/ens2f2/ctlr_2");

        assertThat(lab.hbas()).extracting(hba -> hba.pciAddress().orElseThrow())
                .containsExactly("0000:05:00.3", "0000:06:00.6", "0000:21:00.2");
        assertThat(lab.hbas()).allMatch(hba -> hba.platform().isEmpty());
    }

    @Test
    void test_get_pci_num_with_platform() {
        lab = SimulatedFc.start(SimulatedFc.emptyHost(dir));
        lab.host.fabric().hba(2, HBA, HBA_NODE,
                "platform/smb/smb:motherboard/80040000000.peu0-c0/pci0000:00/0000:00:03.0/0000:05:00.3");

        FcHba hba = lab.hba(2);

        assertThat(hba.platform()).contains("platform-80040000000.peu0-c0");
        assertThat(hba.pciAddress()).contains("0000:05:00.3");
    }

    @Test
    void test_get_volume_paths() {
        lab = SimulatedFc.start(fixture(), SINGLE_PATH);
        assertThat(lab.connector.volumePaths(volume())).as("nothing attached yet: no path, and nothing scanned")
                .isEmpty();
        assertThat(lab.scans()).isEmpty();
        lab.connector.connect(volume());

        assertThat(lab.connector.volumePaths(volume())).containsExactly(DevicePath.of(BY_PATH));
    }

    @Test
    void test_get_volume_paths_with_platform() {
        lab = SimulatedFc.start(SimulatedFc.emptyHost(dir), SINGLE_PATH);
        lab.host.fabric().hba(2, HBA, HBA_NODE,
                "platform/smb/smb:motherboard/80040000000.peu0-c0/pci0000:00/0000:00:03.0/0000:05:00.2")
                .zone(HBA, TARGET);
        lab.host.fabric().targetPort(TARGET).lun(1, WWID, 1L << 30);

        AttachedVolume attached = lab.connector.connect(volume());

        String link = "/dev/disk/by-path/platform-80040000000.peu0-c0-pci-0000:05:00.2-fc-0x" + TARGET + "-lun-1";
        assertThat(attached.path()).isEqualTo(DevicePath.of(link));
        assertThat(lab.connector.volumePaths(volume())).containsExactly(DevicePath.of(link));
    }

    // ------------------------------------------------------------------------------ connect

    @ParameterizedTest(name = "target_wwn {0}")
    @ValueSource(strings = {"\"1234567890123456\"", "[\"1234567890123456\"]", "\"0x1234567890123456\""})
    void test_connect_volume(String wwn) {
        lab = SimulatedFc.start(fixture(), SINGLE_PATH);
        ConnectionProperties properties = props("""
                {"target_wwn": %s, "target_lun": 1}""".formatted(wwn));

        AttachedVolume attached = lab.connector.connect(properties);

        assertThat(attached.toDeviceInfo()).containsEntry("type", "block").containsEntry("path", BY_PATH)
                .containsEntry("scsi_wwn", WWID).doesNotContainKey("multipath_id").doesNotContainKey("devices");
        assertThat(lab.scans()).containsExactly("host3 '0 0 1'");
        assertThat(lab.host.oracle().commandLog()).as("single path: FC runs no command to attach").isEmpty();

        lab.connector.disconnect(properties, Optional.of(attached), DisconnectOptions.SAFE);
        assertThat(lab.host.oracle().leftovers(Wwid.of(WWID)).isEmpty()).isTrue();
    }

    @Test
    void test_connect_volume_with_an_integer_wwn_is_invalid_input_and_nothing_runs() {
        lab = SimulatedFc.start(fixture(), SINGLE_PATH);

        assertThatThrownBy(() -> lab.connector.connect(props("""
                {"target_wwn": 1234567890123456, "target_lun": 1}""")))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("target_wwn");
        assertThat(lab.scans()).isEmpty();
        assertThat(lab.host.oracle().commandLog()).isEmpty();
    }

    @Test
    void test_connect_volume_without_hbas_fails_with_no_fibre_channel_hosts() {
        lab = SimulatedFc.start(SimulatedFc.emptyHost(dir), SINGLE_PATH);

        assertThatThrownBy(() -> lab.connector.connect(volume())).isInstanceOf(HostStateException.class)
                .hasMessageContaining("unable to locate any Fibre Channel devices");
    }

    @Test
    void test_connect_volume_multipath_found_dm() {
        lab = SimulatedFc.start(twoHbasTwoPorts());

        AttachedVolume attached = lab.connector.connect(bothPorts());

        assertThat(attached.toDeviceInfo()).containsEntry("path", "/dev/disk/by-id/dm-uuid-mpath-" + WWID)
                .containsEntry("multipath_id", WWID).containsEntry("scsi_wwn", WWID);
        assertThat(lab.topology().multipathMapByWwid(Wwid.of(WWID))).get()
                .satisfies(map -> assertThat(map.slaves()).hasSize(4));
    }

    @Test
    void test_connect_volume_multipath_not_found() {
        lab = SimulatedFc.start(fixture(SimulatedHost.builder(dir).multipathd(false)));

        AttachedVolume attached = lab.connector.connect(volume());

        assertThat(attached.multipathId()).isEmpty();
        assertThat(attached.path()).as("the link, not the real path").isEqualTo(DevicePath.of(BY_PATH));
    }

    @Test
    void test_connect_volume_device_not_valid() {
        lab = SimulatedFc.start(fixture(), ConnectorConfig.defaults().withDeviceWait(Duration.ofSeconds(10)));
        lab.host.fabric().targetPort(TARGET).maskLun(1, "100010604b0194ff"); // mapped to another host only

        assertThatThrownBy(() -> lab.connector.connect(volume())).isInstanceOf(DeviceNotFoundException.class)
                .hasMessageContaining("Unable to find a Fibre Channel volume device");
        assertThat(lab.scans()).as("rescans at 0, 2, 4 and 8 s within the 10 s wait").hasSize(4)
                .allMatch(scan -> scan.equals("host3 '0 0 1'"));
        assertThat(lab.host.oracle().leftovers(Wwid.of(WWID)).isEmpty()).isTrue();
    }

    // ------------------------------------------------------------------------------ extend

    @Test
    void test_extend_volume_no_path() {
        lab = SimulatedFc.start(fixture());

        assertThatThrownBy(() -> lab.connector.extend(volume())).isInstanceOf(DeviceNotFoundException.class)
                .hasMessageContaining("Could not find any paths");
    }

    @Test
    void test_extend_volume() {
        lab = SimulatedFc.start(twoHbasTwoPorts());
        lab.connector.connect(bothPorts());
        lab.host.fabric().targetPort(TARGET).resizeLun(1, 2L << 30);
        lab.host.fabric().targetPort(TARGET2).resizeLun(1, 2L << 30);

        assertThat(lab.connector.extend(bothPorts())).isEqualTo(2L << 30);
        assertThat(lab.topology().multipathMapByWwid(Wwid.of(WWID))).get()
                .satisfies(map -> assertThat(map.sizeBytes()).isEqualTo(2L << 30));
    }

    // ------------------------------------------------------------------------------ disconnect

    @ParameterizedTest(name = "path_used {0}")
    @CsvSource({
        "/dev/mapper/" + WWID + ", false",
        "/dev/mapper/mpath0, false",
        "/dev/sda, true",
        BY_PATH + ", true"})
    void test__remove_devices(String pathUsed, boolean flushesThatPath) {
        lab = SimulatedFc.start(twoHbasTwoPorts(), SINGLE_PATH);
        AttachedVolume attached = lab.connector.connect(bothPorts());
        String usedDevice = lab.topology().resolveDevLink(DevicePath.of(BY_PATH)).orElseThrow();
        assertThat(attached.path()).isEqualTo(DevicePath.of(BY_PATH));
        AttachedVolume used = new AttachedVolume(DevicePath.of(pathUsed), attached.scsiWwn(), Optional.empty());

        DisconnectPlan plan = lab.connector.planDisconnect(bothPorts(), Optional.of(used));
        assertThat(plan.remove()).hasSize(4);
        if (flushesThatPath) {
            assertThat(plan.flush()).singleElement().asString().startsWith(pathUsed.equals("/dev/sda") ? "sda"
                    : usedDevice);
        } else {
            assertThat(plan.flush()).as("a multipath path was used: the map is gone, no path is flushed").isEmpty();
        }

        int from = lab.host.oracle().commandLog().size();
        lab.connector.disconnect(bothPorts(), Optional.of(used), DisconnectOptions.SAFE);
        assertThat(commands(from).stream().filter(line -> line.startsWith("blockdev --flushbufs")).toList())
                .hasSize(flushesThatPath ? 1 : 0);
        assertThat(deletes()).hasSize(4);
        assertThat(lab.host.oracle().leftovers(Wwid.of(WWID)).isEmpty()).isTrue();
    }

    @Test
    void test__remove_devices_fails() throws IOException {
        lab = SimulatedFc.start(twoHbasTwoPorts(), SINGLE_PATH);
        lab.connector.connect(bothPorts());
        List<String> devices = lab.host.sysfs().scsiDevices();
        Path delete = lab.host.sysfs().scsiDeviceDirectory(devices.get(0)).resolve("delete");
        Files.delete(delete);
        Files.createDirectory(delete); // the write fails, as a device the kernel will not delete

        assertThatThrownBy(() -> lab.connector.disconnect(bothPorts(), Optional.empty(), new DisconnectOptions(true, false)))
                .isInstanceOf(DisconnectFailedException.class).hasMessageContaining("refused");
        assertThat(lab.host.sysfs().scsiDevices()).as("every other device was still removed")
                .containsExactly(devices.get(0));
    }

    @Test
    void test_disconnect_volume() {
        lab = SimulatedFc.start(twoHbasTwoPorts());
        AttachedVolume attached = lab.connector.connect(bothPorts());
        lab.host.write(DevicePath.of("/dev/dm-0"));
        int from = lab.host.oracle().commandLog().size();
        lab.host.oracle().operatingOn(Wwid.of(WWID));

        lab.connector.disconnect(bothPorts(), Optional.of(attached), DisconnectOptions.SAFE);

        List<String> commands = commands(from);
        assertThat(commands).filteredOn(line -> line.startsWith("multipath -f")).hasSize(1);
        assertThat(commands).noneMatch(line -> line.startsWith("blockdev --flushbufs"));
        assertThat(deletes()).hasSize(4);
        assertThat(lab.host.oracle().dataLossEvents()).isEmpty();
        assertThat(lab.host.oracle().leftovers(Wwid.of(WWID)).isEmpty()).isTrue();
    }

    @ParameterizedTest(name = "ignore_errors={0}, flush fails={1}")
    @CsvSource({"false, true", "true, true", "false, false"})
    void test_disconnect_volume_fails(boolean ignoreErrors, boolean flushFails) {
        lab = SimulatedFc.start(twoHbasTwoPorts());
        AttachedVolume attached = lab.connector.connect(bothPorts());
        if (flushFails) {
            lab.host.open(DevicePath.of("/dev/dm-0")); // a holder: the flush fails (map in use), the map stays
        }
        int from = lab.host.oracle().commandLog().size();
        DisconnectOptions options = new DisconnectOptions(true, ignoreErrors);

        if (flushFails && !ignoreErrors) {
            assertThatThrownBy(() -> lab.connector.disconnect(bothPorts(), Optional.of(attached), options))
                    .isInstanceOf(DisconnectFailedException.class);
        } else {
            lab.connector.disconnect(bothPorts(), Optional.of(attached), options);
        }

        List<String> commands = commands(from);
        assertThat(commands).filteredOn(line -> line.startsWith("multipath -f")).isNotEmpty();
        assertThat(deletes()).as("the paths are removed either way").hasSize(4);
        assertThat(commands.stream().anyMatch(line -> line.startsWith("multipathd disablequeueing map")))
                .as("the map is removed without flush (queueing off first) only when its flush failed")
                .isEqualTo(flushFails);
        assertThat(lab.host.oracle().leftovers(Wwid.of(WWID)).maps()).isEmpty();
    }

    // ------------------------------------------------------------------------------ possible paths

    @Test
    void test__get_possible_volume_paths() {
        lab = SimulatedFc.start(SimulatedFc.emptyHost(dir), SINGLE_PATH);
        lab.host.fabric().hba(3, HBA, HBA_NODE, "pci0000:00/0000:00:03.0/0000:05:00.2").zone(HBA, TARGET);
        lab.host.fabric().targetPort(TARGET).addressing(LunAddressing.SAM2).lun(256, WWID, 1L << 30);
        ConnectionProperties properties = props("""
                {"target_wwn": "%s", "target_lun": 256, "addressing_mode": "SAM2"}""".formatted(TARGET));

        AttachedVolume attached = lab.connector.connect(properties);

        String link = "/dev/disk/by-path/pci-0000:05:00.2-fc-0x" + TARGET + "-lun-0x4100000000000000";
        assertThat(lab.scans()).containsExactly("host3 '0 0 16640'");
        assertThat(attached.path()).isEqualTo(DevicePath.of(link));
        assertThat(lab.connector.volumePaths(properties)).containsExactly(DevicePath.of(link));
    }

    @Test
    void test__get_possible_devices() {
        lab = SimulatedFc.start(twoHbasTwoPorts(), SINGLE_PATH);
        lab.connector.connect(bothPorts());

        assertThat(lab.connector.volumePaths(bothPorts())).extracting(DevicePath::path).containsExactly(
                "/dev/disk/by-path/pci-0000:05:00.2-fc-0x" + TARGET + "-lun-1",
                "/dev/disk/by-path/pci-0000:05:00.2-fc-0x" + TARGET2 + "-lun-1",
                "/dev/disk/by-path/pci-0000:05:00.3-fc-0x" + TARGET + "-lun-1",
                "/dev/disk/by-path/pci-0000:05:00.3-fc-0x" + TARGET2 + "-lun-1");
    }

    @Test
    void test_supports_multipath() {
        lab = SimulatedFc.start(fixture(SimulatedHost.builder(dir).multipathd(false)));

        assertThat(lab.connector.connectorProperties()).containsEntry("multipath", false);
    }
}
