package io.brick.multipath;

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
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The simulated host's multipath answers have the recorded shape: for both recorded topologies, the production
 * parsers read the simulator's {@code multipath -ll}, {@code multipathd show maps} and {@code multipathd show paths}
 * into exactly what they read from the real multipathd's (the path checker's progress bar, which moves every
 * second, aside).
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
    void multipath_listings_parse_as_the_recorded_ones(String recording, int portals) {
        host = RecordedLab.attach(RecordedLab.host(dir, Latencies.realistic()), portals);
        Snapshot recorded = Snapshot.load(recording);

        var recordedTopology = MultipathTopologyParser.parse(recorded.command("multipath -ll").orElseThrow().stdout());
        var recordedMaps = MultipathdTableParser.parseTable(recorded.command("multipathd show maps").orElseThrow().stdout());
        var recordedPaths = withoutNextCheck(MultipathdTableParser.parseTable(
                recorded.command("multipathd show paths").orElseThrow().stdout()));

        assertThat(recordedTopology).singleElement().satisfies(map -> assertThat(map.paths()).hasSize(portals));
        assertThat(recordedPaths).hasSize(portals);
        assertThat(MultipathTopologyParser.parse(simulated("multipath", "-ll"))).isEqualTo(recordedTopology);
        assertThat(MultipathdTableParser.parseTable(simulated("multipathd", "show", "maps"))).isEqualTo(recordedMaps);
        assertThat(withoutNextCheck(MultipathdTableParser.parseTable(simulated("multipathd", "show", "paths"))))
                .isEqualTo(recordedPaths);
    }

    private static List<java.util.Map<String, String>> withoutNextCheck(List<java.util.Map<String, String>> rows) {
        return rows.stream().map(row -> {
            java.util.Map<String, String> copy = new java.util.LinkedHashMap<>(row);
            assertThat(copy.remove("next_check")).as("next_check column").isNotNull();
            return (java.util.Map<String, String>) copy;
        }).toList();
    }
}
