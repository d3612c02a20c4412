package io.brick.reliability;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shrunk reproductions of what the 10,000-sequence campaign of {@code .ci/run} found (seeds 2,001-12,000, first
 * run in issue 15), each a test that failed before its fix.
 */
class CampaignRegressionTest {
    @TempDir
    Path dir;

    /**
     * Seed 4965: connecting a volume again while all its paths are down (the map queueing the writes made meanwhile)
     * fails, and the failed connect's cleanup removed, forced, the paths and the map that were there before it: the
     * queued writes lost. A failed connect now removes only the devices that appeared during it.
     */
    @Test
    void a_failed_connect_of_an_attached_volume_keeps_its_map_and_queued_writes() {
        SequenceResult result = new SequenceRunner(dir).run(new Scenario(4965L, Topology.FOUR_PORTALS, true, List.of(
                Step.connect(0),
                Step.fault(new Fault(Fault.Type.ALL_PATHS_DOWN, 0, 0L)),
                Step.write(0),
                Step.connect(0))));

        assertThat(result.violations()).isEmpty();
    }
}
