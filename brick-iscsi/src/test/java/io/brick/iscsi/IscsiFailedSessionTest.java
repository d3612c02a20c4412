package io.brick.iscsi;

import io.brick.core.connector.ConnectorConfig;
import io.brick.core.connector.DisconnectOptions;
import io.brick.core.error.BrickException;
import io.brick.core.error.LoginFailedException;
import io.brick.core.model.AttachedVolume;
import io.brick.core.model.Wwid;
import io.brick.core.port.CommandResult;
import io.brick.core.port.CommandRunner;
import io.brick.testkit.host.CommandLogEntry;
import io.brick.testkit.host.Latencies;
import io.brick.testkit.host.RecordedLab;
import io.brick.testkit.host.SimulatedHost;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static io.brick.iscsi.SimulatedIscsi.onePortal;
import static io.brick.iscsi.SimulatedIscsi.twoPortals;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Issue 18, item 7: a session in a failed state (its target rebooting: {@code FAILED}, its devices blocked) is waited
 * for within the device wait, never logged in over (iscsiadm answers "session exists") and never logged out (other
 * volumes use it); no device of a session that cannot carry I/O is returned.
 */
class IscsiFailedSessionTest {
    private static final String P1 = RecordedLab.PORTALS.get(0);
    private static final String P2 = RecordedLab.PORTALS.get(1);

    @TempDir
    Path dir;

    @AutoClose
    private SimulatedIscsi lab;

    @Test
    void a_connect_over_a_failed_session_waits_for_it_to_recover_and_returns_a_running_device() throws IOException {
        lab = SimulatedIscsi.start(RecordedLab.host(dir, Latencies.realistic()),
                ConnectorConfig.defaults().withUseMultipath(false));
        lab.connector.connect(onePortal(0));
        lab.host.faults().pathDown(P1).pathUpAfter(P1, Duration.ofSeconds(5));
        int before = lab.host.oracle().commandLog().size();
        Duration started = lab.host.clock().elapsed();

        AttachedVolume attached = lab.connector.connect(onePortal(1));

        assertThat(lab.host.clock().elapsed().minus(started)).isGreaterThanOrEqualTo(Duration.ofSeconds(5));
        assertThat(attached.scsiWwn()).contains(Wwid.of(RecordedLab.LUN1_WWID));
        assertThat(state(attached.path().name())).isEqualTo("running");
        assertThat(commands(before)).noneMatch(line -> line.contains("--login") || line.contains("--logout"));
    }

    @Test
    void a_connect_again_of_a_volume_whose_session_failed_returns_its_device_only_once_the_session_is_back() throws IOException {
        // the volume's device is there already, on the failed session: reusing that session as if logged in would
        // hand back a device that cannot carry I/O
        lab = SimulatedIscsi.start(RecordedLab.host(dir, Latencies.realistic()),
                ConnectorConfig.defaults().withUseMultipath(false));
        AttachedVolume first = lab.connector.connect(onePortal(1));
        lab.host.faults().pathDown(P1).pathUpAfter(P1, Duration.ofSeconds(5));
        assertThat(state(first.path().name())).isNotEqualTo("running");
        int before = lab.host.oracle().commandLog().size();

        AttachedVolume again = lab.connector.connect(onePortal(1));

        assertThat(again.path()).isEqualTo(first.path());
        assertThat(state(again.path().name())).as("returned while its session carries I/O").isEqualTo("running");
        assertThat(commands(before)).noneMatch(line -> line.contains("--login") || line.contains("--logout"));
    }

    @Test
    void a_session_that_fails_right_after_its_login_is_waited_for_past_the_wait_for_a_new_session_to_show() throws IOException {
        // the path drops as the login ends: the session is there but FAILED, and it recovers after 15 s, longer
        // than brick waits for a new session to show in sysfs (10 s); it is waited for as a failed session, within
        // the device wait, and never logged in again
        lab = SimulatedIscsi.start(RecordedLab.host(dir, Latencies.realistic()),
                ConnectorConfig.defaults().withUseMultipath(false));
        lab.host.faults().pathDownAfterLogin(P1).pathUpAfter(P1, Duration.ofSeconds(15));

        AttachedVolume attached = lab.connector.connect(onePortal(1));

        assertThat(attached.scsiWwn()).contains(Wwid.of(RecordedLab.LUN1_WWID));
        assertThat(state(attached.path().name())).isEqualTo("running");
        assertThat(commands(0)).filteredOn(line -> line.contains("--login")).hasSize(1);
    }

    @Test
    void a_failed_session_that_goes_away_while_waited_for_is_replaced_by_a_fresh_login() throws Exception {
        lab = SimulatedIscsi.start(RecordedLab.host(dir, Latencies.realistic()),
                ConnectorConfig.defaults().withUseMultipath(false));
        lab.connector.connect(onePortal(0));
        lab.host.faults().pathDown(P1);
        int before = lab.host.oracle().commandLog().size();
        // an operator logs the failed session out 3 s into the connect, and the portal is back
        Thread operator = new Thread(() -> {
            lab.host.clock().sleep(Duration.ofSeconds(3));
            lab.host.run("iscsiadm", "-m", "node", "-T", SimulatedIscsi.IQN, "-p", P1, "--logout");
            lab.host.faults().pathUp(P1);
        });
        operator.start();

        AttachedVolume attached = lab.connector.connect(onePortal(1));
        operator.join();

        assertThat(attached.scsiWwn()).contains(Wwid.of(RecordedLab.LUN1_WWID));
        assertThat(state(attached.path().name())).isEqualTo("running");
        assertThat(commands(before)).filteredOn(line -> line.contains("--login")).as("the fresh login").hasSize(1);
    }

    @Test
    void a_session_that_is_gone_right_after_its_login_is_looked_for_a_bounded_time_and_the_connect_fails() {
        // the login succeeds, then the session ends at once (an operator's logout, iscsid giving up): brick looks
        // for it in sysfs within its own bound, never for ever, and reports what it waited for
        SimulatedHost host = RecordedLab.host(dir, Latencies.realistic());
        CommandRunner endsTheSession = command -> {
            CommandResult result = host.commandRunner().run(command);
            if (result.exitCode() == 0 && command.argv().contains("--login")) {
                host.run("iscsiadm", "-m", "node", "-T", SimulatedIscsi.IQN, "-p", P1, "--logout");
            }
            return result;
        };
        lab = SimulatedIscsi.start(host, ConnectorConfig.defaults().withUseMultipath(false), endsTheSession);

        BrickException failure = catchThrowableOfType(BrickException.class, () -> lab.connector.connect(onePortal(1)));

        assertThat(failure).isNotNull();
        assertThat(failure.getMessage()).contains("the session to " + P1).contains("after a successful login");
        assertThat(lab.host.oracle().leftovers().isEmpty()).as("%s", lab.host.oracle().leftovers()).isTrue();
    }

    @Test
    void a_failed_session_that_does_not_recover_fails_the_connect_with_its_state_and_keeps_the_other_volume() {
        lab = SimulatedIscsi.start(RecordedLab.host(dir, Latencies.realistic()),
                ConnectorConfig.defaults().withUseMultipath(false).withDeviceWait(Duration.ofSeconds(20)));
        AttachedVolume other = lab.connector.connect(onePortal(0));
        lab.host.faults().pathDown(P1);
        int before = lab.host.oracle().commandLog().size();
        Duration started = lab.host.clock().elapsed();

        assertThatThrownBy(() -> lab.connector.connect(onePortal(1)))
                .isInstanceOfSatisfying(LoginFailedException.class, e -> {
                    assertThat(e.getMessage()).contains("is FAILED").contains("did not recover within 20 s");
                    assertThat(e.evidence()).containsEntry("state", "FAILED").containsEntry("session", "1");
                });

        assertThat(lab.host.clock().elapsed().minus(started)).isLessThan(Duration.ofSeconds(30));
        assertThat(commands(before)).noneMatch(line -> line.contains("--login") || line.contains("--logout"));
        assertThat(lab.host.oracle().leftovers(Wwid.of(RecordedLab.LUN1_WWID)).devices()).isEmpty();
        assertThat(lab.host.oracle().leftovers(Wwid.of(RecordedLab.LUN0_WWID)).devices()).hasSize(1);

        lab.host.faults().pathUp(P1);
        lab.connector.disconnect(onePortal(0), Optional.of(other), DisconnectOptions.SAFE);
        assertThat(lab.host.oracle().leftovers().isEmpty()).as(lab.host.oracle().leftovers().toString()).isTrue();
    }

    @Test
    void a_multipath_connect_returns_the_map_on_the_live_portal_without_waiting_for_the_failed_session() {
        lab = SimulatedIscsi.start(dir, Latencies.realistic());
        lab.connector.connect(twoPortals(0));
        lab.host.faults().pathDown(P2);
        int before = lab.host.oracle().commandLog().size();
        Duration started = lab.host.clock().elapsed();

        AttachedVolume attached = lab.connector.connect(twoPortals(1));

        // the map comes on P1 within the map wait's first look, not after the 10 s map wait a login over the
        // failed session would have cost (login "session exists", then no logged-in session appears)
        assertThat(lab.host.clock().elapsed().minus(started)).isLessThan(ConnectorConfig.defaults().mapWait());
        assertThat(attached.multipathId()).contains(Wwid.of(RecordedLab.LUN1_WWID));
        assertThat(commands(before)).noneMatch(line -> line.contains(P2) && line.contains("--login"));
    }

    private String state(String name) throws IOException {
        return Files.readString(lab.host.root().resolve("sys/block/" + name + "/device/state")).strip();
    }

    private List<String> commands(int since) {
        List<CommandLogEntry> log = lab.host.oracle().commandLog();
        return log.subList(since, log.size()).stream().map(CommandLogEntry::display).toList();
    }
}
