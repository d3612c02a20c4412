package io.brick.iscsi;

import io.brick.core.host.HostRoot;
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
 * A snapshot written by the testkit's writer and read back gives the same sessions (and topology) as the host it was
 * taken of (the session half of brick-sysfs's {@code SnapshotRoundTripTest}, moved with the session reader).
 */
class SnapshotSessionsRoundTripTest {
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
    void aSnapshotOfARecordingReadsAsTheSameSessions(String recording) throws IOException {
        HostRoot original = Snapshot.load(recording).materialise(dir.resolve("original"));

        HostRoot copy = roundTrip(original).materialise(dir.resolve("copy"));

        SysfsHost.View expected = SysfsHost.over(original).topology();
        assertThat(expected.iscsiSessions().isEmpty()).as("a host after a disconnect has no session")
                .isEqualTo(recording.endsWith("after-disconnect"));
        assertThat(SysfsHost.over(copy).topology()).isEqualTo(expected);
    }

    @Test
    void aSnapshotOfASimulatedHostReadsAsTheSameSessions() throws IOException {
        try (SimulatedHost host = RecordedLab.attach(RecordedLab.host(dir.resolve("simulated"), Latencies.zero()), 2)) {
            SysfsHost.View expected = SysfsHost.over(host.hostRoot()).topology();
            assertThat(expected.iscsiSessions()).hasSize(2);

            HostRoot copy = roundTrip(host.hostRoot()).materialise(dir.resolve("copy"));

            assertThat(SysfsHost.over(copy).topology()).isEqualTo(expected);
        }
    }
}
