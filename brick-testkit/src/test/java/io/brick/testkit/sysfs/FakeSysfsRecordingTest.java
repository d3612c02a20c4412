package io.brick.testkit.sysfs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The fake tree against the real kernel: builds the topology of the recording {@code b-two-portals-one-lun} (two
 * iscsi_tcp sessions to one target, LUN 1 seen as sda and sdb, one multipath map dm-0), and of
 * {@code a-single-portal-one-lun}, and compares it with {@code sysfs.json} and with what
 * {@code ls -l /dev/disk/by-id|by-path|/dev/mapper} said at the same moment.
 */
class FakeSysfsRecordingTest {
    private static final String IQN = "iqn.2003-01.org.linux-iscsi.labvm:target1";
    private static final String WWID = "360014053b8c2d6119a414f0b8e275d1c";

    /** Recorded subtrees of other devices (the ATA hosts, the virtio root disk), not part of the topology. */
    private static final List<String> OTHER_DEVICES = List.of("/sys/devices/pci0000:00", "host0", "host1", "vda");
    /** Subtrees the builder does not reproduce (nothing brick reads there), nor their files' existence. */
    private static final List<String> NOT_REPRODUCED = List.of("/power", "/mq", "/integrity", "/trace", "/queue");
    /** Files whose content changes from one boot or one I/O to the next. */
    private static final Set<String> VOLATILE = Set.of("diskseq", "stat", "uevent", "iodone_cnt", "ioerr_cnt",
            "iorequest_cnt", "exp_statsn", "local_port", "creator", "handle", "inflight");

    @TempDir
    Path dir;

    private JsonNode entries;

    /**
     * Builds the recording's topology: {@code b-two-portals-one-lun} as the class describes it, or
     * {@code a-single-portal-one-lun} (one session, sda, a single-path dm-0).
     */
    private void build(String recording) throws IOException {
        Path fixtures = Fixtures.directory().orElse(null);
        assumeTrue(fixtures != null && Files.isDirectory(fixtures.resolve(recording)), Fixtures::notFound);
        entries = new ObjectMapper().readTree(fixtures.resolve(recording).resolve("sysfs.json").toFile()).get("entries");

        String initiator = "iqn.1993-08.org.debian:01:labinitiator";
        FakeSysfs sysfs = FakeSysfs.create(dir)
                .initiatorName(initiator)
                .iscsiSession(2, 1, s -> s.target(IQN).portal("127.0.0.1", 3260).tpgt(1).recoveryTmo(5)
                        .initiatorName(initiator))
                .scsiDevice("2:0:0:1", "sda", d -> d.wwid(WWID).sizeBytes(128L << 20).vendor("LIO-ORG").model("lun1"));
        if (recording.startsWith("b-")) {
            sysfs.iscsiSession(3, 2, s -> s.target(IQN).portal("127.0.0.2", 3260).tpgt(1).recoveryTmo(5)
                            .localAddress("127.0.0.1").initiatorName(initiator))
                    .scsiDevice("3:0:0:1", "sdb", d -> d.wwid(WWID).sizeBytes(128L << 20).vendor("LIO-ORG").model("lun1"))
                    .multipathMap("dm-0", m -> m.wwid(WWID).slaves("sda", "sdb"));
        } else {
            sysfs.multipathMap("dm-0", m -> m.wwid(WWID).slaves("sda"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"b-two-portals-one-lun", "a-single-portal-one-lun"})
    void everyRecordedLinkExistsWithTheSameTarget(String recording) throws IOException {
        build(recording);
        List<String> checked = new ArrayList<>();
        for (Map.Entry<String, JsonNode> entry : relevantEntries("l")) {
            Path built = built(entry.getKey());
            assertThat(Files.isSymbolicLink(built)).as("%s is a link", entry.getKey()).isTrue();
            assertThat(Files.readSymbolicLink(built).toString()).as("target of %s", entry.getKey())
                    .isEqualTo(entry.getValue().get("target").asText());
            checked.add(entry.getKey());
        }
        assertThat(checked).as("links compared").hasSizeGreaterThan(40)
                .contains("/sys/block/sda", "/sys/class/iscsi_session/session1", "/sys/class/scsi_host/host2",
                        "/sys/bus/scsi/devices/2:0:0:1", "/sys/devices/virtual/block/dm-0/slaves/sda",
                        "/sys/devices/platform/host2/session1/target2:0:0/2:0:0:1/block/sda/holders/dm-0");
    }

    @ParameterizedTest
    @ValueSource(strings = {"b-two-portals-one-lun", "a-single-portal-one-lun"})
    void everyRecordedDirectoryExists(String recording) throws IOException {
        build(recording);
        List<Map.Entry<String, JsonNode>> directories = relevantEntries("d");
        for (Map.Entry<String, JsonNode> entry : directories) {
            assertThat(Files.isDirectory(built(entry.getKey()), LinkOption.NOFOLLOW_LINKS))
                    .as("%s is a directory", entry.getKey()).isTrue();
        }
        assertThat(directories).hasSizeGreaterThan(40);
    }

    @ParameterizedTest
    @ValueSource(strings = {"b-two-portals-one-lun", "a-single-portal-one-lun"})
    void everyRecordedFileExistsWithTheSameContent(String recording) throws IOException {
        build(recording);
        List<String> compared = new ArrayList<>();
        for (Map.Entry<String, JsonNode> entry : relevantEntries("f")) {
            String path = entry.getKey();
            Path built = built(path);
            assertThat(Files.isRegularFile(built, LinkOption.NOFOLLOW_LINKS)).as("%s is a file", path).isTrue();
            JsonNode recorded = entry.getValue();
            String name = path.substring(path.lastIndexOf('/') + 1);
            if (VOLATILE.contains(name)) {
                continue;
            }
            if (recorded.has("b64")) {
                assertThat(Files.readAllBytes(built)).as("bytes of %s", path)
                        .isEqualTo(Base64.getDecoder().decode(recorded.get("b64").asText()));
                compared.add(path);
            } else if (recorded.has("text")) {
                assertThat(Files.readString(built, StandardCharsets.UTF_8)).as("text of %s", path)
                        .isEqualTo(recorded.get("text").asText());
                compared.add(path);
            }
        }
        String sda = "/sys/devices/platform/host2/session1/target2:0:0/2:0:0:1/";
        assertThat(compared).as("files compared").hasSizeGreaterThan(100).contains(
                "/sys/devices/platform/host2/iscsi_host/host2/ipaddress",
                "/sys/devices/platform/host2/scsi_host/host2/proc_name",
                "/sys/devices/platform/host2/session1/iscsi_session/session1/targetname",
                "/sys/devices/platform/host2/session1/iscsi_session/session1/tpgt",
                "/sys/devices/platform/host2/session1/iscsi_session/session1/recovery_tmo",
                "/sys/devices/platform/host2/session1/connection1:0/iscsi_connection/connection1:0/persistent_address",
                sda + "wwid", sda + "vendor", sda + "model", sda + "rev", sda + "state", sda + "vpd_pg83",
                sda + "vpd_pg80", sda + "inquiry", sda + "block/sda/size", sda + "block/sda/dev",
                "/sys/devices/virtual/block/dm-0/dm/name", "/sys/devices/virtual/block/dm-0/dm/uuid",
                "/sys/devices/virtual/block/dm-0/size", "/sys/devices/virtual/block/dm-0/dev");
    }

    @ParameterizedTest
    @ValueSource(strings = {"b-two-portals-one-lun", "a-single-portal-one-lun"})
    void queueFilesThatAreBuiltHoldWhatTheKernelShowed(String recording) throws IOException {
        build(recording);
        List<String> compared = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = entries.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            Path built = built(entry.getKey());
            if (entry.getKey().contains("/queue/") && entry.getValue().has("text") && isOurs(entry.getKey())
                    && Files.isRegularFile(built)) {
                assertThat(Files.readString(built)).as("text of %s", entry.getKey())
                        .isEqualTo(entry.getValue().get("text").asText());
                compared.add(entry.getKey());
            }
        }
        assertThat(compared).hasSizeGreaterThan(20);
    }

    @ParameterizedTest
    @ValueSource(strings = {"b-two-portals-one-lun", "a-single-portal-one-lun"})
    void devLinksAreThoseUdevAndMultipathMade(String recording) throws IOException {
        build(recording);
        Path fixtures = Fixtures.directory().orElseThrow();
        JsonNode commands = new ObjectMapper().readTree(fixtures.resolve(recording).resolve("commands.json").toFile());
        for (String listed : List.of("/dev/disk/by-id", "/dev/disk/by-path", "/dev/mapper")) {
            Map<String, String> recorded = new TreeMap<>();
            for (JsonNode command : commands) {
                if (command.get("cmd").asText().equals("ls -l " + listed)) {
                    recorded.putAll(links(command.get("stdout").asText()));
                }
            }
            recorded.keySet().removeIf(name -> name.contains("0000:00:04.0"));
            assertThat(recorded).as("recorded links in %s", listed).isNotEmpty();
            assertThat(builtLinks(listed)).as("links in %s", listed).isEqualTo(recorded);
        }
        List<String> nodes = recording.startsWith("b-") ? List.of("/dev/sda", "/dev/sdb", "/dev/dm-0")
                : List.of("/dev/sda", "/dev/dm-0");
        for (String node : nodes) {
            assertThat(Files.isRegularFile(built(node), LinkOption.NOFOLLOW_LINKS)).as(node).isTrue();
        }
    }

    private List<Map.Entry<String, JsonNode>> relevantEntries(String type) {
        List<Map.Entry<String, JsonNode>> result = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = entries.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            String path = entry.getKey();
            if (entry.getValue().get("t").asText().equals(type) && isOurs(path)
                    && NOT_REPRODUCED.stream().noneMatch(path::contains)) {
                result.add(entry);
            }
        }
        return result;
    }

    private static boolean isOurs(String path) {
        return OTHER_DEVICES.stream().noneMatch(path::contains);
    }

    private Path built(String absolute) {
        return dir.resolve(absolute.substring(1));
    }

    private Map<String, String> builtLinks(String listed) throws IOException {
        Map<String, String> result = new TreeMap<>();
        try (Stream<Path> files = Files.list(built(listed))) {
            for (Path each : files.filter(Files::isSymbolicLink).collect(Collectors.toList())) {
                result.put(each.getFileName().toString(), Files.readSymbolicLink(each).toString());
            }
        }
        return result;
    }

    /** {@code name -> target} of the link lines of {@code ls -l} output. */
    private static Map<String, String> links(String lsOutput) {
        Map<String, String> result = new TreeMap<>();
        for (String line : lsOutput.split("\n")) {
            int arrow = line.indexOf(" -> ");
            if (line.startsWith("l") && arrow > 0) {
                String before = line.substring(0, arrow);
                String[] words = before.split(" +", 9);
                result.put(words[8], line.substring(arrow + 4));
            }
        }
        return result;
    }
}
