package io.brick.fc;

import io.brick.core.error.HostStateException;
import io.brick.core.model.Lun;
import io.brick.core.port.SysfsAccess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

import static io.brick.fc.SimulatedFc.HBA6;
import static io.brick.fc.SimulatedFc.HBA7;
import static io.brick.fc.SimulatedFc.HBA8;
import static io.brick.fc.SimulatedFc.T0;
import static io.brick.fc.SimulatedFc.T1;
import static io.brick.fc.SimulatedFc.WWID;
import static io.brick.fc.SimulatedFc.props;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * os-brick's {@code test_linuxfc.py} ({@code LinuxFCTestCase}, {@code LinuxFCS390XTestCase}) on the simulated fabric,
 * each test named after the one it mirrors. os-brick mocks {@code grep} and file reads; here brick-sysfs reads a
 * kernel-shaped tree the simulated kernel keeps, and the oracle's sysfs-write log says what was scanned. The fixture
 * is os-brick's: HBAs host6 and host7 (and host8 where a test adds one), target ports {@code ...6c00} and
 * {@code ...6c01}, LUN 1. The simulated kernel numbers remote ports {@code rport-H:0-N} with SCSI target id N in the
 * order an HBA logs in, so channel and target numbers are the simulation's, not os-brick's mocked ones.
 */
class OsBrickLinuxFcScenariosTest {
    @TempDir
    Path dir;

    private SimulatedFc lab;

    @AfterEach
    void stop() {
        if (lab != null) {
            assertThat(lab.host.oracle().busWideScans()).as("no bus-wide scan, ever").isEmpty();
            lab.close();
        }
    }

    private SimulatedFc fixture(boolean withHost8) {
        lab = SimulatedFc.start(SimulatedFc.fixture(dir, withHost8));
        return lab;
    }

    private static FcRescan.Scan scan(int host, int channel, int target, long lun) {
        return new FcRescan.Scan(host, OptionalInt.of(channel), OptionalInt.of(target), Lun.of(lun));
    }

    /** Makes the device of LUN {@code lun} behind {@code rport} exist (so fc_transport lists its target). */
    private void present(int host, String scanText) {
        lab.rescan().run(List.of(parse(host, scanText)), lab.scanner(), lab.host.clock());
        lab.host.clock().sleep(Duration.ofSeconds(1));
    }

    private static FcRescan.Scan parse(int host, String text) {
        String[] fields = text.split(" ");
        return scan(host, Integer.parseInt(fields[0]), Integer.parseInt(fields[1]), Long.parseLong(fields[2]));
    }

    // ------------------------------------------------------------------ _get_hba_channel_scsi_target_lun

    @ParameterizedTest(name = "remote_scan={0}")
    @ValueSource(booleans = {false, true})
    void test__get_hba_channel_scsi_target_lun_single_wwpn(boolean remoteScan) {
        fixture(false);
        if (!remoteScan) {
            present(6, "0 0 1");
            assertThat(lab.hbaReader().transportTargets(6)).extracting(FcTransportTarget::portName).containsExactly(T0);
        }

        FcRescan.Located located = lab.rescan().locate(lab.hba(6), List.of(new FcTarget(T0, Lun.of(1))));

        assertThat(located.found()).containsExactly(scan(6, 0, 0, 1));
        assertThat(located.notFound()).isEmpty();
    }

    @ParameterizedTest(name = "remote_scan={0}")
    @ValueSource(booleans = {false, true})
    void test__get_hba_channel_scsi_target_lun_with_initiator_target_map(boolean remoteScan) {
        fixture(false);
        if (!remoteScan) {
            present(6, "0 1 1");
        }
        FcVolume volume = FcVolume.parse(props("""
                {"target_wwn": ["%s", "%s"], "target_lun": 1, "initiator_target_map": {"%s": ["%s"]}}"""
                .formatted(T0, T1, HBA6, T1)));

        FcRescan.Located located = lab.rescan().locate(lab.hba(6), volume.targetsFor(HBA6));

        assertThat(located.found()).as("only the map's target of host6").containsExactly(scan(6, 0, 1, 1));
        assertThat(located.notFound()).isEmpty();
    }

    @ParameterizedTest(name = "remote_scan={0}")
    @ValueSource(booleans = {false, true})
    void test__get_hba_channel_scsi_target_lun_with_initiator_target_map_none(boolean remoteScan) {
        fixture(false);
        if (!remoteScan) {
            present(6, "0 0 1");
        }
        FcVolume volume = FcVolume.parse(props("""
                {"target_wwn": ["%s"], "target_lun": 1, "initiator_target_map": null}""".formatted(T0)));

        FcRescan.Located located = lab.rescan().locate(lab.hba(6), volume.targetsFor(HBA6));

        assertThat(volume.initiatorTargets()).isEmpty();
        assertThat(located.found()).containsExactly(scan(6, 0, 0, 1));
    }

    @ParameterizedTest(name = "remote_scan={0}")
    @ValueSource(booleans = {false, true})
    void test__get_hba_channel_scsi_target_lun_multiple_wwpn(boolean remoteScan) {
        fixture(false);
        if (!remoteScan) {
            present(6, "0 0 1");
            present(6, "0 1 1");
        }

        FcRescan.Located located = lab.rescan().locate(lab.hba(6),
                List.of(new FcTarget(T0, Lun.of(1)), new FcTarget(T1, Lun.of(1))));

        assertThat(located.found()).containsExactly(scan(6, 0, 0, 1), scan(6, 0, 1, 1));
        assertThat(located.notFound()).isEmpty();
    }

    @ParameterizedTest(name = "remote_scan={0}")
    @ValueSource(booleans = {false, true})
    void test__get_hba_channel_scsi_target_lun_multiple_wwpn_and_luns(boolean remoteScan) {
        fixture(false);
        lab.host.fabric().targetPort(T1).lun(7, WWID.replace('1', '7'), 1L << 30);
        if (!remoteScan) {
            present(6, "0 0 1");
            present(6, "0 1 7");
        }
        FcVolume volume = FcVolume.parse(props("""
                {"target_wwns": ["%s", "%s"], "target_luns": [1, 7]}""".formatted(T0, T1)));

        FcRescan.Located located = lab.rescan().locate(lab.hba(6), volume.targets());

        assertThat(located.found()).containsExactly(scan(6, 0, 0, 1), scan(6, 0, 1, 7));
    }

    @ParameterizedTest(name = "remote_scan={0}")
    @ValueSource(booleans = {false, true})
    void test__get_hba_channel_scsi_target_lun_zone_manager(boolean remoteScan) {
        fixture(false);
        if (!remoteScan) {
            present(6, "0 0 1");
        }
        FcVolume volume = FcVolume.parse(props("""
                {"target_wwns": ["%s", "%s"], "target_lun": 1,
                 "initiator_target_map": {"%s": ["%s"], "%s": ["%s"]}}""".formatted(T0, T1, HBA6, T0, HBA7, T1)));

        FcRescan.Located located = lab.rescan().locate(lab.hba(6), volume.targetsFor(HBA6));

        assertThat(located.found()).as("the zone manager's map: host6 sees only ...6c00").containsExactly(scan(6, 0, 0, 1));
    }

    @Test
    void test__get_hba_channel_scsi_target_lun_both_paths_not_found() {
        fixture(true);

        FcRescan.Located located = lab.rescan().locate(lab.hba(8), List.of(new FcTarget(T0, Lun.of(1))));

        assertThat(located.found()).isEmpty();
        assertThat(located.notFound()).containsExactly(Lun.of(1));
    }

    @Test
    void test__get_hba_channel_scsi_target_lun_exception() {
        fixture(false);
        FcRescan rescan = new FcRescan(new FcHostReader(new FailingSysfs(lab.sysfs(), true, true)));

        FcRescan.Located located = rescan.locate(lab.hba(6), List.of(new FcTarget(T0, Lun.of(1))));

        assertThat(located.found()).isEmpty();
        assertThat(located.notFound()).containsExactly(Lun.of(1));
    }

    @Test
    void test__get_hba_channel_scsi_target_lun_fc_transport_exception() {
        fixture(false);
        present(6, "0 0 1");
        FcRescan rescan = new FcRescan(new FcHostReader(new FailingSysfs(lab.sysfs(), true, false)));

        FcRescan.Located located = rescan.locate(lab.hba(6),
                List.of(new FcTarget(T0, Lun.of(1)), new FcTarget("514f0c50023f6c09", Lun.of(1))));

        assertThat(located.found()).as("a failed fc_transport lookup still tries the remote ports (bug #2098954)")
                .containsExactly(scan(6, 0, 0, 1));
        assertThat(located.notFound()).containsExactly(Lun.of(1));
    }

    @Test
    void test__get_hba_channel_scsi_target_lun_fc_remote_ports_exception() {
        fixture(false);
        present(6, "0 0 1");
        FcRescan rescan = new FcRescan(new FcHostReader(new FailingSysfs(lab.sysfs(), false, true)));

        FcRescan.Located located = rescan.locate(lab.hba(6),
                List.of(new FcTarget(T0, Lun.of(1)), new FcTarget(T1, Lun.of(1))));

        assertThat(located.found()).as("...6c00 has a LUN: fc_transport finds it").containsExactly(scan(6, 0, 0, 1));
        assertThat(located.notFound()).as("...6c01 has none yet and its remote port cannot be read")
                .containsExactly(Lun.of(1));
    }

    @Test
    void test__get_hba_channel_scsi_target_open_oserror() throws IOException {
        fixture(false);
        Path targetId = lab.host.root().resolve("sys/class/fc_remote_ports/rport-6:0-1/scsi_target_id").toRealPath();
        Files.delete(targetId);
        Files.createDirectory(targetId); // reading it fails (EISDIR), as an unreadable attribute does

        FcRescan.Located located = lab.rescan().locate(lab.hba(6),
                List.of(new FcTarget(T0, Lun.of(1)), new FcTarget(T1, Lun.of(1))));

        assertThat(located.found()).containsExactly(scan(6, 0, 0, 1));
        assertThat(located.notFound()).containsExactly(Lun.of(1));
    }

    @Test
    void test__get_target_fc_transport_path() throws IOException {
        fixture(false);
        present(6, "0 0 1");
        // the remote port no longer says which target it is: only fc_transport can tell
        Files.writeString(lab.host.root().resolve("sys/class/fc_remote_ports/rport-6:0-0/scsi_target_id"), "-1\n");

        FcRescan.Located located = lab.rescan().locate(lab.hba(6), List.of(new FcTarget(T0, Lun.of(1))));

        assertThat(located.found()).containsExactly(scan(6, 0, 0, 1));
    }

    @Test
    void test__get_target_fc_remote_ports_path() {
        fixture(false);
        assertThat(lab.hbaReader().transportTargets(6)).as("no LUN yet: fc_transport lists nothing (bug #2051237)")
                .isEmpty();

        FcRescan.Located located = lab.rescan().locate(lab.hba(6), List.of(new FcTarget(T1, Lun.of(1))));

        assertThat(located.found()).containsExactly(scan(6, 0, 1, 1));
    }

    /** os-brick bug (§9.10 item 10): its grep finds several remote ports and then none; brick scans each. */
    @Test
    void every_remote_port_of_the_wwpn_is_scanned_not_only_the_first() {
        fixture(false);
        // the same target port seen a second time, on channel 1 (what os-brick's dirname of a two-line grep loses)
        lab.host.sysfs().fcRemotePort(6, 1, 5, port -> port.portName(T0).scsiTargetId(5));

        FcRescan.Located located = lab.rescan().locate(lab.hba(6), List.of(new FcTarget(T0, Lun.of(1))));

        assertThat(located.found()).containsExactly(scan(6, 0, 0, 1), scan(6, 1, 5, 1));
        assertThat(located.notFound()).isEmpty();
    }

    // ------------------------------------------------------------------ rescan_hosts

    @Test
    void test_rescan_hosts_initiator_map() {
        fixture(true);
        lab.host.fabric().zone(HBA8, T0, T1);
        FcVolume volume = FcVolume.parse(props("""
                {"target_wwns": ["%s", "%s"], "target_lun": 1,
                 "initiator_target_map": {"%s": ["%s", "%s"], "%s": ["%s"]}}""".formatted(T0, T1, HBA6, T0, T1, HBA7,
                T1)));

        lab.rescan().run(lab.rescan().plan(lab.hbas(), volume), lab.scanner(), lab.host.clock());

        assertThat(lab.scans()).as("host8 is zoned but not in the map: untouched")
                .containsExactly("host6 '0 0 1'", "host6 '0 1 1'", "host7 '0 1 1'");
    }

    @Test
    void test_rescan_hosts_single_wwnn() {
        lab = SimulatedFc.start(SimulatedFc.emptyHost(dir));
        lab.host.fabric().hba(6, HBA6, "50014380186af83d").hba(7, HBA7, "50014380186af83f")
                .hba(8, HBA8, "50014380186af841").zone(HBA6, T0).zone(HBA7, T1);
        FcVolume volume = FcVolume.parse(props("""
                {"target_wwns": ["%s", "%s"], "target_lun": 256, "addressing_mode": "SAM2"}""".formatted(T0, T1)));

        lab.rescan().run(lab.rescan().plan(lab.hbas(), volume), lab.scanner(), lab.host.clock());

        assertThat(lab.scans()).as("host8 sees no port of the volume while others do: skipped; LUN 256 as 16640")
                .containsExactly("host6 '0 0 16640'", "host7 '0 0 16640'");
    }

    @Test
    void test_rescan_hosts_initiator_map_single_wwnn() {
        lab = SimulatedFc.start(SimulatedFc.emptyHost(dir));
        lab.host.fabric().hba(6, HBA6, "50014380186af83d").hba(7, HBA7, "50014380186af83f").zone(HBA6, T0);
        FcVolume volume = FcVolume.parse(props("""
                {"target_wwns": ["%s", "%s"], "target_lun": 1,
                 "initiator_target_map": {"%s": ["%s"], "%s": ["%s"]}}""".formatted(T0, T1, HBA6, T0, HBA7, T1)));

        lab.rescan().run(lab.rescan().plan(lab.hbas(), volume), lab.scanner(), lab.host.clock());

        assertThat(lab.scans()).as("host7 finds no port of its target, host6 does: only host6")
                .containsExactly("host6 '0 0 1'");
    }

    @Test
    void test_rescan_hosts_port_not_found() {
        lab = SimulatedFc.start(SimulatedFc.emptyHost(dir));
        lab.host.fabric().hba(6, HBA6, "50014380186af83d").hba(7, HBA7, "50014380186af83f");
        FcVolume volume = FcVolume.parse(props("""
                {"target_wwns": ["%s", "%s"], "target_lun": 1}""".formatted(T0, T1)));

        lab.rescan().run(lab.rescan().plan(lab.hbas(), volume), lab.scanner(), lab.host.clock());

        assertThat(lab.scans()).as("no HBA sees a port of the volume: the LUN on every HBA, never - - -")
                .containsExactly("host6 '- - 1'", "host7 '- - 1'");
    }

    @Test
    void test_rescan_hosts_port_not_found_driver_disables_wildcards() {
        lab = SimulatedFc.start(SimulatedFc.emptyHost(dir));
        lab.host.fabric().hba(6, HBA6, "50014380186af83d").hba(7, HBA7, "50014380186af83f");
        FcVolume volume = FcVolume.parse(props("""
                {"target_wwns": ["%s", "%s"], "target_lun": 1, "enable_wildcard_scan": false}""".formatted(T0, T1)));

        lab.rescan().run(lab.rescan().plan(lab.hbas(), volume), lab.scanner(), lab.host.clock());

        assertThat(lab.scans()).isEmpty();
    }

    // ------------------------------------------------------------------ HBAs

    @Test
    void test_get_fc_hbas_no_hbas() {
        lab = SimulatedFc.start(SimulatedFc.emptyHost(dir));

        assertThat(lab.hbaReader().hosts()).isEmpty();
        assertThat(lab.connector.connectorProperties()).doesNotContainKeys("wwpns", "wwnns");
    }

    @Test
    void test_get_fc_hbas_fail() throws IOException {
        fixture(false);
        Path portName = lab.host.root().resolve("sys/class/fc_host/host6/port_name").toRealPath();
        Files.delete(portName);
        Files.createDirectory(portName);

        assertThat(lab.hbaReader().hosts()).as("an HBA whose names cannot be read is skipped")
                .extracting(FcHost::hostNumber).containsExactly(7);
    }

    @Test
    void test_get_fc_hbas() {
        fixture(false);

        assertThat(lab.hbaReader().hosts()).containsExactly(
                new FcHost(6, HBA6, "50014380186af83d", "Online", "/sys/devices/pci0000:00/0000:00:03.0/0000:05:00.6/host6"),
                new FcHost(7, HBA7, "50014380186af83f", "Online", "/sys/devices/pci0000:00/0000:00:03.0/0000:05:00.7/host7"));
    }

    @Test
    void test_get_fc_hbas_info() {
        fixture(false);

        FcHba hba = lab.hba(6);

        assertThat(hba.wwpn()).isEqualTo(HBA6).doesNotStartWith("0x");
        assertThat(hba.host().nodeName()).isEqualTo("50014380186af83d");
        assertThat(hba.hostNumber()).isEqualTo(6);
        assertThat(hba.pciAddress()).contains("0000:05:00.6");
        assertThat(hba.platform()).isEmpty();
    }

    @Test
    void test_get_fc_wwpns() {
        fixture(true);
        lab.host.fabric().hbaLinkDown(7);

        assertThat(lab.connector.connectorProperties().get("wwpns")).isEqualTo(List.of(HBA6, HBA8));
    }

    @Test
    void test_get_fc_wwnns() {
        fixture(true);
        lab.host.fabric().hbaLinkDown(7);

        assertThat(lab.connector.connectorProperties().get("wwnns")).isEqualTo(List.of("50014380186af83d",
                "50014380186af841"));
    }

    @Test
    void LinuxFCS390XTestCase_test_get_fc_hbas_info() {
        lab = SimulatedFc.start(SimulatedFc.emptyHost(dir));
        lab.host.fabric().hba(0, "c05076ffe680a960", "1200000000000000", "css0/0.0.02ea/0.0.2319");

        FcHba hba = lab.hba(0);

        assertThat(hba.wwpn()).isEqualTo("c05076ffe680a960");
        assertThat(hba.host().devicePath()).isEqualTo("/sys/devices/css0/0.0.02ea/0.0.2319/host0");
        assertThat(hba.pciAddress()).as("no PCI function: no pci-... by-path names").isEmpty();
        assertThat(lab.connector.connectorProperties().get("wwpns")).isEqualTo(List.of("c05076ffe680a960"));
    }

    /** A sysfs whose FC class directories cannot be listed, as os-brick's mocked {@code execute} raising. */
    private static final class FailingSysfs implements SysfsAccess {
        private final SysfsAccess real;
        private final boolean transportFails;
        private final boolean remotePortsFail;

        FailingSysfs(SysfsAccess real, boolean transportFails, boolean remotePortsFail) {
            this.real = real;
            this.transportFails = transportFails;
            this.remotePortsFail = remotePortsFail;
        }

        @Override
        public List<String> list(String directory) {
            if (transportFails && directory.equals("class/fc_transport")) {
                throw new HostStateException("fc_transport cannot be read", Map.of("path", directory));
            }
            if (remotePortsFail && directory.equals("class/fc_remote_ports")) {
                throw new HostStateException("fc_remote_ports cannot be read", Map.of("path", directory));
            }
            return real.list(directory);
        }

        @Override
        public Optional<String> read(String attribute) {
            return real.read(attribute);
        }

        @Override
        public Optional<String> resolve(String path) {
            return real.resolve(path);
        }
    }
}
