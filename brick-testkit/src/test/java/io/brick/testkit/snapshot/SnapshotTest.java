package io.brick.testkit.snapshot;

import io.brick.core.host.HostRoot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SnapshotTest {
    @TempDir
    Path dir;

    @Test
    void every_recording_loads_and_materialises_as_a_host_root() {
        for (String name : Recordings.all()) {
            Path root = dir.resolve(name);
            HostRoot host = Snapshot.load(name).materialise(root);

            assertThat(host.sys()).isEqualTo(root.resolve("sys").toString());
            assertThat(Path.of(host.sys(), "block")).isDirectory();
            assertThat(Path.of(host.dev())).isDirectory();
            assertThat(Path.of(host.etc())).isDirectory();
        }
    }

    @Test
    void block_device_link_is_recorded_relative_and_resolves_to_the_device_directory() throws IOException {
        HostRoot host = Snapshot.load(Recordings.B_TWO_PORTALS_ONE_LUN).materialise(dir);
        Path link = Path.of(host.sys(), "block", "sda");

        assertThat(Files.isSymbolicLink(link)).isTrue();
        assertThat(Files.readSymbolicLink(link).toString())
                .isEqualTo("../devices/platform/host2/session1/target2:0:0/2:0:0:1/block/sda");
        assertThat(link.toRealPath()).isEqualTo(
                dir.toRealPath().resolve("sys/devices/platform/host2/session1/target2:0:0/2:0:0:1/block/sda"));
        assertThat(Files.readString(link.resolve("size"))).isEqualTo("262144\n");
        assertThat(Files.readString(link.resolve("device/wwid"))).isEqualTo("naa.60014053b8c2d6119a414f0b8e275d1c\n");
    }

    @Test
    void binary_attributes_are_base64_decoded() throws IOException {
        HostRoot host = Snapshot.load(Recordings.A_SINGLE_PORTAL_ONE_LUN).materialise(dir);

        byte[] page = Files.readAllBytes(Path.of(host.sys(), "block", "sda", "device", "vpd_pg83"));

        assertThat(page[1]).isEqualTo((byte) 0x83);
        int pageLength = ((page[2] & 0xff) << 8) | (page[3] & 0xff);
        assertThat(page).hasSize(pageLength + 4);
        // first designator: NAA (type 3), 16 bytes, the LUN's WWID without its type digit
        assertThat(page[5] & 0x0f).isEqualTo(3);
        assertThat(String.format(java.util.Locale.ROOT, "%02x%02x%02x", page[8], page[9], page[10])).isEqualTo("600140");
    }

    @Test
    void write_only_files_are_empty_regular_files() throws IOException {
        HostRoot host = Snapshot.load(Recordings.A_SINGLE_PORTAL_ONE_LUN).materialise(dir);
        Path scan = Path.of(host.sys(), "class", "scsi_host", "host2", "scan");

        assertThat(scan).isRegularFile();
        assertThat(Files.size(scan)).isZero();
        Files.writeString(scan, "0 0 1");
        assertThat(Files.readString(scan)).isEqualTo("0 0 1");
    }

    @Test
    void dev_has_a_node_per_block_device_and_the_recorded_links() throws IOException {
        HostRoot host = Snapshot.load(Recordings.B_TWO_PORTALS_ONE_LUN).materialise(dir);
        Path dev = Path.of(host.dev());
        Path byId = dev.resolve("disk/by-id/dm-uuid-mpath-360014053b8c2d6119a414f0b8e275d1c");

        assertThat(dev.resolve("sda")).isRegularFile();
        assertThat(dev.resolve("sdb")).isRegularFile();
        assertThat(dev.resolve("dm-0")).isRegularFile();
        assertThat(dev.resolve("vda")).isRegularFile();
        assertThat(Files.isSymbolicLink(byId)).isTrue();
        assertThat(Files.readSymbolicLink(byId).toString()).isEqualTo("../../dm-0");
        assertThat(byId.toRealPath()).isEqualTo(dev.toRealPath().resolve("dm-0"));
        assertThat(dev.resolve("disk/by-id/scsi-SLIO-ORG_lun1_3b8c2d61-19a4-14f0-b8e2-75d1c0000001").toRealPath())
                .isEqualTo(dev.toRealPath().resolve("sda"));
        assertThat(dev.resolve("disk/by-path/ip-127.0.0.2:3260-iscsi-iqn.2003-01.org.linux-iscsi.labvm:target1-lun-1")
                .toRealPath()).isEqualTo(dev.toRealPath().resolve("sdb"));
        assertThat(dev.resolve("mapper/360014053b8c2d6119a414f0b8e275d1c").toRealPath())
                .isEqualTo(dev.toRealPath().resolve("dm-0"));
        assertThat(dev.resolve("mapper/control")).isRegularFile();
    }

    @Test
    void a_listing_that_failed_on_the_host_is_not_created() {
        HostRoot host = Snapshot.load(Recordings.E_AFTER_DISCONNECT).materialise(dir);

        assertThat(Path.of(host.dev(), "disk", "by-id")).doesNotExist();
        assertThat(Path.of(host.dev(), "disk", "by-path")).isDirectory();
        assertThat(Path.of(host.dev(), "sda")).doesNotExist();
        assertThat(Path.of(host.sys(), "block", "sda")).doesNotExist();
        assertThat(Path.of(host.sys(), "class", "iscsi_session")).isEmptyDirectory();
    }

    @Test
    void recorded_commands_are_found_by_their_exact_line() {
        Snapshot snapshot = Snapshot.load(Recordings.B_TWO_PORTALS_ONE_LUN);

        CommandRecord sessions = snapshot.command("iscsiadm -m session").orElseThrow();
        assertThat(sessions.rc()).isZero();
        assertThat(sessions.stdout()).contains("tcp: [2] 127.0.0.2:3260,1 iqn.2003-01.org.linux-iscsi.labvm:target1");
        assertThat(sessions.seconds()).isPositive();
        assertThat(snapshot.command("iscsiadm -m sessions")).isEmpty();
        assertThat(Snapshot.load(Recordings.E_AFTER_DISCONNECT).command("iscsiadm -m session").orElseThrow().rc())
                .isEqualTo(21);
    }

    @Test
    void metadata_and_extra_files_are_available() {
        Snapshot snapshot = Snapshot.load(Recordings.OSBRICK_AFTER_DISCONNECT);

        assertThat(snapshot.kernel()).isEqualTo("6.1.0-56-amd64");
        assertThat(snapshot.absent()).contains("/sys/class/fc_host");
        assertThat(snapshot.note()).hasValueSatisfying(note -> assertThat(note).contains("disconnect_volume"));
        assertThat(snapshot.file("osbrick-daemon-trace.txt")).hasValueSatisfying(
                trace -> assertThat(trace).contains("iscsiadm"));
        assertThat(snapshot.file("no-such-file.txt")).isEmpty();
    }

    @Test
    void unknown_recording_is_rejected() {
        assertThatThrownBy(() -> Snapshot.load("no-such-recording"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no-such-recording");
        assertThatThrownBy(() -> Snapshot.load("../fixtures"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void a_recording_in_a_directory_loads_like_one_on_the_classpath() throws IOException {
        Path recording = dir.resolve("recorded");
        Files.createDirectories(recording);
        Files.writeString(recording.resolve("sysfs.json"), """
                {"format": "labvm-sysfs-manifest/1", "kernel": "6.1.0", "absent": [], "entries": {
                  "/sys": {"t": "d"},
                  "/sys/block": {"t": "d"},
                  "/sys/block/sdz": {"t": "l", "target": "../devices/virtual/block/sdz"},
                  "/sys/devices/virtual/block/sdz/power": {"t": "d", "skipped": true},
                  "/sys/devices/virtual/block/sdz/size": {"t": "f", "mode": "0444", "text": "8\\n"},
                  "/sys/devices/virtual/block/sdz/power/autosuspend_delay_ms": {"t": "f", "mode": "0644", "error": "EIO"}
                }}
                """, StandardCharsets.UTF_8);
        Snapshot snapshot = Snapshot.fromDirectory(recording);

        HostRoot host = snapshot.materialise(dir.resolve("root"));

        assertThat(snapshot.name()).isEqualTo("recorded");
        assertThat(snapshot.commands()).isEmpty();
        assertThat(snapshot.unreadable())
                .containsExactly(java.util.Map.entry("/sys/devices/virtual/block/sdz/power/autosuspend_delay_ms", "EIO"));
        assertThat(Files.readString(Path.of(host.sys(), "block/sdz/size"))).isEqualTo("8\n");
        assertThat(Path.of(host.sys(), "devices/virtual/block/sdz/power/autosuspend_delay_ms")).isEmptyFile();
        assertThat(Path.of(host.dev(), "sdz")).isRegularFile();
    }

    @Test
    void entries_outside_sys_are_rejected() throws IOException {
        Path recording = dir.resolve("evil");
        Files.createDirectories(recording);
        Files.writeString(recording.resolve("sysfs.json"),
                "{\"entries\": {\"/sys/../etc/passwd\": {\"t\": \"f\", \"text\": \"x\"}}}", StandardCharsets.UTF_8);

        assertThatThrownBy(() -> Snapshot.fromDirectory(recording).materialise(dir.resolve("root")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("/sys/../etc/passwd");
        assertThat(dir.resolve("root/etc/passwd")).doesNotExist();
        assertThat(Files.exists(dir.resolve("root/sys"), LinkOption.NOFOLLOW_LINKS)).isTrue();
    }

    @Test
    void a_recording_larger_than_the_json_limit_for_outside_input_loads() throws IOException {
        Path recording = Files.createDirectories(dir.resolve("big"));
        StringBuilder json = new StringBuilder("{\"entries\": {\"/sys\": {\"t\": \"d\"}, \"/sys/block\": {\"t\": \"d\"}");
        String text = "x".repeat(4000);
        for (int i = 0; i < 400; i++) {
            json.append(",\n\"/sys/block/f").append(i).append("\": {\"t\": \"f\", \"text\": \"").append(text).append("\"}");
        }
        json.append("}}");
        Files.writeString(recording.resolve("sysfs.json"), json, StandardCharsets.UTF_8);
        assertThat(Files.size(recording.resolve("sysfs.json"))).isGreaterThan(io.brick.core.json.Json.DEFAULT_MAX_BYTES);

        HostRoot host = Snapshot.fromDirectory(recording).materialise(dir.resolve("root"));

        assertThat(Files.readString(Path.of(host.sys(), "block/f399"))).isEqualTo(text);
    }

    @Test
    void a_file_that_is_not_json_is_rejected_naming_the_file() throws IOException {
        Path recording = Files.createDirectories(dir.resolve("broken"));
        Files.writeString(recording.resolve("sysfs.json"), "{\"entries\": {\"/sys\": {\"t\": \"d\"}}}");
        Files.writeString(recording.resolve("commands.json"), "[{\"cmd\": \"lsscsi\", \"rc\": 0,]");

        assertThatThrownBy(() -> Snapshot.fromDirectory(recording)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("broken/commands.json").hasMessageContaining("line 1");
        Files.write(recording.resolve("commands.json"), new byte[] {'[', '"', (byte) 0xc3, '"', ']'});
        assertThatThrownBy(() -> Snapshot.fromDirectory(recording)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("broken/commands.json").hasMessageContaining("UTF-8");
    }

    @Test
    void a_leading_byte_order_mark_is_skipped() throws IOException {
        Path recording = Files.createDirectories(dir.resolve("bom"));
        Files.writeString(recording.resolve("sysfs.json"), "\uFEFF{\"kernel\": \"6.1.0\", \"entries\": {}}",
                StandardCharsets.UTF_8);

        assertThat(Snapshot.fromDirectory(recording).kernel()).isEqualTo("6.1.0");
    }
}
