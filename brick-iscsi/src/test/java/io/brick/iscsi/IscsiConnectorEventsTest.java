package io.brick.iscsi;

import io.brick.core.connector.DisconnectOptions;
import io.brick.core.event.BrickEvent;
import io.brick.core.event.EventType;
import io.brick.core.model.AttachedVolume;
import io.brick.core.connector.DisconnectPlan;
import io.brick.testkit.host.CommandLogEntry;
import io.brick.testkit.host.Latencies;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import static io.brick.iscsi.SimulatedIscsi.twoPortals;
import static org.assertj.core.api.Assertions.assertThat;

/** What a caller sees of an attach and a detach: an event per phase with durations, and a dry-run plan. */
class IscsiConnectorEventsTest {
    @TempDir
    Path dir;

    @AutoClose
    private SimulatedIscsi lab;

    @Test
    void every_phase_of_a_connect_and_a_disconnect_is_reported_with_its_duration() {
        lab = SimulatedIscsi.start(dir, Latencies.realistic());

        AttachedVolume attached = lab.connector.connect(twoPortals(1));
        lab.host.clock().sleep(Duration.ofSeconds(3));
        lab.connector.disconnect(twoPortals(1), Optional.of(attached), DisconnectOptions.SAFE);

        Set<EventType> types = lab.events.stream().map(BrickEvent::type).collect(Collectors.toSet());
        assertThat(types).contains(EventType.OPERATION_STARTED, EventType.LOGIN_STARTED, EventType.LOGIN_FINISHED,
                EventType.SCAN, EventType.DEVICE_FOUND, EventType.MULTIPATH_FORMED, EventType.OPERATION_FINISHED,
                EventType.FLUSH, EventType.REMOVAL, EventType.LOGOUT);
        List<BrickEvent> logins = ofType(EventType.LOGIN_FINISHED);
        assertThat(logins).extracting(BrickEvent::subject).containsExactlyInAnyOrder("127.0.0.1:3260", "127.0.0.2:3260");
        assertThat(logins).allSatisfy(login -> assertThat(login.duration()).hasValueSatisfying(
                took -> assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(200))));
        assertThat(ofType(EventType.FLUSH)).singleElement().satisfies(flush -> {
            assertThat(flush.subject()).isEqualTo("dm-0");
            assertThat(flush.duration()).isPresent();
        });
        assertThat(ofType(EventType.LOGOUT)).hasSize(2).allSatisfy(logout -> assertThat(logout.duration()).isPresent());
        assertThat(lab.events).allSatisfy(event -> assertThat(event.details().values())
                .noneMatch(value -> value.contains("password")));
    }

    @Test
    void a_discovery_is_reported_when_it_starts_and_when_it_ends_with_how_many_targets_it_found() {
        lab = SimulatedIscsi.start(dir, Latencies.realistic());

        lab.connector.connect(SimulatedIscsi.onePortal(1));

        Duration discover = lab.host.oracle().commandLog().stream()
                .filter(entry -> entry.argv().contains("--discover")).map(CommandLogEntry::duration)
                .reduce(Duration.ZERO, Duration::plus);
        assertThat(ofType(EventType.DISCOVERY)).satisfiesExactly(
                start -> {
                    assertThat(start.subject()).isEqualTo("127.0.0.1:3260");
                    assertThat(start.duration()).isEmpty();
                },
                end -> {
                    assertThat(end.subject()).isEqualTo("127.0.0.1:3260");
                    assertThat(end.details()).containsEntry("targets", "2");
                    assertThat(end.duration()).hasValueSatisfying(took -> assertThat(took)
                            .isGreaterThanOrEqualTo(discover));
                });
    }

    @Test
    void each_logout_is_reported_with_the_time_its_logout_took() {
        lab = SimulatedIscsi.start(dir, Latencies.realistic());
        AttachedVolume attached = lab.connector.connect(twoPortals(1));
        lab.host.clock().sleep(Duration.ofSeconds(3));
        Duration before = lab.host.clock().elapsed();

        lab.connector.disconnect(twoPortals(1), Optional.of(attached), DisconnectOptions.SAFE);

        // each event's duration: at least its --logout command's, at most the whole disconnect's
        Duration disconnect = lab.host.clock().elapsed().minus(before);
        List<CommandLogEntry> commands = lab.host.oracle().commandLog().stream()
                .filter(entry -> entry.argv().contains("--logout")).toList();
        assertThat(commands).hasSize(2);
        assertThat(ofType(EventType.LOGOUT)).hasSize(2).allSatisfy(logout -> {
            Duration command = commands.stream().filter(entry -> entry.argv().contains(logout.subject()))
                    .map(CommandLogEntry::duration).findFirst().orElseThrow();
            assertThat(logout.duration()).hasValueSatisfying(took -> assertThat(took)
                    .isGreaterThanOrEqualTo(command).isLessThanOrEqualTo(disconnect));
        });
    }

    @Test
    void the_targets_are_logged_out_at_once_and_their_node_records_deleted_one_after_another() {
        lab = SimulatedIscsi.start(dir, Latencies.realistic());
        AttachedVolume attached = lab.connector.connect(twoPortals(1));
        lab.host.clock().sleep(Duration.ofSeconds(3));

        lab.connector.disconnect(twoPortals(1), Optional.of(attached), DisconnectOptions.SAFE);

        // on the simulated clock: the second portal's --logout starts before the first one's has ended
        List<CommandLogEntry> logouts = lab.host.oracle().commandLog().stream()
                .filter(entry -> entry.argv().contains("--logout")).toList();
        assertThat(logouts).hasSize(2);
        CommandLogEntry first = logouts.get(0);
        CommandLogEntry second = logouts.get(1);
        assertThat(second.start()).isLessThan(first.start().plus(first.duration()));
        // the node records after the logouts, one after another: open-iscsi's node database takes one change at a
        // time (two deletions at once fail on a real host: "iface iter could not stat" the other portal's record)
        List<CommandLogEntry> deletions = lab.host.oracle().commandLog().stream()
                .filter(entry -> entry.argv().contains("delete")).toList();
        assertThat(deletions).hasSize(2);
        Duration logoutsEnded = first.start().plus(first.duration()).compareTo(second.start().plus(second.duration())) > 0
                ? first.start().plus(first.duration()) : second.start().plus(second.duration());
        assertThat(deletions.get(0).start()).isGreaterThanOrEqualTo(logoutsEnded);
        assertThat(deletions.get(1).start()).isGreaterThanOrEqualTo(
                deletions.get(0).start().plus(deletions.get(0).duration()));
        assertThat(lab.host.oracle().leftovers().isEmpty()).as("%s", lab.host.oracle().leftovers()).isTrue();
    }

    @Test
    void a_dry_run_says_what_would_be_flushed_removed_and_logged_out_and_does_nothing() {
        lab = SimulatedIscsi.start(dir, Latencies.realistic());
        AttachedVolume lun0 = lab.connector.connect(twoPortals(0));
        AttachedVolume lun1 = lab.connector.connect(twoPortals(1));
        lab.host.clock().sleep(Duration.ofSeconds(3));
        int before = lab.commandCount();

        DisconnectPlan plan = lab.connector.planDisconnect(twoPortals(1), Optional.of(lun1));

        assertThat(lab.commandCount()).as("a plan runs no command").isEqualTo(before);
        assertThat(lab.host.oracle().sysfsWrites()).noneMatch(write -> write.path().endsWith("delete"));
        assertThat(plan.flush()).singleElement().asString().contains(lun1.path().name());
        assertThat(plan.remove()).hasSize(2);
        assertThat(plan.transport()).hasSize(2).allSatisfy(step -> assertThat(step).startsWith("keep session")
                .containsPattern("sd[a-z]+ \\(\\d+:0:0:0\\)"));

        lab.connector.disconnect(twoPortals(0), Optional.of(lun0), DisconnectOptions.SAFE);
        DisconnectPlan last = lab.connector.planDisconnect(twoPortals(1), Optional.of(lun1));
        assertThat(last.transport()).hasSize(2).allSatisfy(step -> assertThat(step).startsWith("logout"));
    }

    private List<BrickEvent> ofType(EventType type) {
        return lab.events.stream().filter(event -> event.type() == type).toList();
    }
}
