package io.brick.fc;

import io.brick.core.connector.ConnectorConfig;
import io.brick.core.connector.DisconnectOptions;
import io.brick.core.error.HostStateException;
import io.brick.core.error.IdentityMismatchException;
import io.brick.core.event.BrickEvent;
import io.brick.core.event.EventType;
import io.brick.core.model.AttachedVolume;
import io.brick.core.model.ConnectionProperties;
import io.brick.core.model.DevicePath;
import io.brick.core.model.Hctl;
import io.brick.core.model.Wwid;
import io.brick.core.connector.DisconnectPlan;
import io.brick.testkit.host.FaultKind;
import io.brick.testkit.host.SimulatedHost;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static io.brick.fc.SimulatedFc.HBA6;
import static io.brick.fc.SimulatedFc.HBA7;
import static io.brick.fc.SimulatedFc.HBA8;
import static io.brick.fc.SimulatedFc.OTHER_WWID;
import static io.brick.fc.SimulatedFc.T0;
import static io.brick.fc.SimulatedFc.T1;
import static io.brick.fc.SimulatedFc.WWID;
import static io.brick.fc.SimulatedFc.props;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * DESIGN §1's promises for Fibre Channel on the simulated fabric: no bus-wide scan and only the mapped HBAs scanned,
 * no wrong device (a reused LUN's stale device is never returned nor removed), bounded waits through slow devices and
 * lost ports.
 */
class FcConnectorSafetyTest {
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

    private static ConnectionProperties mapped() {
        return props("""
                {"target_wwns": ["%s", "%s"], "target_lun": 1,
                 "initiator_target_map": {"%s": ["%s"], "%s": ["%s"]}}""".formatted(T0, T1, HBA6, T0, HBA7, T1));
    }

    @Test
    void with_an_initiator_target_map_only_the_mapped_hbas_are_scanned_for_their_own_targets() {
        lab = SimulatedFc.start(SimulatedFc.fixture(dir, true));
        lab.host.fabric().zone(HBA8, T0, T1);

        AttachedVolume attached = lab.connector.connect(mapped());

        assertThat(lab.scans()).as("host8 is zoned with both ports but not in the map")
                .containsExactly("host6 '0 0 1'", "host7 '0 1 1'");
        assertThat(attached.multipathId()).contains(Wwid.of(WWID));
        assertThat(lab.host.oracle().sysfsWrites()).noneMatch(write -> write.value().equals("- - -"));
    }

    @Test
    void a_wildcard_lun_scan_happens_only_when_no_hba_sees_a_port_and_the_connect_then_fails_cleanly() {
        lab = SimulatedFc.start(SimulatedFc.emptyHost(dir), ConnectorConfig.defaults()
                .withDeviceWait(Duration.ofSeconds(3)));
        lab.host.fabric().hba(6, HBA6, "50014380186af83d");

        assertThatThrownBy(() -> lab.connector.connect(SimulatedFc.bothPorts()))
                .hasMessageContaining("Unable to find a Fibre Channel volume device");
        assertThat(lab.scans()).containsExactly("host6 '- - 1'", "host6 '- - 1'");
    }

    @Test
    void a_stale_device_of_a_reused_lun_is_never_returned_and_never_removed() {
        lab = SimulatedFc.start(SimulatedFc.fixture(dir, false));
        // an earlier volume's device was left behind host6's first port; the array gave LUN 1 to a new volume since
        lab.host.fabric().targetPort(T0).deleteLun(1).lun(1, OTHER_WWID, 1L << 30);
        lab.rescan().run(lab.rescan().plan(List.of(lab.hba(6)), FcVolume.parse(props("""
                {"target_wwn": "%s", "target_lun": 1}""".formatted(T0)))), lab.scanner(), lab.host.clock());
        lab.host.clock().sleep(Duration.ofSeconds(2));
        String stale = lab.host.sysfs().deviceAt(Hctl.parse("6:0:0:1")).orElseThrow();
        lab.host.faults().fcReuseLun(T0, 1, WWID);
        lab.host.faults().fcReuseLun(T1, 1, WWID);
        lab.host.oracle().operatingOn(Wwid.of(WWID));

        AttachedVolume attached = lab.connector.connect(SimulatedFc.bothPorts());

        assertThat(attached.scsiWwn()).contains(Wwid.of(WWID));
        assertThat(lab.events).filteredOn(event -> event.type() == EventType.DEVICE_REJECTED)
                .extracting(BrickEvent::subject).containsExactly(stale);
        assertThat(lab.topology().multipathMapByWwid(Wwid.of(WWID)).orElseThrow().slaves()).doesNotContain(stale);

        lab.connector.disconnect(SimulatedFc.bothPorts(), Optional.of(attached), DisconnectOptions.SAFE);

        assertThat(lab.host.sysfs().scsiDevices()).as("only the stale device is left").containsExactly(stale);
        assertThat(lab.host.oracle().wrongDeviceEvents()).isEmpty();
        assertThat(lab.host.oracle().leftovers(Wwid.of(WWID)).isEmpty()).isTrue();
    }

    @Test
    void a_volume_whose_only_device_is_stale_is_an_identity_mismatch_when_the_caller_names_its_wwid() {
        lab = SimulatedFc.start(SimulatedFc.emptyHost(dir), ConnectorConfig.defaults()
                .withDeviceWait(Duration.ofSeconds(5)));
        lab.host.fabric().targetPort(T0).lun(1, OTHER_WWID, 1L << 30);
        lab.host.fabric().hba(6, HBA6, "50014380186af83d").zone(HBA6, T0);
        lab.host.clock().sleep(Duration.ofSeconds(1)); // the remote port's login scan made the old volume's device
        assertThat(lab.host.sysfs().scsiDevices()).hasSize(1);
        lab.host.faults().fcReuseLun(T0, 1, WWID);

        assertThatThrownBy(() -> lab.connector.connect(props("""
                {"target_wwn": "%s", "target_lun": 1, "scsi_wwn": "%s"}""".formatted(T0, WWID))))
                .isInstanceOf(IdentityMismatchException.class).hasMessageContaining(OTHER_WWID);
        assertThat(lab.host.sysfs().scsiDevices()).as("the stale device is not ours to remove").hasSize(1);
        assertThat(lab.host.oracle().wrongDeviceEvents()).isEmpty();
    }

    @Test
    void slow_devices_are_waited_for_and_rescanned_on_a_deadline() {
        lab = SimulatedFc.start(SimulatedFc.fixture(dir, false));
        lab.host.faults().slowUdev(Duration.ofSeconds(5));

        AttachedVolume attached = lab.connector.connect(SimulatedFc.bothPorts());

        assertThat(attached.multipathId()).contains(Wwid.of(WWID));
        assertThat(lab.host.oracle().firedByKind()).containsKey(FaultKind.SLOW_UDEV);
        assertThat(lab.host.clock().elapsed()).isGreaterThanOrEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void a_target_port_that_is_down_leaves_the_volume_attached_through_the_other() {
        lab = SimulatedFc.start(SimulatedFc.fixture(dir, false));
        lab.host.faults().fcPortDown(T0);

        AttachedVolume attached = lab.connector.connect(SimulatedFc.bothPorts());

        assertThat(attached.path()).isEqualTo(DevicePath.of("/dev/disk/by-id/dm-uuid-mpath-" + WWID));
        assertThat(lab.topology().multipathMapByWwid(Wwid.of(WWID)).orElseThrow().slaves()).hasSize(2);
        assertThat(lab.scans()).as("a blocked port is scanned too (the kernel ignores it), as os-brick does")
                .contains("host6 '0 1 1'", "host7 '0 1 1'");
    }

    @Test
    void a_second_connect_of_an_attached_volume_returns_the_same_map() {
        lab = SimulatedFc.start(SimulatedFc.fixture(dir, false));
        AttachedVolume first = lab.connector.connect(SimulatedFc.bothPorts());
        int devices = lab.host.sysfs().scsiDevices().size();

        AttachedVolume second = lab.connector.connect(SimulatedFc.bothPorts());

        assertThat(second).isEqualTo(first);
        assertThat(lab.host.sysfs().scsiDevices()).hasSize(devices);
    }

    @Test
    void a_failed_connect_removes_the_devices_it_made() {
        SimulatedHost host = SimulatedHost.builder(dir).findMultipaths(true).build();
        host.fabric().hba(6, HBA6, "50014380186af83d").zone(HBA6, T0);
        host.fabric().targetPort(T0).lun(1, WWID, 1L << 30);
        ConnectorConfig defaults = ConnectorConfig.defaults();
        // one path under find_multipaths yes forms no map, and multipathd is never nudged within the map wait
        lab = SimulatedFc.start(host, new ConnectorConfig(true, defaults.connectTimeout(), defaults.deviceWait(),
                Duration.ofSeconds(3), Duration.ofSeconds(60), defaults.disconnectTimeout(), defaults.extendTimeout()));

        assertThatThrownBy(() -> lab.connector.connect(props("""
                {"target_wwn": "%s", "target_lun": 1, "enforce_multipath": true}""".formatted(T0))))
                .isInstanceOf(HostStateException.class).hasMessageContaining("multipath is enforced");

        assertThat(lab.scans()).containsExactly("host6 '0 0 1'");
        assertThat(lab.host.oracle().leftovers(Wwid.of(WWID)).isEmpty()).as("the device it made is gone").isTrue();
    }

    @Test
    void a_dry_run_disconnect_plans_the_flush_and_removals_and_changes_nothing() {
        lab = SimulatedFc.start(SimulatedFc.fixture(dir, false));
        AttachedVolume attached = lab.connector.connect(SimulatedFc.bothPorts());
        int commands = lab.host.oracle().commandLog().size();
        int writes = lab.host.oracle().sysfsWrites().size();

        DisconnectPlan plan = lab.connector.planDisconnect(SimulatedFc.bothPorts(), Optional.of(attached));

        assertThat(plan.flush()).singleElement().asString().startsWith("dm-0");
        assertThat(plan.remove()).hasSize(4);
        assertThat(plan.transport()).isEmpty();
        lab.host.settle();
        assertThat(lab.host.oracle().commandLog()).hasSize(commands);
        assertThat(lab.host.oracle().sysfsWrites()).hasSize(writes);
    }
}
