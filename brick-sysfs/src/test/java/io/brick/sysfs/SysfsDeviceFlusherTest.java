package io.brick.sysfs;

import io.brick.testkit.snapshot.RecordedFixture;
import io.brick.core.error.CommandFailedException;
import io.brick.core.error.CommandTimeoutException;
import io.brick.core.error.DeviceNotFoundException;
import io.brick.core.error.FlushFailedException;
import io.brick.core.error.HostStateException;
import io.brick.core.error.OperationTimeoutException;
import io.brick.core.model.DeviceLinks;
import io.brick.core.model.DevicePath;
import io.brick.core.port.Command;
import io.brick.core.port.CommandResult;
import io.brick.core.port.CommandRunner;
import io.brick.core.time.Deadline;
import io.brick.testkit.snapshot.Recordings;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SysfsDeviceFlusherTest {
    @TempDir
    Path dir;

    private RecordedFixture<SysfsTopologyProvider> fixture;
    private final FakeTime time = new FakeTime();
    private final FakeRunner runner = new FakeRunner();

    /** Records the commands; answers with the given function. */
    static final class FakeRunner implements CommandRunner {
        final List<Command> commands = new ArrayList<>();
        Function<Command, CommandResult> answer = command ->
                new CommandResult(command.display(), 0, "", "", Duration.ofMillis(3), false);

        @Override
        public synchronized CommandResult run(Command command) {
            commands.add(command);
            return answer.apply(command);
        }
    }

    @BeforeEach
    void materialise() {
        fixture = RecordedFixture.load(Recordings.B_TWO_PORTALS_ONE_LUN, dir, SysfsTopologyProvider::new);
    }

    private SysfsDeviceFlusher flusher() {
        return new SysfsDeviceFlusher(fixture.host(), runner, time, time);
    }

    @Test
    void flush_runs_blockdev_with_a_timeout_inside_the_deadline() {
        flusher().flushBuffers(DevicePath.of("/dev/sda"), time.deadline(Duration.ofSeconds(10)));

        assertThat(runner.commands).singleElement().satisfies(command -> {
            assertThat(command.argv()).containsExactly("blockdev", "--flushbufs", "/dev/sda");
            assertThat(command.timeout()).isEqualTo(Duration.ofSeconds(10));
        });
    }

    @Test
    void flush_timeout_is_capped_when_the_deadline_is_far() {
        flusher().flushBuffers(DevicePath.of("/dev/sda"), time.deadline(Duration.ofHours(1)));

        assertThat(runner.commands.get(0).timeout()).isEqualTo(SysfsDeviceFlusher.FLUSH_TIMEOUT);
    }

    @Test
    void a_failed_flush_carries_exit_code_stderr_and_holders() {
        runner.answer = command -> {
            throw new CommandFailedException(command.display(), 1, "",
                    "blockdev: cannot open /dev/sda: Device or resource busy\n", false);
        };

        assertThatThrownBy(() -> flusher().flushBuffers(DevicePath.of("/dev/sda"), time.deadline(Duration.ofSeconds(10))))
                .isInstanceOf(FlushFailedException.class)
                .hasMessageContaining("Device or resource busy")
                .satisfies(e -> assertThat(((FlushFailedException) e).evidence())
                        .containsEntry("device", "/dev/sda")
                        .containsEntry("exitCode", "1")
                        .containsEntry("holders", "dm-0")
                        .containsEntry("stderr", "blockdev: cannot open /dev/sda: Device or resource busy"));
    }

    @Test
    void a_flush_that_times_out_is_a_failed_flush() {
        runner.answer = command -> {
            throw new CommandTimeoutException(command.display(), command.timeout(), "");
        };

        assertThatThrownBy(() -> flusher().flushBuffers(DevicePath.of("/dev/sdb"), time.deadline(Duration.ofSeconds(10))))
                .isInstanceOf(FlushFailedException.class)
                .satisfies(e -> assertThat(((FlushFailedException) e).evidence().get("exitCode")).startsWith("timeout"));
    }

    @Test
    void no_flush_runs_once_the_deadline_has_passed() {
        Deadline deadline = time.deadline(Duration.ofSeconds(1));
        time.sleep(Duration.ofSeconds(2));

        assertThatThrownBy(() -> flusher().flushBuffers(DevicePath.of("/dev/sda"), deadline))
                .isInstanceOf(OperationTimeoutException.class);
        assertThat(runner.commands).isEmpty();
    }

    @Test
    void removal_writes_delete_into_every_device_and_waits_until_the_kernel_removed_them() throws IOException {
        // the "kernel": removes a device some polls after 1 was written into its delete file
        time.onSleep(() -> removeDeletedDevices(time.sleeps().size() >= 3));

        flusher().removeDevices(List.of("sda", "sdb"), time.deadline(Duration.ofSeconds(30)));

        assertThat(Files.readString(fixture.sys("devices/platform/host2/session1/target2:0:0/2:0:0:1/delete")))
                .isEqualTo("1");
        assertThat(Files.readString(fixture.sys("devices/platform/host3/session2/target3:0:0/3:0:0:1/delete")))
                .isEqualTo("1");
        assertThat(fixture.sys("block/sda")).doesNotExist();
        assertThat(fixture.sys("block/sdb")).doesNotExist();
        assertThat(time.sleeps()).hasSize(3).allSatisfy(sleep -> assertThat(sleep).isEqualTo(SysfsDeviceFlusher.POLL_INTERVAL));
    }

    @Test
    void a_removed_devices_name_the_kernel_gives_to_another_disk_is_not_waited_for() throws IOException {
        Path otherDisk = fixture.sys("block/sdb").toRealPath();
        String otherDelete = Files.readString(fixture.sys("devices/platform/host3/session2/target3:0:0/3:0:0:1/delete"));
        // the "kernel": removes sda, then names the next disk it makes sda (here: the disk at 3:0:0:1)
        time.onSleep(() -> {
            try {
                Path sda = fixture.sys("block/sda");
                if (Files.isSymbolicLink(sda) && Files.readString(sda.resolve("device/delete")).equals("1")) {
                    Files.delete(sda);
                    Files.createSymbolicLink(sda, otherDisk);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });

        flusher().removeDevices(List.of("sda"), time.deadline(Duration.ofSeconds(30)));

        assertThat(fixture.sys("block/sda")).as("the name lives on, for another disk").exists();
        assertThat(Files.readString(fixture.sys("devices/platform/host3/session2/target3:0:0/3:0:0:1/delete")))
                .as("the other disk is not deleted").isEqualTo(otherDelete);
        assertThat(time.sleeps()).as("waited until sda named another disk, not until the deadline").hasSize(1);
    }

    @Test
    void removal_times_out_naming_the_devices_still_there() {
        time.onSleep(() -> {
            try {
                Files.deleteIfExists(fixture.sys("block/sdb"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });

        assertThatThrownBy(() -> flusher().removeDevices(List.of("sda", "sdb"), time.deadline(Duration.ofSeconds(2))))
                .isInstanceOf(OperationTimeoutException.class)
                .satisfies(e -> assertThat(((OperationTimeoutException) e).evidence())
                        .containsEntry("remaining", "sda")
                        .containsEntry("budgetMillis", "2000"));
    }

    @Test
    void devices_already_gone_count_as_removed() {
        flusher().removeDevices(List.of("sdq", "sdr"), time.deadline(Duration.ofSeconds(1)));

        assertThat(time.sleeps()).isEmpty();
    }

    @Test
    void a_refused_delete_of_a_device_still_there_is_a_host_state_error() throws IOException {
        Path delete = fixture.sys("devices/platform/host2/session1/target2:0:0/2:0:0:1/delete");
        Files.delete(delete);
        Files.createDirectory(delete);

        assertThatThrownBy(() -> flusher().removeDevices(List.of("sda"), time.deadline(Duration.ofSeconds(5))))
                .isInstanceOf(HostStateException.class)
                .satisfies(e -> assertThat(((HostStateException) e).evidence().get("path")).endsWith("2:0:0:1/delete"));
    }

    @Test
    void rescan_writes_1_into_the_devices_rescan_file() throws IOException {
        flusher().rescan("sdb");

        assertThat(Files.readString(fixture.sys("devices/platform/host3/session2/target3:0:0/3:0:0:1/rescan")))
                .isEqualTo("1");
    }

    @Test
    void rescan_of_an_unknown_device_is_device_not_found() {
        assertThatThrownBy(() -> flusher().rescan("sdq")).isInstanceOf(DeviceNotFoundException.class);
    }

    private void removeDeletedDevices(boolean now) {
        if (!now) {
            return;
        }
        for (String name : List.of("sda", "sdb")) {
            Path link = fixture.sys("block/" + name);
            try {
                if (Files.isSymbolicLink(link) && Files.readString(link.resolve("device/delete")).equals("1")) {
                    Files.delete(link);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static final String WWID = "360014053b8c2d6119a414f0b8e275d1c";
    private static final String T10 = "scsi-1LIO-ORG_lun1:3b8c2d61-19a4-14f0-b8e2-75d1c0000001";
    private static final String SERIAL = "scsi-SLIO-ORG_lun1_3b8c2d61-19a4-14f0-b8e2-75d1c0000001";

    /** Writes udev's database entry of a device ({@code run/udev/data/b<major>:<minor>}), as udev does. */
    private void udevEntry(String number, String text) throws IOException {
        Path data = Path.of(fixture.host().run(), "udev", "data");
        Files.createDirectories(data);
        Files.writeString(data.resolve("b" + number), text);
    }

    /** sda's entry as the recorded host's udev wrote it: every link it claims, won or not. */
    private void sdaEntry() throws IOException {
        udevEntry("8:0", "S:disk/by-id/" + SERIAL + "\nS:disk/by-id/scsi-" + WWID + "\nS:disk/by-id/wwn-0x"
                + WWID.substring(1) + "\nS:disk/by-id/" + T10 + "\nS:disk/by-path/ip-127.0.0.1:3260-iscsi-"
                + "iqn.2003-01.org.linux-iscsi.labvm:target1-lun-1\nL:0\nI:22395882\nE:ID_SERIAL=" + WWID
                + "\nE:ID_WWN=0x60014053b8c2d611\nG:systemd\nQ:systemd\nV:1\n");
    }

    @Test
    void the_links_udev_lists_for_a_device_are_its_by_id_links() throws IOException {
        sdaEntry();

        assertThat(flusher().linksOf(List.of("sda", "sdq")).links()).containsExactly(
                Map.entry("sda", List.of(SERIAL, "scsi-" + WWID, "wwn-0x" + WWID.substring(1), T10)),
                Map.entry("sdq", List.of()));
    }

    @Test
    void stale_links_of_removed_devices_are_removed_and_links_to_another_device_kept() throws IOException {
        sdaEntry();
        Path byId = fixture.dev("disk/by-id");
        DeviceLinks known = flusher().linksOf(List.of("sda", "sdb", "dm-0"));
        Files.delete(fixture.sys("block/sda"));

        List<String> removed = flusher().removeStaleLinks(known);

        // scsi-<wwid> and wwn-0x... are sda's too, but point at the map: kept
        assertThat(removed).containsExactly(T10, SERIAL);
        assertThat(byId.resolve(SERIAL)).doesNotExist();
        assertThat(byId.resolve("dm-uuid-mpath-" + WWID)).isSymbolicLink();
        assertThat(byId.resolve("scsi-" + WWID)).isSymbolicLink();
        assertThat(byId.resolve("wwn-0x" + WWID.substring(1))).isSymbolicLink();
        assertThat(runner.commands).isEmpty();
    }

    @Test
    void a_link_udev_gave_another_device_since_is_kept() throws IOException {
        sdaEntry();
        Path byId = fixture.dev("disk/by-id");
        DeviceLinks known = flusher().linksOf(List.of("sda"));
        Files.delete(fixture.sys("block/sda"));
        // udev moved the serial link to the other path before brick got there
        Files.delete(byId.resolve(SERIAL));
        Files.createSymbolicLink(byId.resolve(SERIAL), Path.of("../../sdb"));

        assertThat(flusher().removeStaleLinks(known)).containsExactly(T10);
        assertThat(Files.readSymbolicLink(byId.resolve(SERIAL))).isEqualTo(Path.of("../../sdb"));
    }

    @Test
    void without_a_udev_entry_only_the_links_named_after_the_wwid_are_looked_at() throws IOException {
        Path byId = fixture.dev("disk/by-id");
        // no map: udev points scsi-<wwid> at the first path
        Files.delete(byId.resolve("scsi-" + WWID));
        Files.createSymbolicLink(byId.resolve("scsi-" + WWID), Path.of("../../sda"));
        DeviceLinks known = flusher().linksOf(List.of("sda"));
        Files.delete(fixture.sys("block/sda"));

        assertThat(known.of("sda")).containsExactly("scsi-" + WWID, "wwn-0x" + WWID.substring(1));
        assertThat(flusher().removeStaleLinks(known)).containsExactly("scsi-" + WWID);
        // the links udev derives from the serial are not derived here, and by-id is never listed
        assertThat(byId.resolve(T10)).isSymbolicLink();
        assertThat(byId.resolve(SERIAL)).isSymbolicLink();
        assertThat(byId.resolve("wwn-0x" + WWID.substring(1))).isSymbolicLink();
    }

    @Test
    void malformed_udev_lines_are_ignored() throws IOException {
        Path byId = fixture.dev("disk/by-id");
        Files.createSymbolicLink(byId.resolve("scsi-mine"), Path.of("../../sda"));
        Files.createSymbolicLink(byId.resolve("scsi-elsewhere"), dir.resolve("sda").toAbsolutePath());
        udevEntry("8:0", String.join("\n", "S:disk/by-id/../../sda", "S:/dev/disk/by-id/" + T10, "S:disk/by-id/",
                "S:", "S disk/by-id/" + SERIAL, "S: disk/by-id/" + SERIAL, "Sdisk/by-id/" + SERIAL,
                "E:ID_SERIAL=" + WWID, "\u0000\u00ff garbage", "S:disk/by-id/scsi-elsewhere", "S:disk/by-id/scsi-mine",
                "S:disk/by-id/scsi-mine", ""));
        DeviceLinks known = flusher().linksOf(List.of("sda"));
        Files.delete(fixture.sys("block/sda"));

        assertThat(known.of("sda")).containsExactly("scsi-elsewhere", "scsi-mine");
        // scsi-elsewhere ends in sda but outside /dev: kept
        assertThat(flusher().removeStaleLinks(known)).containsExactly("scsi-mine");
        assertThat(Files.isSymbolicLink(byId.resolve("scsi-elsewhere"))).isTrue();
        assertThat(byId.resolve(T10)).isSymbolicLink();
        assertThat(byId.resolve(SERIAL)).isSymbolicLink();
    }

    @Test
    void no_link_is_removed_while_its_device_is_still_there() throws IOException {
        sdaEntry();
        DeviceLinks known = flusher().linksOf(List.of("sda", "sdb", "dm-0"));

        assertThat(flusher().removeStaleLinks(known)).isEmpty();
        assertThat(fixture.dev("disk/by-id").toFile().list()).hasSize(6);
    }

    @Test
    void a_name_the_kernel_gave_a_new_device_keeps_its_links() throws IOException {
        sdaEntry();
        DeviceLinks known = flusher().linksOf(List.of("sda"));
        // sda removed, and the name given to the next disk at once: /sys/block/sda is there again

        assertThat(flusher().removeStaleLinks(known)).isEmpty();
        assertThat(fixture.dev("disk/by-id").resolve(SERIAL)).isSymbolicLink();
    }
}
