package io.brick.sysfs;

import io.brick.testkit.snapshot.RecordedFixture;
import io.brick.core.error.HostStateException;
import io.brick.core.error.OperationTimeoutException;
import io.brick.core.model.BlockDevice;
import io.brick.core.model.DeviceLinks;
import io.brick.core.model.DevicePath;
import io.brick.core.model.Hctl;
import io.brick.core.model.Lun;
import io.brick.core.model.MultipathMap;
import io.brick.core.model.ScsiTarget;
import io.brick.core.model.Wwid;
import io.brick.core.time.Deadline;
import io.brick.testkit.host.CommandLogEntry;
import io.brick.testkit.host.Latencies;
import io.brick.testkit.host.RecordedLab;
import io.brick.testkit.host.SimulatedHost;
import io.brick.testkit.host.SysfsWrite;
import io.brick.testkit.snapshot.Recordings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * os-brick's {@code test_linuxscsi.py} scenarios that concern sysfs (§7.2 of the behaviour inventory), each named
 * after the os-brick test it mirrors (those about a session's target and LUNs are brick-iscsi's
 * {@code OsBrickLinuxScsiSessionScenariosTest}). os-brick answers them with {@code glob}, {@code realpath}, {@code tee},
 * {@code lsscsi} and {@code scsi_id}; brick reads and writes sysfs itself, so most ports assert on the recorded
 * two-portal host ({@code b-two-portals-one-lun}: {@code sda} at 2:0:0:1, {@code sdb} at 3:0:0:1, both held by
 * {@code dm-0}) or on the simulated host, and that no command ran.
 */
class OsBrickLinuxScsiScenariosTest {
    private static final String WWID = RecordedLab.LUN1_WWID;
    private static final String SDA_DIR = "devices/platform/host2/session1/target2:0:0/2:0:0:1";
    private static final String SDB_DIR = "devices/platform/host3/session2/target3:0:0/3:0:0:1";
    private static final String DM_DIR = "devices/virtual/block/dm-0";

    @TempDir
    Path dir;

    private RecordedFixture<SysfsTopologyProvider> fixture;
    private SysfsTopologyProvider provider;
    private final FakeTime time = new FakeTime();
    private final SysfsDeviceFlusherTest.FakeRunner runner = new SysfsDeviceFlusherTest.FakeRunner();
    private SimulatedHost host;

    @BeforeEach
    void materialise() {
        fixture = RecordedFixture.load(Recordings.B_TWO_PORTALS_ONE_LUN, dir, SysfsTopologyProvider::new);
        provider = fixture.topology();
    }

    @AfterEach
    void stop() {
        if (host != null) {
            host.close();
        }
    }

    private SysfsDeviceFlusher flusher() {
        return new SysfsDeviceFlusher(fixture.host(), runner, time, time);
    }

    /** The lab's LUN 1 attached through both portals on the simulated host ({@code sda}, {@code sdb}, {@code dm-0}). */
    private SysfsDeviceFlusher simulatedFlusher() {
        host = RecordedLab.attach(RecordedLab.host(dir.resolve("sim"), Latencies.zero()), 2);
        return new SysfsDeviceFlusher(host.hostRoot(), host.commandRunner(), host.clock(), host.clock());
    }

    private Deadline simulatedDeadline() {
        return Deadline.after(Duration.ofSeconds(30), host.clock());
    }

    // ------------------------------------------------------------------------------------ writes and removal

    @Test
    void test_echo_scsi_command() throws IOException {
        flusher().rescan("sda");

        assertThat(Files.readString(fixture.sys(SDA_DIR + "/rescan"))).as("written directly, no 'tee -a'")
                .isEqualTo("1");
        assertThat(runner.commands).isEmpty();
    }

    @Test
    void test_remove_scsi_device() {
        SysfsDeviceFlusher flusher = simulatedFlusher();
        int commands = host.oracle().commandLog().size();
        int writes = host.oracle().sysfsWrites().size();

        flusher.removeDevices(List.of("sdq"), simulatedDeadline());

        assertThat(host.oracle().commandLog()).hasSize(commands);
        assertThat(host.oracle().sysfsWrites()).hasSize(writes);

        flusher.flushBuffers(DevicePath.of("/dev/sda"), simulatedDeadline());
        flusher.removeDevices(List.of("sda"), simulatedDeadline());

        List<CommandLogEntry> log = host.oracle().commandLog();
        assertThat(log.subList(commands, log.size())).extracting(CommandLogEntry::display)
                .containsExactly("blockdev --flushbufs /dev/sda");
        List<SysfsWrite> written = host.oracle().sysfsWrites();
        assertThat(written.subList(writes, written.size())).singleElement().satisfies(write -> {
            assertThat(write.path()).endsWith("2:0:0:1/delete");
            assertThat(write.value()).isEqualTo("1");
        });
        assertThat(host.root().resolve("sys/block/sda")).doesNotExist();
        assertThat(host.root().resolve("sys/block/sdb")).exists();
    }

    @Test
    void test_remove_scsi_device_no_flush() {
        SysfsDeviceFlusher flusher = simulatedFlusher();
        int commands = host.oracle().commandLog().size();
        int writes = host.oracle().sysfsWrites().size();

        flusher.removeDevices(List.of("sda", "sdb"), simulatedDeadline());

        assertThat(host.oracle().commandLog()).as("removal never flushes: that is the caller's decision")
                .hasSize(commands);
        List<SysfsWrite> written = host.oracle().sysfsWrites();
        assertThat(written.subList(writes, written.size())).extracting(SysfsWrite::path)
                .allSatisfy(path -> assertThat(path).endsWith("/delete")).hasSize(2);
        assertThat(host.root().resolve("sys/block/sda")).doesNotExist();
        assertThat(host.root().resolve("sys/block/sdb")).doesNotExist();
    }

    @Test
    void test_wait_for_volumes_removal_failure() {
        Duration budget = Duration.ofSeconds(2);

        assertThatThrownBy(() -> flusher().removeDevices(List.of("sda", "sdb"), time.deadline(budget)))
                .isInstanceOf(OperationTimeoutException.class)
                .satisfies(e -> assertThat(((OperationTimeoutException) e).evidence())
                        .containsEntry("remaining", "sda,sdb"));

        assertThat(time.sleeps()).as("polled every 25 ms until the deadline (os-brick: 61 checks 0.5 s apart)")
                .hasSize((int) (budget.toMillis() / SysfsDeviceFlusher.POLL_INTERVAL.toMillis()))
                .allSatisfy(sleep -> assertThat(sleep).isEqualTo(SysfsDeviceFlusher.POLL_INTERVAL));
    }

    @Test
    void test_wait_for_volumes_removal_retry() {
        time.onSleep(() -> {
            delete(fixture.sys("block/sda"));
            delete(fixture.sys("block/sdb"));
        });

        flusher().removeDevices(List.of("sda", "sdb"), time.deadline(Duration.ofSeconds(30)));

        assertThat(time.sleeps()).containsExactly(SysfsDeviceFlusher.POLL_INTERVAL);
    }

    @Test
    void test_flush_device_io() {
        flusher().flushBuffers(DevicePath.of("/dev/sda"), time.deadline(Duration.ofMinutes(10)));

        assertThat(runner.commands).as("one attempt (os-brick: 3 attempts 10 s apart, 300 s each)")
                .singleElement().satisfies(command -> {
                    assertThat(command.argv()).containsExactly("blockdev", "--flushbufs", "/dev/sda");
                    assertThat(command.timeout()).isEqualTo(SysfsDeviceFlusher.FLUSH_TIMEOUT);
                });
    }

    @Test
    void test_flush_device_io_non_existent() {
        flusher().flushBuffers(DevicePath.of("/dev/sdq"), time.deadline(Duration.ofMinutes(10)));

        assertThat(runner.commands).isEmpty();
    }

    @Test
    void test_remove_scsi_symlinks() throws IOException {
        Path byId = fixture.dev("disk/by-id");
        Files.createSymbolicLink(byId.resolve("scsi-wwid1"), Path.of("../../sda"));
        Files.createSymbolicLink(byId.resolve("scsi-wwid2"), Path.of("../../sdb"));
        Files.createSymbolicLink(byId.resolve("scsi-wwid3"), Path.of("../../sdc"));
        Files.delete(fixture.sys("block/sdb"));

        // the links each device had, as read before its removal (sdd had none)
        List<String> removed = flusher().removeStaleLinks(new DeviceLinks(Map.of("sdb", List.of("scsi-wwid2"),
                "sdc", List.of("scsi-wwid3"), "sdd", List.of())));

        assertThat(removed).containsExactly("scsi-wwid2", "scsi-wwid3");
        assertThat(byId.resolve("scsi-wwid1")).isSymbolicLink();
        assertThat(Files.exists(byId.resolve("scsi-wwid2"), java.nio.file.LinkOption.NOFOLLOW_LINKS)).isFalse();
        assertThat(Files.exists(byId.resolve("scsi-wwid3"), java.nio.file.LinkOption.NOFOLLOW_LINKS)).isFalse();
        assertThat(runner.commands).isEmpty();
    }

    @Test
    void test_remove_scsi_symlinks_no_links() {
        List<String> before = HostFiles.list(fixture.dev("disk/by-id"));

        assertThat(flusher().removeStaleLinks(flusher().linksOf(List.of("sdd", "sde")))).isEmpty();
        assertThat(HostFiles.list(fixture.dev("disk/by-id"))).isEqualTo(before);
    }

    @Test
    void test_remove_scsi_symlinks_race_condition() throws IOException {
        Path byId = fixture.dev("disk/by-id");
        Path loop = byId.resolve("scsi-wwid1");
        Files.createSymbolicLink(loop, Path.of("scsi-wwid1")); // resolving it fails (ELOOP), as a vanished link's does
        Files.createSymbolicLink(byId.resolve("scsi-wwid2"), Path.of("../../sda"));
        Files.delete(fixture.sys("block/sda"));

        List<String> removed = flusher().removeStaleLinks(new DeviceLinks(Map.of("sda",
                List.of("scsi-wwid1", "scsi-wwid2"))));

        assertThat(removed).contains("scsi-wwid2").doesNotContain("scsi-wwid1");
        assertThat(Files.isSymbolicLink(loop)).isTrue();
    }

    // ------------------------------------------------------------------------------------ maps

    @Test
    void test_get_dm_name() throws IOException {
        Files.writeString(fixture.sys(DM_DIR + "/dm/name"), "mpatha\n");

        assertThat(provider.multipathMap("dm-0")).map(MultipathMap::name).contains("mpatha");
    }

    @Test
    void test_get_dm_name_failure() throws IOException {
        assertThat(provider.multipathMap("dm-9")).isEmpty();

        Path name = fixture.sys(DM_DIR + "/dm/name");
        Files.delete(name);
        Files.createDirectory(name);
        assertThatThrownBy(() -> provider.multipathMap("dm-0")).as("os-brick: '' for a name it cannot read")
                .isInstanceOf(HostStateException.class)
                .satisfies(e -> assertThat(((HostStateException) e).evidence().get("path")).endsWith("dm-0/dm/name"));
    }

    @Test
    void test_find_sysfs_multipath_dm() throws IOException {
        Files.delete(fixture.sys(SDA_DIR + "/block/sda/holders/dm-0"));

        assertThat(provider.holderMap("sda")).isEmpty();
        assertThat(provider.holderMap("sdb")).map(MultipathMap::kernelName).contains("dm-0");
    }

    @Test
    void test_find_sysfs_multipath_dm_not_found() throws IOException {
        Files.delete(fixture.sys(SDA_DIR + "/block/sda/holders/dm-0"));
        Files.delete(fixture.sys(SDB_DIR + "/block/sdb/holders/dm-0"));

        assertThat(provider.holderMap("sda")).isEmpty();
        assertThat(provider.holderMap("sdb")).isEmpty();
    }

    @Test
    void test_find_multipath_device_path() {
        assertThat(provider.multipathMapByWwid(Wwid.of(WWID))).map(MultipathMap::kernelName).contains("dm-0");
    }

    @Test
    void test_find_multipath_device_path_mapper() throws IOException {
        Files.delete(fixture.dev("disk/by-id/dm-uuid-mpath-" + WWID));

        assertThat(provider.multipathMapByWwid(Wwid.of(WWID))).as("no /dev/mapper fallback, no waiting").isEmpty();
        assertThat(provider.holderMap("sda")).as("the map is still found from its path's holders")
                .map(MultipathMap::wwid).contains(java.util.Optional.of(Wwid.of(WWID)));
        assertThat(time.sleeps()).isEmpty();
    }

    @Test
    void test_find_multipath_device_path_fail() {
        SysfsTopologyProvider clean = RecordedFixture.load(Recordings.E_AFTER_DISCONNECT, dir, SysfsTopologyProvider::new).topology();

        assertThat(clean.multipathMapByWwid(Wwid.of(WWID))).isEmpty();
        assertThat(clean.multipathMaps()).isEmpty();
    }

    // ------------------------------------------------------------------------------------ identities

    @Test
    void test_get_scsi_wwn() throws IOException {
        assertThat(Files.readString(fixture.sys(SDA_DIR + "/wwid")).strip()).startsWith("naa.");

        assertThat(provider.wwid("sda")).as("from sysfs wwid, no scsi_id").contains(Wwid.of(WWID));
        assertThat(provider.wwid("sdb")).contains(Wwid.of(WWID));
    }

    @Test
    void test_get_device_info() {
        assertThat(provider.device("sda")).map(BlockDevice::hctl).as("from sysfs, no lsscsi")
                .contains(Hctl.parse("2:0:0:1"));
        assertThat(provider.device("sdb")).map(BlockDevice::hctl).contains(Hctl.parse("3:0:0:1"));
    }

    @Test
    void test_get_sysfs_wwn_mpath() throws IOException {
        Files.writeString(fixture.sys(DM_DIR + "/dm/uuid"), "mpath-3600d0230000000000e13955cc3757800\n");

        assertThat(provider.multipathMap("dm-0")).map(MultipathMap::wwid)
                .contains(java.util.Optional.of(Wwid.of("3600d0230000000000e13955cc3757800")));
    }

    @Test
    void test_get_sysfs_wwn_single_designator() {
        assertThat(provider.wwid("sda")).contains(Wwid.of(WWID));
        assertThat(provider.diskByIdLinks("dm-0")).contains("scsi-" + WWID);
    }

    @Test
    void test_get_sysfs_wwn_mpath_exc() throws IOException {
        Files.delete(fixture.sys(DM_DIR + "/dm/uuid"));

        assertThat(provider.multipathMap("dm-0")).hasValueSatisfying(map -> assertThat(map.wwid()).isEmpty());
        assertThat(provider.holderMap("sda")).as("without a multipath uuid it is not a multipath map").isEmpty();
        assertThat(provider.wwid("sda")).as("the path's own WWID still answers").contains(Wwid.of(WWID));
    }

    @Test
    void test_get_sysfs_wwn_multiple_designators() throws IOException {
        Path byId = fixture.dev("disk/by-id");
        Files.writeString(byId.resolve("scsi-fail-link"), "not a link");
        Files.createSymbolicLink(byId.resolve("scsi-fail-stat"), Path.of("../../sdz"));
        Path outside = Files.createDirectories(dir.resolve("other")).resolve("path");
        Files.writeString(outside, "");
        Files.createSymbolicLink(byId.resolve("scsi-non-dev"), outside);
        Files.createSymbolicLink(byId.resolve("scsi-another-dm"), Path.of("../../dm-0"));
        Files.createSymbolicLink(byId.resolve("scsi-wwid1"), Path.of("../../sda"));
        Files.createSymbolicLink(byId.resolve("scsi-wwid2"), Path.of("../../sdb"));

        assertThat(provider.diskByIdLinks("sdb")).containsExactly("scsi-wwid2");
        assertThat(provider.wwid("sdb")).as("the WWID is the device's, never a link's name").contains(Wwid.of(WWID));
    }

    @Test
    void test_get_sysfs_wwn_dm_link() {
        MultipathMap ours = provider.holderMap("sdb").orElseThrow();

        assertThat(ours.slaves()).contains("sdb");
        assertThat(ours.wwid()).contains(Wwid.of(WWID));
    }

    @Test
    void test_get_sysfs_wwn_not_found() throws IOException {
        for (String link : provider.diskByIdLinks("sda")) {
            Files.delete(fixture.dev("disk/by-id/" + link));
        }

        assertThat(provider.diskByIdLinks("sda")).isEmpty();
        assertThat(provider.wwid("sda")).as("os-brick answers '' without a confirming link").contains(Wwid.of(WWID));
    }

    @Test
    void test_get_sysfs_wwn_no_links() throws IOException {
        deleteTree(fixture.dev("disk/by-id"));

        assertThat(provider.diskByIdLinks("sda")).isEmpty();
        assertThat(provider.diskByIdLinks("dm-0")).isEmpty();
        assertThat(provider.wwid("sda")).contains(Wwid.of(WWID));
        assertThat(provider.multipathMapByWwid(Wwid.of(WWID))).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"t10., 1", "eui., 2", "naa., 3"})
    void test_get_sysfs_wwid(String prefix, String digit) throws IOException {
        Files.writeString(fixture.sys(SDA_DIR + "/wwid"), prefix + "wwid1\n");

        assertThat(provider.wwid("sda")).contains(Wwid.of(digit + "wwid1"));
    }

    @Test
    void test_get_sysfs_wwid_not_found() throws IOException {
        Files.delete(fixture.sys(SDA_DIR + "/wwid"));
        Files.delete(fixture.sys(SDA_DIR + "/vpd_pg83"));

        assertThat(provider.wwid("sda")).isEmpty();
        assertThat(provider.wwid("sdq")).isEmpty();
    }

    // ------------------------------------------------------------------------------------ addresses

    @Test
    void test_get_hctl_no_target() throws IOException {
        deleteTree(fixture.sys("devices/platform/host2/session1/target2:0:0"));

        new SysfsScsiScanner(fixture.host()).scan(2, OptionalInt.empty(), OptionalInt.empty(), Lun.of(2));
        assertThat(Files.readString(fixture.sys("devices/platform/host2/scsi_host/host2/scan"))).isEqualTo("- - 2");
    }

    @Test
    void test_device_name_by_hctl() throws IOException {
        Files.createDirectories(fixture.sys(SDA_DIR + "/block/sda2"));

        assertThat(provider.deviceAt(Hctl.parse("2:0:0:1"))).map(BlockDevice::name).contains("sda");
    }

    @Test
    void test_device_name_by_hctl_no_devices() {
        assertThat(provider.deviceAt(Hctl.parse("4:5:6:2"))).isEmpty();
    }

    @Test
    void test_scsi_iscsi() throws IOException {
        new SysfsScsiScanner(fixture.host()).scan(3, OptionalInt.of(0), OptionalInt.of(0), Lun.of(1));

        assertThat(Files.readString(fixture.sys("devices/platform/host3/scsi_host/host3/scan"))).isEqualTo("0 0 1");
        assertThat(runner.commands).isEmpty();
    }

    private static void delete(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
