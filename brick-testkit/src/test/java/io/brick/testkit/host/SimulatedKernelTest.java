package io.brick.testkit.host;

import io.brick.core.model.Wwid;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static io.brick.testkit.host.Lab.IQN;
import static io.brick.testkit.host.Lab.LUN0;
import static io.brick.testkit.host.Lab.P1;
import static io.brick.testkit.host.Lab.P2;
import static io.brick.testkit.host.Lab.WWID;
import static org.assertj.core.api.Assertions.assertThat;

/** The simulated kernel: scans, deletes, rescans, phantom and stale devices, map formation, the data oracle. */
class SimulatedKernelTest {
    private static final String NEW_WWID = "36001405aaaaaaaaaaaaaaaaaaaaaaaaa";

    @TempDir
    Path dir;

    private Lab lab;

    @AfterEach
    void stop() {
        if (lab != null) {
            lab.host.close();
        }
    }

    @Test
    void a_targeted_scan_creates_only_that_lun() {
        lab = new Lab(dir);
        lab.login(P1);
        lab.sleep(1);
        assertThat(lab.disks()).isEmpty();
        lab.scan(2, "0 0 1");
        lab.sleep(0.5);
        assertThat(lab.disks()).containsExactly("sda");
        assertThat(lab.read("sys/class/scsi_host/host2/scan")).contains("");
        assertThat(lab.host.oracle().sysfsWrites()).singleElement()
                .matches(write -> write.value().equals("0 0 1") && write.path().endsWith("host2/scan"));
        assertThat(lab.host.oracle().busWideScans()).isEmpty();
    }

    @Test
    void a_login_numbers_its_session_above_every_session_the_tree_has_had() {
        lab = new Lab(dir);
        lab.host.sysfs().iscsiSession(40, 7, s -> s.target(IQN).portal("192.0.2.9", 3260));
        lab.host.sysfs().removeSession(7);

        int first = lab.host.loginSession(P1, IQN, "default");
        int second = lab.host.loginSession(P2, IQN, "default");

        assertThat(first).isEqualTo(8);
        assertThat(second).isEqualTo(9);
    }

    @Test
    void a_bus_wide_scan_creates_every_lun_and_is_recorded() {
        lab = new Lab(dir);
        lab.login(P1);
        lab.scan(2, "- - -");
        lab.sleep(0.5);
        assertThat(lab.disks()).containsExactly("sda", "sdb");
        assertThat(lab.host.oracle().busWideScans()).hasSize(1);
    }

    @Test
    void an_automatic_scan_at_login_creates_every_lun() {
        lab = new Lab(dir);
        lab.node(P1, "--op", "new");
        lab.node(P1, "--login");
        lab.sleep(0.5);
        assertThat(lab.disks()).containsExactly("sda", "sdb");
    }

    @Test
    void a_delete_write_removes_the_device_and_its_place_in_the_map() {
        lab = new Lab(dir);
        lab.attachRecordedWay();
        lab.deviceAttribute("sda", "delete", "1");
        lab.sleep(0.1);
        assertThat(lab.disks()).containsExactly("sdb");
        assertThat(lab.exists("sys/devices/virtual/block/dm-0/slaves/sda")).isFalse();
        assertThat(lab.exists("sys/devices/virtual/block/dm-0/slaves/sdb")).isTrue();
        lab.deviceAttribute("sdb", "delete", "1");
        lab.sleep(0.1);
        assertThat(lab.disks()).isEmpty();
        assertThat(lab.maps()).as("multipathd flushes a map whose last path is gone").isEmpty();
        assertThat(lab.host.oracle().dataLossEvents()).isEmpty();
    }

    @Test
    void an_open_map_outlives_its_last_path() {
        lab = new Lab(dir);
        lab.attachRecordedWay();
        lab.host.open(Lab.dev("dm-0"));
        lab.deviceAttribute("sda", "delete", "1");
        lab.deviceAttribute("sdb", "delete", "1");
        lab.sleep(0.1);
        assertThat(lab.maps()).containsExactly("dm-0");
    }

    @Test
    void a_deleted_lun_leaves_a_phantom_device_until_it_is_removed() {
        lab = new Lab(dir);
        lab.login(P1);
        lab.scan(2, "0 0 1");
        lab.sleep(2);
        lab.host.storage().target(IQN).deleteLun(1);
        lab.sleep(10);
        assertThat(lab.disks()).containsExactly("sda");
        lab.deviceAttribute("sda", "delete", "1");
        lab.sleep(0.1);
        assertThat(lab.disks()).isEmpty();
        lab.scan(2, "0 0 1");
        lab.sleep(1);
        assertThat(lab.disks()).isEmpty();
    }

    @Test
    void a_reused_lun_keeps_its_old_identity_until_deleted_and_scanned_again() {
        lab = new Lab(dir);
        lab.login(P1);
        lab.scan(2, "0 0 1");
        lab.sleep(2);
        lab.host.faults().reuseLun(IQN, 1, NEW_WWID);
        lab.scan(2, "0 0 1");
        lab.sleep(1);
        assertThat(lab.read("sys/block/sda/device/wwid")).contains("naa." + WWID.substring(1));

        lab.host.oracle().operatingOn(Wwid.of(NEW_WWID));
        lab.deviceAttribute("sda", "delete", "1");
        lab.sleep(0.1);
        assertThat(lab.host.oracle().wrongDeviceEvents()).hasSize(1);
        assertThat(lab.host.oracle().wrongDeviceEvents().get(0).wwid()).isEqualTo(WWID);

        lab.scan(2, "0 0 1");
        lab.sleep(1);
        assertThat(lab.read("sys/block/sda/device/wwid")).contains("naa." + NEW_WWID.substring(1));
    }

    @Test
    void a_stale_device_is_a_wrong_device_even_without_a_declared_operation() {
        lab = new Lab(dir);
        lab.login(P1);
        lab.scan(2, "0 0 1");
        lab.sleep(2);
        lab.host.storage().target(IQN).reuseLun(1, NEW_WWID, 128L << 20);
        lab.run("blockdev", "--flushbufs", "/dev/sda");
        assertThat(lab.host.oracle().wrongDeviceEvents()).singleElement()
                .matches(event -> event.reason().startsWith("stale device"));
    }

    @Test
    void actions_on_a_volume_in_operation_are_not_wrong_devices() {
        lab = new Lab(dir);
        lab.attachRecordedWay();
        lab.host.oracle().operatingOn(Wwid.of(WWID));
        lab.run("multipath", "-f", WWID);
        lab.deviceAttribute("sda", "delete", "1");
        lab.sleep(0.1);
        assertThat(lab.host.oracle().wrongDeviceEvents()).isEmpty();
        lab.host.oracle().done(Wwid.of(WWID)).operatingOn(Wwid.of(LUN0));
        lab.deviceAttribute("sdb", "delete", "1");
        lab.sleep(0.1);
        assertThat(lab.host.oracle().wrongDeviceEvents()).singleElement().matches(event -> event.device().equals("sdb"));
    }

    @Test
    void with_find_multipaths_yes_one_path_gets_no_map_until_a_second_or_multipath_a() {
        lab = new Lab(dir, builder -> builder.findMultipaths(true));
        lab.login(P1);
        lab.scan(2, "0 0 1");
        lab.sleep(3);
        assertThat(lab.maps()).isEmpty();
        lab.login(P2);
        lab.scan(3, "0 0 1");
        lab.sleep(3);
        assertThat(lab.maps()).containsExactly("dm-0");
        assertThat(lab.host.sysfs().multipathMaps()).hasSize(1);
        assertThat(lab.read("sys/devices/virtual/block/dm-0/dm/name")).contains(WWID);
    }

    @Test
    void multipath_a_and_add_path_make_a_map_of_a_single_path() {
        lab = new Lab(dir, builder -> builder.findMultipaths(true));
        lab.login(P1);
        lab.scan(2, "0 0 1");
        lab.sleep(3);
        assertThat(lab.run("multipath", "-a", WWID).stdout()).isEqualTo("wwid '" + WWID + "' added\n");
        assertThat(lab.run("multipathd", "add", "path", "/dev/sda").stdout()).isEqualTo("ok\n");
        assertThat(lab.maps()).containsExactly("dm-0");
        assertThat(lab.run("multipath", "-C", "dm-0").exitCode()).isZero();
    }

    /** As multipath-tools 0.9.4 answered in the lane (probe_wwids): -a says added either way, -w tells. */
    @Test
    void the_wwids_file_says_added_either_way_and_removed_only_for_one_it_holds() throws Exception {
        lab = new Lab(dir);
        assertThat(lab.run("multipath", "-a", WWID).stdout()).isEqualTo("wwid '" + WWID + "' added\n");
        assertThat(lab.run("multipath", "-a", WWID).stdout()).as("there already").isEqualTo("wwid '" + WWID + "' added\n");
        assertThat(lab.host.oracle().wwidsFile()).containsExactly(WWID);
        assertThat(java.nio.file.Files.readString(lab.host.root().resolve("etc/multipath/wwids")))
                .startsWith("# Multipath wwids, Version : 1.0\n").endsWith("# Valid WWIDs:\n/" + WWID + "/\n");
        assertThat(lab.run("multipath", "-w", WWID).stdout()).isEqualTo("wwid '" + WWID + "' removed\n");
        assertThat(lab.run("multipath", "-w", WWID).stdout()).isEqualTo("wwid '" + WWID + "' not in wwids file\n");
        assertThat(lab.host.oracle().wwidsFile()).isEmpty();
    }

    @Test
    void with_find_multipaths_no_one_path_gets_a_map_and_later_paths_join_it() {
        lab = new Lab(dir);
        lab.login(P1);
        lab.scan(2, "0 0 1");
        lab.sleep(1.2);
        assertThat(lab.maps()).isEmpty();
        lab.sleep(0.2);
        assertThat(lab.maps()).containsExactly("dm-0");
        lab.login(P2);
        lab.scan(3, "0 0 1");
        lab.sleep(0.35);
        assertThat(lab.exists("sys/devices/virtual/block/dm-0/slaves/sdb")).isFalse();
        lab.sleep(0.1);
        assertThat(lab.exists("sys/devices/virtual/block/dm-0/slaves/sdb")).isTrue();
    }

    @Test
    void without_multipathd_no_map_forms() {
        lab = new Lab(dir, builder -> builder.multipathd(false));
        lab.attachRecordedWay();
        assertThat(lab.disks()).containsExactly("sda", "sdb");
        assertThat(lab.maps()).isEmpty();
        assertThat(lab.read("sys/class/iscsi_session/session1/recovery_tmo")).contains("120");
    }

    @Test
    void removing_a_dirty_device_loses_data_and_a_flush_first_does_not() {
        lab = new Lab(dir, builder -> builder.multipathd(false));
        lab.attachRecordedWay();
        lab.host.write(Lab.dev("sda"));
        lab.host.write(Lab.dev("sdb"));
        assertThat(lab.run("blockdev", "--flushbufs", "/dev/sda").exitCode()).isZero();
        lab.deviceAttribute("sda", "delete", "1");
        lab.deviceAttribute("sdb", "delete", "1");
        lab.sleep(0.1);
        assertThat(lab.host.oracle().dataLossEvents()).singleElement()
                .matches(event -> event.device().equals("sdb") && !event.forced());
    }

    @Test
    void a_dirty_map_removed_by_force_is_a_forced_data_loss() {
        lab = new Lab(dir);
        lab.attachRecordedWay();
        lab.host.write(Lab.dev("dm-0"));
        lab.host.open(Lab.dev("dm-0"));
        assertThat(lab.run("dmsetup", "remove", WWID).exitCode()).isEqualTo(1);
        assertThat(lab.run("dmsetup", "remove", "--force", WWID).exitCode()).isZero();
        assertThat(lab.host.oracle().dataLossEvents()).singleElement()
                .matches(event -> event.device().equals("dm-0") && event.forced());
    }

    @Test
    void a_flush_of_a_dirty_map_keeps_the_data() {
        lab = new Lab(dir);
        lab.attachRecordedWay();
        lab.host.write(Lab.dev("dm-0"));
        assertThat(lab.run("multipath", "-f", WWID).exitCode()).isZero();
        lab.deviceAttribute("sda", "delete", "1");
        lab.deviceAttribute("sdb", "delete", "1");
        lab.sleep(0.1);
        for (String portal : new String[] {P1, P2}) {
            lab.node(portal, "--logout");
            lab.node(portal, "--op", "delete");
        }
        assertThat(lab.host.oracle().dataLossEvents()).isEmpty();
        assertThat(lab.host.oracle().leftovers(Wwid.of(WWID)).isEmpty()).isTrue();
        assertThat(lab.host.oracle().leftovers().isEmpty()).isTrue();
    }

    @Test
    void a_logout_takes_dirty_devices_with_it_as_data_loss() {
        lab = new Lab(dir, builder -> builder.multipathd(false));
        lab.attachRecordedWay();
        lab.host.write(Lab.dev("sda"));
        lab.node(P1, "--logout");
        assertThat(lab.host.oracle().dataLossEvents()).singleElement().matches(event -> event.cause().equals("logout"));
        assertThat(lab.disks()).containsExactly("sdb");
    }

    @Test
    void leftovers_name_what_a_disconnect_forgot() {
        lab = new Lab(dir);
        lab.attachRecordedWay();
        Leftovers left = lab.host.oracle().leftovers(Wwid.of(WWID));
        assertThat(left.devices()).containsExactly("sda", "sdb");
        assertThat(left.maps()).containsExactly("dm-0");
        assertThat(left.sessions()).as("sessions carrying the LUN are the LUN's, not leftovers").isEmpty();
        assertThat(left.nodeRecords()).hasSize(2);
        assertThat(left.links()).contains("scsi-" + WWID, "dm-uuid-mpath-" + WWID);
        lab.run("multipath", "-f", WWID);
        lab.deviceAttribute("sda", "delete", "1");
        lab.deviceAttribute("sdb", "delete", "1");
        lab.sleep(0.1);
        Leftovers after = lab.host.oracle().leftovers(Wwid.of(WWID));
        assertThat(after.devices()).isEmpty();
        assertThat(after.links()).isEmpty();
        assertThat(after.sessions()).hasSize(2);
    }

    @Test
    void state_writes_take_a_device_offline_and_back() {
        lab = new Lab(dir);
        lab.attachRecordedWay();
        lab.deviceAttribute("sda", "state", "offline");
        lab.host.settle();
        assertThat(lab.run("multipath", "-ll").stdout()).contains("sda 8:0  failed faulty offline");
        lab.deviceAttribute("sda", "state", "running");
        lab.host.settle();
        assertThat(lab.read("sys/block/sda/device/state")).contains("running");
        assertThat(lab.host.oracle().sysfsWrites()).extracting(SysfsWrite::value)
                .containsExactly("- - 1", "- - 1", "offline", "running");
    }

    @Test
    void a_logout_of_a_session_that_still_has_a_device_is_recorded_as_a_logout_in_use() {
        lab = new Lab(dir);
        lab.login(P1);
        lab.scan(2, "0 0 1");
        lab.sleep(0.5);

        lab.node(P1, "--logout");

        assertThat(lab.host.oracle().sessionInUseEvents()).singleElement().satisfies(event -> {
            assertThat(event.portal()).isEqualTo(P1);
            assertThat(event.target()).isEqualTo(IQN);
            assertThat(event.devices()).containsExactly("sda (LUN 1)");
            assertThat(event.pendingScans()).isEmpty();
        });
    }

    @Test
    void a_logout_while_a_scan_of_the_session_is_in_flight_is_recorded_as_a_logout_in_use() {
        lab = new Lab(dir);
        lab.login(P1);
        lab.scan(2, "0 0 0");

        lab.node(P1, "--logout");
        lab.sleep(1);

        assertThat(lab.host.oracle().sessionInUseEvents()).singleElement().satisfies(event -> {
            assertThat(event.devices()).isEmpty();
            assertThat(event.pendingScans()).containsExactly(0);
        });
        assertThat(lab.disks()).as("the scan's device never comes: its session is gone").isEmpty();
    }

    @Test
    void a_logout_of_a_session_whose_devices_are_gone_is_not_a_logout_in_use() {
        lab = new Lab(dir);
        lab.login(P1);
        lab.scan(2, "0 0 1");
        lab.sleep(0.5);
        lab.deviceAttribute("sda", "delete", "1");
        lab.sleep(0.5);

        lab.node(P1, "--logout");

        assertThat(lab.host.oracle().sessionInUseEvents()).isEmpty();
        assertThat(lab.host.oracle().leftovers().sessions()).isEmpty();
    }
}
