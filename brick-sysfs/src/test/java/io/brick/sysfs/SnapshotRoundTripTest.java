package io.brick.sysfs;

import io.brick.core.bootstrap.Brick;
import io.brick.core.host.HostRoot;
import io.brick.core.lock.ProcessLocks;
import io.brick.core.model.Topology;
import io.brick.core.model.Wwid;
import io.brick.core.port.TopologyProvider;
import io.brick.testkit.host.Latencies;
import io.brick.testkit.host.RecordedLab;
import io.brick.testkit.host.SimulatedHost;
import io.brick.testkit.snapshot.Recordings;
import io.brick.testkit.snapshot.Snapshot;
import io.brick.testkit.snapshot.SnapshotWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A host recorded by the testkit's {@link SnapshotWriter} (what {@code brick snapshot} writes), loaded again by
 * {@link Snapshot}, reads as the same topology through the sysfs reader as the host it was recorded from. The format
 * itself is tested in brick-testkit's {@code SnapshotWriterTest}.
 */
class SnapshotRoundTripTest {
    @TempDir
    Path dir;

    static List<String> recordings() {
        List<String> all = new ArrayList<>(Recordings.all());
        all.addAll(Recordings.lab());
        return all;
    }

    private static TopologyProvider provider(HostRoot root) {
        return Brick.builder().plugins(new SysfsPlugin()).hostRoot(root)
                .commandRunner(command -> {
                    throw new AssertionError("the reader ran " + command);
                })
                .processLocks(ProcessLocks.none()).build().port(TopologyProvider.class);
    }

    private static Topology topology(HostRoot root) {
        return provider(root).topology();
    }

    private Snapshot roundTrip(HostRoot root) throws IOException {
        Path folder = Files.createDirectories(dir.resolve("snapshot"));
        Files.writeString(folder.resolve("sysfs.json"), new SnapshotWriter(root).toJson(), StandardCharsets.UTF_8);
        return Snapshot.fromDirectory(folder);
    }

    @ParameterizedTest
    @MethodSource("recordings")
    void aSnapshotOfARecordingReadsAsTheSameTopology(String recording) throws IOException {
        HostRoot original = Snapshot.load(recording).materialise(dir.resolve("original"));

        HostRoot copy = roundTrip(original).materialise(dir.resolve("copy"));

        Topology expected = topology(original);
        assertThat(expected.devices().isEmpty()).as("a host after a disconnect has no device")
                .isEqualTo(recording.endsWith("after-disconnect"));
        assertThat(topology(copy)).isEqualTo(expected);
    }

    @Test
    void aSnapshotOfASimulatedHostReadsAsTheSameTopology() throws IOException {
        try (SimulatedHost host = RecordedLab.attach(RecordedLab.host(dir.resolve("simulated"), Latencies.zero()), 2)) {
            Topology expected = topology(host.hostRoot());
            assertThat(expected.devices()).hasSize(2);

            HostRoot copy = roundTrip(host.hostRoot()).materialise(dir.resolve("copy"));

            assertThat(topology(copy)).isEqualTo(expected);
        }
    }

    @Test
    void aReloadedSnapshotKeepsTheDevDiskLinksSoLookupsThroughThemStillWork() throws IOException {
        HostRoot original = Snapshot.load(Recordings.B_TWO_PORTALS_ONE_LUN).materialise(dir.resolve("original"));
        Path folder = Files.createDirectories(dir.resolve("snapshot-only"));
        Files.writeString(folder.resolve("sysfs.json"), new SnapshotWriter(original).toJson(), StandardCharsets.UTF_8);

        HostRoot copy = Snapshot.fromDirectory(folder).materialise(dir.resolve("copy"));

        TopologyProvider before = provider(original);
        TopologyProvider after = provider(copy);
        Wwid wwid = Wwid.of("360014053b8c2d6119a414f0b8e275d1c");
        assertThat(after.multipathMapByWwid(wwid)).isEqualTo(before.multipathMapByWwid(wwid)).isPresent();
        for (String device : List.of("sda", "sdb", "dm-0")) {
            assertThat(after.diskByIdLinks(device)).as("by-id links of %s", device)
                    .isEqualTo(before.diskByIdLinks(device));
        }
        assertThat(after.diskByIdLinks("sda")).isNotEmpty();
        assertThat(after.diskByIdLinks("dm-0")).isNotEmpty();
    }
}
