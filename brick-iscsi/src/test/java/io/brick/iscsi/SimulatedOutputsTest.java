package io.brick.iscsi;

import io.brick.testkit.host.Latencies;
import io.brick.testkit.host.RecordedLab;
import io.brick.testkit.host.SimulatedHost;
import io.brick.testkit.snapshot.Recordings;
import io.brick.testkit.snapshot.Snapshot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The simulated host's iscsiadm answers have the recorded shape: for both recorded topologies, the production
 * parsers read the simulator's {@code iscsiadm -m session} and {@code -m session -P 3} into exactly what they read
 * from the real kernel's.
 */
class SimulatedOutputsTest {
    @TempDir
    Path dir;

    private SimulatedHost host;

    @AfterEach
    void stop() {
        if (host != null) {
            host.close();
        }
    }

    private String simulated(String... argv) {
        return host.run(argv).stdout();
    }

    @ParameterizedTest
    @CsvSource({Recordings.A_SINGLE_PORTAL_ONE_LUN + ",1", Recordings.B_TWO_PORTALS_ONE_LUN + ",2"})
    void session_listings_parse_as_the_recorded_ones(String recording, int portals) {
        host = RecordedLab.attach(RecordedLab.host(dir, Latencies.realistic()), portals);
        Snapshot recorded = Snapshot.load(recording);

        var recordedList = IscsiSessionListParser.parse(recorded.command("iscsiadm -m session").orElseThrow().stdout());
        var recordedDetail = IscsiSessionDetailParser.parse(
                recorded.command("iscsiadm -m session -P 3").orElseThrow().stdout());

        assertThat(recordedList).hasSize(portals);
        assertThat(recordedDetail.get(0).sessions()).hasSize(portals)
                .allSatisfy(session -> assertThat(session.devices()).hasSize(1));
        assertThat(IscsiSessionListParser.parse(simulated("iscsiadm", "-m", "session"))).isEqualTo(recordedList);
        assertThat(IscsiSessionDetailParser.parse(simulated("iscsiadm", "-m", "session", "-P", "3")))
                .isEqualTo(recordedDetail);
    }
}
