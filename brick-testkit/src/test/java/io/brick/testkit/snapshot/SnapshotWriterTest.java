package io.brick.testkit.snapshot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.brick.core.host.HostRoot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The recording format as {@link SnapshotWriter} writes it, read back by {@link Snapshot} and, as an independent
 * check, by Jackson. That the production reader sees the same topology in a round-tripped recording is brick-sysfs's
 * {@code SnapshotRoundTripTest} (the testkit cannot depend on brick-sysfs).
 */
class SnapshotWriterTest {
    @TempDir
    Path dir;

    static List<String> recordings() {
        List<String> all = new ArrayList<>(Recordings.all());
        all.addAll(Recordings.lab());
        return all;
    }

    private Snapshot roundTrip(HostRoot root) throws IOException {
        Path folder = Files.createDirectories(dir.resolve("snapshot"));
        Files.writeString(folder.resolve("sysfs.json"), new SnapshotWriter(root).toJson(), StandardCharsets.UTF_8);
        return Snapshot.fromDirectory(folder);
    }

    @ParameterizedTest
    @MethodSource("recordings")
    void aSnapshotHoldsEveryRecordedEntryOfTheWalkedTrees(String recording) throws IOException {
        Snapshot source = Snapshot.load(recording);
        HostRoot original = source.materialise(dir.resolve("original"));

        Snapshot copy = roundTrip(original);

        assertThat(copy.walked()).containsAll(source.walked().stream()
                .filter(path -> copy.walked().stream().noneMatch(root -> path.startsWith(root + "/")))
                .toList());
        assertThat(copy.absent()).containsAll(source.absent());
        assertThat(copy.kernel()).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("recordings")
    void aSnapshotOfARecordingHoldsEveryRecordedPathWithItsTypeAndContent(String recording) throws IOException {
        HostRoot original = Snapshot.load(recording).materialise(dir.resolve("original"));
        JsonNode recorded;
        try (InputStream in = getClass().getClassLoader()
                .getResourceAsStream("io/brick/testkit/fixtures/" + recording + "/sysfs.json")) {
            assertThat(in).as("the recording's sysfs.json on the classpath").isNotNull();
            recorded = new ObjectMapper().readTree(in).path("entries");
        }

        JsonNode written = new ObjectMapper().readTree(new SnapshotWriter(original).toJson()).path("entries");

        List<String> missing = new ArrayList<>();
        List<String> different = new ArrayList<>();
        recorded.fields().forEachRemaining(entry -> {
            JsonNode mine = written.path(entry.getKey());
            JsonNode theirs = entry.getValue();
            if (mine.isMissingNode()) {
                missing.add(entry.getKey());
            } else if (!mine.path("t").equals(theirs.path("t")) || !mine.path("target").equals(theirs.path("target"))
                    || !mine.path("b64").equals(theirs.path("b64"))
                    || theirs.has("text") && !mine.path("text").equals(theirs.path("text"))) {
                different.add(entry.getKey() + ": " + theirs + " became " + mine);
            }
        });
        assertThat(missing).isEmpty();
        assertThat(different).isEmpty();
    }

    @Test
    void theFormatNamesFilesLinksDirectoriesAndSkipsPower() throws IOException {
        HostRoot root = Snapshot.load(Recordings.A_SINGLE_PORTAL_ONE_LUN).materialise(dir.resolve("a"));
        Path device = Path.of(root.sys(), "devices/platform/host2/session1/target2:0:0/2:0:0:1");
        Files.write(device.resolve("vpd_pg83"), new byte[] {0, (byte) 0x83, 0, 0x14, 1, 3, 0, 0x10, (byte) 0xff});
        Files.createDirectories(device.resolve("power"));
        Files.writeString(device.resolve("power/control"), "auto\n");
        Files.setPosixFilePermissions(device.resolve("delete"),
                java.nio.file.attribute.PosixFilePermissions.fromString("-w-------"));

        JsonNode json = new ObjectMapper().readTree(new SnapshotWriter(root).toJson());

        assertThat(json.path("format").asText()).isEqualTo("labvm-sysfs-manifest/1");
        JsonNode entries = json.path("entries");
        String prefix = "/sys/devices/platform/host2/session1/target2:0:0/2:0:0:1";
        assertThat(entries.path("/sys").path("t").asText()).isEqualTo("d");
        assertThat(entries.path(prefix + "/vendor").path("text").asText()).isEqualTo("LIO-ORG \n");
        assertThat(entries.path(prefix + "/vendor").path("mode").asText()).isEqualTo("0644");
        assertThat(entries.path(prefix + "/vpd_pg83").path("b64").asText()).isEqualTo("AIMAFAEDABD/");
        assertThat(entries.path(prefix + "/vpd_pg83").has("text")).isFalse();
        assertThat(entries.path(prefix + "/delete").path("mode").asText()).isEqualTo("0200");
        assertThat(entries.path(prefix + "/delete").has("text")).isFalse();
        assertThat(entries.path(prefix + "/power").path("skipped").asBoolean()).isTrue();
        assertThat(entries.has(prefix + "/power/control")).isFalse();
        assertThat(entries.path("/sys/block/sda").path("target").asText())
                .isEqualTo("../devices/platform/host2/session1/target2:0:0/2:0:0:1/block/sda");
        assertThat(json.path("dev").path("/dev/disk/by-id/scsi-" + "360014053b8c2d6119a414f0b8e275d1c")
                .path("target").asText()).isEqualTo("../../dm-0");
        assertThat(json.path("walked").toString()).contains("/sys/devices/platform/host2");
    }

    @Test
    void contentIsCappedAtFourKibibytes() throws IOException {
        HostRoot root = Snapshot.load(Recordings.E_AFTER_DISCONNECT).materialise(dir.resolve("e"));
        Path transport = Path.of(root.sys(), "devices/virtual/iscsi_transport/tcp");
        Files.createDirectories(transport);
        Files.writeString(transport.resolve("big"), "x".repeat(10_000));

        JsonNode json = new ObjectMapper().readTree(new SnapshotWriter(root).toJson());

        assertThat(json.path("entries").path("/sys/devices/virtual/iscsi_transport/tcp/big").path("text").asText())
                .hasSize(4096);
    }

    @Test
    void aLinkOutOfTheHostRootIsRecordedButNotFollowed() throws IOException {
        HostRoot root = Snapshot.load(Recordings.E_AFTER_DISCONNECT).materialise(dir.resolve("e"));
        Path outside = Files.createDirectories(dir.resolve("outside/secret"));
        Files.writeString(outside.resolve("file"), "not for the snapshot");
        Files.createSymbolicLink(Path.of(root.sys(), "class/block/escape"), outside);

        String json = new SnapshotWriter(root).toJson();

        assertThat(new ObjectMapper().readTree(json).path("entries").path("/sys/class/block/escape").path("t")
                .asText()).isEqualTo("l");
        assertThat(json).doesNotContain("not for the snapshot");
    }
}
