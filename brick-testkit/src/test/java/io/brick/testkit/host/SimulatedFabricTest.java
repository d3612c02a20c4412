package io.brick.testkit.host;

import io.brick.core.model.LunAddressing;
import io.brick.core.model.Wwid;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The simulated Fibre Channel fabric: HBAs, remote ports, zoning, LUN masking, targeted scans and FC faults. */
class SimulatedFabricTest {
    private static final String HBA6 = "50014380186af83c";
    private static final String HBA7 = "50014380186af83e";
    private static final String PORT_A = "514f0c50023f6c00";
    private static final String PORT_B = "514f0c50023f6c01";
    private static final String WWID = "3514f0c5a51600001";
    private static final String OTHER = "3514f0c5a51600002";

    @TempDir
    Path dir;

    private SimulatedHost host;

    @AfterEach
    void stop() {
        if (host != null) {
            host.close();
        }
    }

    /** Two HBAs, each zoned with its own target port; the volume is mapped (LUN 1) once the ports are logged in. */
    private SimulatedHost twoHbas() {
        host = SimulatedHost.builder(dir).build();
        host.fabric().hba(6, HBA6, "50014380186af83d").hba(7, HBA7, "50014380186af83f")
                .zone(HBA6, PORT_A).zone(HBA7, PORT_B);
        host.fabric().targetPort(PORT_A).lun(1, WWID, 1L << 30);
        host.fabric().targetPort(PORT_B).lun(1, WWID, 1L << 30);
        return host;
    }

    @Test
    void an_hba_logs_in_to_the_target_ports_it_is_zoned_with_only() {
        host = SimulatedHost.builder(dir).build();
        host.fabric().targetPort(PORT_B);
        host.fabric().hba(6, HBA6, "50014380186af83d").zone(HBA6, PORT_A);

        assertThat(read("sys/class/fc_host/host6/port_name")).contains("0x" + HBA6);
        assertThat(read("sys/class/fc_remote_ports/rport-6:0-0/port_name")).contains("0x" + PORT_A);
        assertThat(read("sys/class/fc_remote_ports/rport-6:0-0/scsi_target_id")).contains("0");
        assertThat(exists("sys/class/fc_remote_ports/rport-6:0-1")).isFalse();
        assertThat(exists("sys/class/fc_transport/target6:0:0")).as("no LUN yet: no fc_transport target").isFalse();
    }

    @Test
    void a_targeted_scan_creates_only_that_lun_behind_that_port() {
        twoHbas();
        host.fabric().targetPort(PORT_A).lun(2, OTHER, 1L << 30);

        scan(6, "0 0 1");
        sleep(Duration.ofSeconds(1));

        assertThat(host.sysfs().scsiDevices()).containsExactly("sda");
        assertThat(read("sys/block/sda/device/wwid")).contains("naa.514f0c5a51600001");
        assertThat(read("sys/class/fc_transport/target6:0:0/port_name")).contains("0x" + PORT_A);
        assertThat(Files.isSymbolicLink(host.root().resolve(
                "dev/disk/by-path/pci-0000:05:00.6-fc-0x" + PORT_A + "-lun-1"))).isTrue();
        assertThat(host.oracle().sysfsWrites()).singleElement()
                .matches(write -> write.path().endsWith("host6/scsi_host/host6/scan") && write.value().equals("0 0 1"));
        assertThat(host.oracle().busWideScans()).isEmpty();
    }

    @Test
    void a_wildcard_target_scan_finds_the_lun_on_every_port_of_the_host_and_a_wildcard_lun_is_recorded() {
        twoHbas();
        scan(7, "- - 1");
        sleep(Duration.ofSeconds(1));
        assertThat(host.sysfs().deviceAt(io.brick.core.model.Hctl.parse("7:0:0:1"))).isPresent();
        assertThat(host.oracle().busWideScans()).isEmpty();

        scan(6, "- - -");
        sleep(Duration.ofSeconds(1));
        assertThat(host.oracle().busWideScans()).singleElement().matches(write -> write.value().equals("- - -"));
    }

    @Test
    void lun_masking_hides_a_lun_from_other_initiators() {
        twoHbas();
        host.fabric().targetPort(PORT_A).maskLun(1, HBA7);

        scan(6, "0 0 1");
        sleep(Duration.ofSeconds(1));

        assertThat(host.sysfs().scsiDevices()).isEmpty();
    }

    @Test
    void flat_addressing_puts_lun_256_at_16640() {
        host = SimulatedHost.builder(dir).build();
        host.fabric().hba(6, HBA6, "50014380186af83d").zone(HBA6, PORT_A);
        host.fabric().targetPort(PORT_A).addressing(LunAddressing.SAM2).lun(256, WWID, 1L << 30);

        scan(6, "0 0 256");
        sleep(Duration.ofSeconds(1));
        assertThat(host.sysfs().scsiDevices()).isEmpty();
        scan(6, "0 0 16640");
        sleep(Duration.ofSeconds(1));

        assertThat(host.sysfs().deviceAt(io.brick.core.model.Hctl.parse("6:0:0:16640"))).contains("sda");
    }

    @Test
    void remote_ports_appearing_are_scanned_for_their_luns_unless_scan_on_login_is_off() {
        host = SimulatedHost.builder(dir).build();
        host.fabric().targetPort(PORT_A).lun(1, WWID, 1L << 30);
        host.fabric().targetPort(PORT_B).lun(1, WWID, 1L << 30);
        host.fabric().hba(6, HBA6, "50014380186af83d").zone(HBA6, PORT_A);
        sleep(Duration.ofSeconds(1));
        assertThat(host.sysfs().scsiDevices()).containsExactly("sda");

        host.fabric().scanOnLogin(false).hba(7, HBA7, "50014380186af83f").zone(HBA7, PORT_B);
        sleep(Duration.ofSeconds(1));
        assertThat(host.sysfs().scsiDevices()).containsExactly("sda");
    }

    @Test
    void fcoe_and_platform_hbas_get_the_by_path_names_udev_gives_them() {
        host = SimulatedHost.builder(dir).build();
        host.fabric().hba(3, HBA6, "50014380186af83d", "pci0000:20/0000:20:03.0/0000:21:00.2/net/ens2f2/ctlr_2")
                .hba(4, HBA7, "50014380186af83f",
                        "platform/smb/smb:motherboard/80040000000.peu0-c0/pci0000:00/0000:00:03.0/0000:05:00.3")
                .zone(HBA6, PORT_A).zone(HBA7, PORT_A);
        host.fabric().targetPort(PORT_A).lun(1, WWID, 1L << 30);
        scan(3, "0 0 1");
        scan(4, "0 0 1");
        sleep(Duration.ofSeconds(1));

        assertThat(Files.isSymbolicLink(host.root().resolve("dev/disk/by-path/pci-0000:21:00.2-fc-0x" + PORT_A
                + "-lun-1"))).isTrue();
        assertThat(Files.isSymbolicLink(host.root().resolve("dev/disk/by-path/platform-80040000000.peu0-c0-pci-"
                + "0000:05:00.3-fc-0x" + PORT_A + "-lun-1"))).isTrue();
    }

    @Test
    void a_target_port_down_blocks_then_removes_its_devices_at_dev_loss_tmo() {
        twoHbas();
        scan(6, "0 0 1");
        scan(7, "0 0 1");
        sleep(Duration.ofSeconds(2));
        assertThat(host.sysfs().multipathMaps()).containsExactly("dm-0");

        host.faults().fcPortDown(PORT_A);
        assertThat(read("sys/class/fc_remote_ports/rport-6:0-0/port_state")).contains("Blocked");
        assertThat(read("sys/block/sda/device/state")).contains("blocked");
        sleep(Duration.ofSeconds(6));
        assertThat(read("sys/block/sda/device/state")).contains("transport-offline");
        sleep(Duration.ofSeconds(60));

        assertThat(host.sysfs().scsiDevices()).containsExactly("sdb");
        assertThat(read("sys/class/fc_remote_ports/rport-6:0-0/port_state")).contains("Not Present");
        host.faults().fcPortUp(PORT_A);
        sleep(Duration.ofSeconds(1));
        assertThat(host.sysfs().scsiDevices()).as("the port's LUNs are scanned when it is back").hasSize(2);
    }

    @Test
    void a_reused_lun_leaves_the_host_with_a_stale_device_until_it_is_deleted() {
        twoHbas();
        scan(6, "0 0 1");
        sleep(Duration.ofSeconds(1));
        host.faults().fcReuseLun(PORT_A, 1, OTHER);
        host.oracle().operatingOn(Wwid.of(OTHER));

        scan(6, "0 0 1");
        sleep(Duration.ofSeconds(1));
        assertThat(read("sys/block/sda/device/wwid")).contains("naa.514f0c5a51600001");
        write("sys/block/sda/device/delete", "1");
        sleep(Duration.ofSeconds(1));

        assertThat(host.oracle().wrongDeviceEvents()).singleElement()
                .matches(event -> event.device().equals("sda") && event.action().equals("delete"));
        assertThat(host.oracle().firedByKind()).containsEntry(FaultKind.REUSE_LUN, 1);
    }

    @Test
    void a_duplicate_wwid_on_a_target_port_makes_the_next_scanned_device_report_the_other_luns_wwid() {
        twoHbas();
        host.fabric().targetPort(PORT_A).lun(2, OTHER, 1L << 30);
        host.faults().fcDuplicateWwid(PORT_A, 1, 2);

        scan(6, "0 0 1");
        sleep(Duration.ofSeconds(1));
        scan(6, "0 0 2");
        sleep(Duration.ofSeconds(2));

        assertThat(read("sys/block/sdb/device/wwid")).isEqualTo(read("sys/block/sda/device/wwid"))
                .contains("naa.514f0c5a51600001");
        assertThat(host.fabric().targetPort(PORT_A).wwidOf(2)).contains(WWID);
        assertThat(host.sysfs().multipathMaps()).as("multipathd makes one map of both LUNs").containsExactly("dm-0");
        assertThat(host.oracle().firedByKind()).containsEntry(FaultKind.DUPLICATE_WWID, 1);
        assertThatThrownBy(() -> host.faults().fcDuplicateWwid(PORT_A, 1, 3))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void slow_udev_delays_fc_devices_too() {
        twoHbas();
        host.faults().slowUdev(Duration.ofSeconds(3));
        scan(6, "0 0 1");
        sleep(Duration.ofSeconds(1));
        assertThat(host.sysfs().scsiDevices()).isEmpty();
        sleep(Duration.ofSeconds(3));
        assertThat(host.sysfs().scsiDevices()).containsExactly("sda");
    }

    @Test
    void an_hba_link_down_shows_in_its_port_state_and_blocks_its_remote_ports() {
        twoHbas();
        host.fabric().hbaLinkDown(7);

        assertThat(read("sys/class/fc_host/host7/port_state")).contains("Linkdown");
        assertThat(read("sys/class/fc_remote_ports/rport-7:0-0/port_state")).contains("Blocked");
        host.fabric().hbaLinkUp(7);
        assertThat(read("sys/class/fc_remote_ports/rport-7:0-0/port_state")).contains("Online");
    }

    @Test
    void an_hba_cannot_take_a_host_number_twice() {
        twoHbas();
        assertThatThrownBy(() -> host.fabric().hba(6, HBA7, "50014380186af83f"))
                .isInstanceOf(IllegalStateException.class);
    }

    private void scan(int hostNumber, String text) {
        write("sys/class/scsi_host/host" + hostNumber + "/scan", text);
    }

    private void write(String relative, String text) {
        try {
            Files.writeString(host.root().resolve(relative), text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private boolean exists(String relative) {
        return Files.exists(host.root().resolve(relative));
    }

    private Optional<String> read(String relative) {
        try {
            Path path = host.root().resolve(relative);
            return Files.exists(path) ? Optional.of(Files.readString(path).strip()) : Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void sleep(Duration duration) {
        host.clock().sleep(duration);
    }
}
