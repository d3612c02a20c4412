package io.brick.benchmarks;

import io.brick.core.connector.DisconnectPlan;
import io.brick.core.model.AttachedVolume;
import io.brick.testkit.host.Latencies;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class DisconnectCostTest {
    @TempDir
    Path dir;

    @Test
    void whole_disconnects_run_on_the_tree_remove_each_volume_and_keep_its_sessions_then_the_tree_goes()
            throws IOException {
        Path root = dir.resolve("tree");

        DisconnectCost.Result result = DisconnectCost.run(HostShape.parse("2x2x8"), root, 2, 3, 17);

        assertThat(result.timed()).hasSize(3).allSatisfy(cost -> {
            assertThat(cost.wallNanos()).isPositive();
            assertThat(cost.commands()).as("the map flushed, no session logged out (other LUNs)")
                    .anyMatch(command -> command.startsWith("multipath -f"))
                    .noneMatch(command -> command.contains("logout"));
        });
        assertThat(result.timed()).extracting(DisconnectCost.Cost::volume).doesNotHaveDuplicates()
                .doesNotContain(result.cold().volume());
        assertThat(Files.exists(root)).as("the tree is removed").isFalse();
    }

    @Test
    void a_plan_names_three_of_the_devices_that_keep_a_session_and_says_there_are_more() throws IOException {
        try (SimulatedLab lab = SimulatedLab.start(dir, Latencies.zero(), 1, 2, 5, builder -> { })) {
            List<AttachedVolume> attached = new ArrayList<>();
            for (int lun = 0; lun < 5; lun++) {
                attached.add(lab.connector().connect(lab.volume(0, lun)));
            }

            DisconnectPlan plan = lab.connector().planDisconnect(lab.volume(0, 4), Optional.of(attached.get(4)));

            assertThat(plan.transport()).hasSize(2).allSatisfy(step -> assertThat(step).startsWith("keep session")
                    .containsPattern("it carries sd[a-z]+ \\(\\d+:0:0:0\\), sd[a-z]+ \\(\\d+:0:0:1\\), "
                            + "sd[a-z]+ \\(\\d+:0:0:2\\) and more$"));
            lab.connector().disconnect(lab.volume(0, 4), Optional.of(attached.get(4)),
                    io.brick.core.connector.DisconnectOptions.SAFE);
            lab.connector().disconnect(lab.volume(0, 3), Optional.of(attached.get(3)),
                    io.brick.core.connector.DisconnectOptions.SAFE);
            DisconnectPlan fewer = lab.connector().planDisconnect(lab.volume(0, 2), Optional.of(attached.get(2)));
            assertThat(fewer.transport()).hasSize(2).allSatisfy(step -> assertThat(step)
                    .containsPattern("it carries sd[a-z]+ \\(\\d+:0:0:0\\), sd[a-z]+ \\(\\d+:0:0:1\\)$"));
        }
    }
}
