package io.brick.iscsi;

import io.brick.core.connector.DisconnectOptions;
import io.brick.core.error.BrickException;
import io.brick.core.error.DisconnectFailedException;
import io.brick.core.model.AttachedVolume;
import io.brick.testkit.host.CommandLogEntry;
import io.brick.testkit.host.Latencies;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static io.brick.iscsi.SimulatedIscsi.twoPortals;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * A failed logout while the targets are logged out at once: the other target is still logged out and its node record
 * deleted, the failed one's record is kept (its session is still there), and the failure is raised, with force or
 * without.
 */
class IscsiCleanupFailuresTest {
    @TempDir
    Path dir;

    @AutoClose
    private SimulatedIscsi lab;

    @Test
    void without_force_a_failed_logout_still_lets_the_other_target_end_and_is_raised() {
        List<CommandLogEntry> commands = disconnectWithOneLogoutFailing(DisconnectOptions.SAFE, BrickException.class);

        assertOnlyTheLoggedOutTargetsRecordIsDeleted(commands);
    }

    @Test
    void with_force_a_failed_logout_is_collected_and_its_node_record_kept() {
        List<CommandLogEntry> commands = disconnectWithOneLogoutFailing(new DisconnectOptions(true, false),
                DisconnectFailedException.class);

        assertOnlyTheLoggedOutTargetsRecordIsDeleted(commands);
    }

    private List<CommandLogEntry> disconnectWithOneLogoutFailing(DisconnectOptions options,
                                                                 Class<? extends BrickException> raised) {
        lab = SimulatedIscsi.start(dir, Latencies.realistic());
        AttachedVolume attached = lab.connector.connect(twoPortals(1));
        int before = lab.commandCount();
        // the disconnect's first iscsiadm call fails: one of the two logouts, whichever runs first
        lab.host.faults().iscsiadmFails(8, 1);

        BrickException failure = catchThrowableOfType(raised,
                () -> lab.connector.disconnect(twoPortals(1), Optional.of(attached), options));

        assertThat(failure).as("the failed logout is raised").isNotNull();
        return lab.commandsSince(before).stream().filter(entry -> entry.argv().get(0).endsWith("iscsiadm")).toList();
    }

    private static void assertOnlyTheLoggedOutTargetsRecordIsDeleted(List<CommandLogEntry> commands) {
        List<CommandLogEntry> logouts = commands.stream().filter(entry -> entry.argv().contains("--logout")).toList();
        assertThat(logouts).as("both targets' logouts ran").hasSize(2);
        assertThat(logouts).filteredOn(entry -> entry.exitCode() != 0).hasSize(1);
        String failedPortal = portal(logouts.stream().filter(entry -> entry.exitCode() != 0).findFirst().orElseThrow());
        String endedPortal = portal(logouts.stream().filter(entry -> entry.exitCode() == 0).findFirst().orElseThrow());
        List<String> deleted = commands.stream().filter(entry -> entry.argv().contains("delete"))
                .map(IscsiCleanupFailuresTest::portal).toList();
        assertThat(deleted).as("the node record of the target logged out, not the other's").containsExactly(endedPortal)
                .doesNotContain(failedPortal);
    }

    private static String portal(CommandLogEntry entry) {
        return entry.argv().get(entry.argv().indexOf("-p") + 1);
    }
}
