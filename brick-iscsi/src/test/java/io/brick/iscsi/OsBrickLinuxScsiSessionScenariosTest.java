package io.brick.iscsi;

import io.brick.testkit.snapshot.RecordedFixture;
import io.brick.core.model.BlockDevice;
import io.brick.core.model.Hctl;
import io.brick.core.model.Lun;
import io.brick.core.model.ScsiTarget;
import io.brick.testkit.snapshot.Recordings;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * os-brick's {@code test_linuxscsi.py} address scenarios that concern a session's target and LUNs (§7.2 of the
 * behaviour inventory), each named after the os-brick test it mirrors, on the recorded two-portal host
 * ({@code b-two-portals-one-lun}: {@code sda} at 2:0:0:1, {@code sdb} at 3:0:0:1); moved from brick-sysfs with the
 * session reader.
 */
class OsBrickLinuxScsiSessionScenariosTest {
    private static final String SDA_DIR = "devices/platform/host2/session1/target2:0:0/2:0:0:1";

    @TempDir
    Path dir;

    private RecordedFixture<SysfsHost> fixture;
    private SysfsHost provider;

    @BeforeEach
    void materialise() {
        fixture = RecordedFixture.load(Recordings.B_TWO_PORTALS_ONE_LUN, dir, SysfsHost::over);
        provider = fixture.topology();
    }

    @Test
    void test_get_hctl_with_target() throws IOException {
        Files.createDirectories(fixture.sys("devices/platform/host2/session1/target2:0:1"));

        ScsiTarget target = provider.sessionTarget(1).orElseThrow();

        assertThat(target).isEqualTo(new ScsiTarget(2, 0, 0));
        assertThat(target.lun(Lun.of(2))).isEqualTo(Hctl.parse("2:0:0:2"));
    }

    @Test
    void test_get_hctl_no_target() throws IOException {
        deleteTree(fixture.sys("devices/platform/host2/session1/target2:0:0"));

        assertThat(provider.sessionTarget(1)).isEmpty();
        assertThat(provider.iscsiSession(1)).map(session -> session.hostNumber()).contains(2);
    }

    @Test
    void test_get_hctl_no_paths() {
        assertThat(provider.sessionTarget(7)).isEmpty();
        assertThat(provider.iscsiSession(7)).isEmpty();
    }

    @Test
    void test_device_name_by_hctl() throws IOException {
        Files.createDirectories(fixture.sys(SDA_DIR + "/block/sda2"));

        assertThat(provider.deviceAt(Hctl.parse("2:0:0:1"))).map(BlockDevice::name).contains("sda");
        assertThat(provider.sessionDevice(1, Lun.of(1))).map(BlockDevice::name).contains("sda");
    }

    @Test
    void test_device_name_by_hctl_wildcards() {
        assertThat(provider.sessionDevice(2, Lun.of(1))).as("channel and target not needed")
                .map(BlockDevice::hctl).contains(Hctl.parse("3:0:0:1"));
        assertThat(provider.sessionDevice(2, Lun.of(1))).map(BlockDevice::name).contains("sdb");
    }

    @Test
    void test_device_name_by_hctl_no_devices() {
        assertThat(provider.deviceAt(Hctl.parse("4:5:6:2"))).isEmpty();
        assertThat(provider.sessionDevice(1, Lun.of(2))).isEmpty();
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
