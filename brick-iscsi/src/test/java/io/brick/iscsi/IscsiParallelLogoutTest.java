package io.brick.iscsi;

import io.brick.core.connector.DisconnectOptions;
import io.brick.core.model.AttachedVolume;
import io.brick.testkit.host.CommandLogEntry;
import io.brick.testkit.host.Latencies;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static io.brick.iscsi.SimulatedIscsi.twoPortals;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A two-portal disconnect logs out of both portals at once (issue 19: one logout after the other was most of the gap
 * between brick's disconnect and the kernel's floor), and still deletes each node record only after its logout.
 * Simulated time: each logout takes the realistic latency, so two run at once when their intervals overlap.
 */
class IscsiParallelLogoutTest {
    @TempDir
    Path dir;

    private SimulatedIscsi lab;

    @AfterEach
    void stop() {
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    void the_logouts_of_a_two_portal_volume_run_at_once_and_each_node_is_deleted_after_its_own_logout() {
        lab = SimulatedIscsi.start(dir, Latencies.realistic());
        AttachedVolume attached = lab.connector.connect(twoPortals(1));

        int before = lab.commandCount();
        lab.connector.disconnect(twoPortals(1), Optional.of(attached), DisconnectOptions.SAFE);
        List<CommandLogEntry> commands = lab.commandsSince(before);

        List<CommandLogEntry> logouts = commands.stream().filter(entry -> entry.argv().contains("--logout")).toList();
        assertThat(logouts).as("%s", commands).hasSize(2);
        CommandLogEntry first = logouts.get(0);
        CommandLogEntry second = logouts.get(1);
        assertThat(second.start()).as("the second logout starts before the first ends: %s", logouts)
                .isLessThan(first.start().plus(first.duration()));
        for (CommandLogEntry logout : logouts) {
            String portal = logout.argv().get(logout.argv().indexOf("-p") + 1);
            CommandLogEntry delete = commands.stream().filter(entry -> entry.argv().contains("delete")
                    && entry.argv().contains(portal)).findFirst().orElseThrow();
            assertThat(delete.start()).as("node record of %s deleted after its logout", portal)
                    .isGreaterThanOrEqualTo(logout.start().plus(logout.duration()));
        }
        assertThat(lab.host.oracle().leftovers().isEmpty()).as("%s", lab.host.oracle().leftovers()).isTrue();
    }
}
