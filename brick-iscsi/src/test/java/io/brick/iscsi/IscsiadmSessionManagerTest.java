package io.brick.iscsi;

import io.brick.core.error.CommandFailedException;
import io.brick.core.error.LoginFailedException;
import io.brick.core.error.OperationTimeoutException;
import io.brick.core.model.Secret;
import io.brick.iscsi.SessionManager.Chap;
import io.brick.iscsi.SessionManager.Node;
import io.brick.core.time.Deadline;
import io.brick.core.time.Retrier;
import io.brick.testkit.host.CommandLogEntry;
import io.brick.testkit.host.Faults;
import io.brick.testkit.host.Latencies;
import io.brick.testkit.host.RecordedLab;
import io.brick.testkit.host.SimulatedHost;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** {@link IscsiadmSessionManager} against the simulated host's iscsiadm (open-iscsi 2.1.8's argv, messages, codes). */
class IscsiadmSessionManagerTest {
    private static final String PASSWORD = "Pa55-w0rd-never-shown";
    private static final Iqn TARGET = Iqn.of(RecordedLab.TARGET);
    private static final Portal PORTAL1 = Portal.parse(RecordedLab.PORTALS.get(0));
    private static final Portal PORTAL2 = Portal.parse(RecordedLab.PORTALS.get(1));
    private static final Node NODE1 = new Node(TARGET, PORTAL1, "default");
    private static final Node NODE2 = new Node(TARGET, PORTAL2, "default");

    @TempDir
    Path dir;

    private SimulatedHost host;
    private IscsiadmSessionManager sessions;

    @BeforeEach
    void start() {
        host = RecordedLab.host(dir, Latencies.zero());
        sessions = new IscsiadmSessionManager(host.commandRunner(), IscsiConfig.defaults(),
                new Retrier(host.clock(), host.clock()));
    }

    @AfterEach
    void stop() {
        host.close();
    }

    private Deadline deadline() {
        return Deadline.after(Duration.ofMinutes(5), host.clock());
    }

    private static Chap chap(String password) {
        return new Chap("CHAP", "initiator-user", Secret.of(password), Optional.empty(), Optional.empty());
    }

    private List<String> commands() {
        return host.oracle().commandLog().stream().map(CommandLogEntry::display).toList();
    }

    private CommandLogEntry lastCommand() {
        List<CommandLogEntry> log = host.oracle().commandLog();
        return log.get(log.size() - 1);
    }

    private void prepare(Node node, Optional<Chap> credentials) {
        sessions.createNode(node, deadline());
        sessions.updateNode(node, Map.of("node.session.scan", "manual"), credentials, deadline());
    }

    private Path sessionDir(int sid) {
        return host.root().resolve("sys/class/iscsi_session/session" + sid);
    }

    @Test
    void create_update_login_logout_delete_round_trip() throws IOException {
        sessions.createNode(NODE1, deadline());
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("node.startup", "automatic");
        settings.put("node.session.scan", "manual");
        sessions.updateNode(NODE1, settings, Optional.empty(), deadline());
        assertThat(sessions.nodes(deadline())).containsExactly(NODE1);

        sessions.login(NODE1, deadline());
        assertThat(Files.readString(sessionDir(1).resolve("targetname")).strip()).isEqualTo(RecordedLab.TARGET);
        assertThat(host.oracle().leftovers().sessions()).hasSize(1);

        sessions.logout(NODE1, deadline());
        assertThat(host.oracle().leftovers().sessions()).isEmpty();
        assertThat(sessionDir(1)).doesNotExist();

        sessions.deleteNode(NODE1, deadline());
        assertThat(sessions.nodes(deadline())).isEmpty();
        assertThat(host.oracle().leftovers().nodeRecords()).isEmpty();

        String prefix = "iscsiadm -m node -T " + RecordedLab.TARGET + " -p 127.0.0.1:3260 --interface default";
        assertThat(commands()).containsExactly(
                prefix + " --op new",
                prefix + " --op update -n node.session.scan -v manual -n node.startup -v automatic",
                "iscsiadm -m node -P 1",
                prefix + " --login",
                prefix + " --logout",
                prefix + " --op delete",
                "iscsiadm -m node -P 1");
    }

    @Test
    void one_update_applies_every_setting_and_the_chap_credentials() {
        sessions.createNode(NODE1, deadline());
        sessions.updateNode(NODE1, Map.of("node.session.scan", "manual", "node.startup", "automatic"),
                Optional.of(chap(PASSWORD)), deadline());

        String record = host.commandRunner().run(io.brick.core.port.Command.builder("iscsiadm")
                .args("-m", "node", "-T", RecordedLab.TARGET, "-p", "127.0.0.1:3260", "-S").build()).stdout();
        assertThat(record).contains("node.session.scan = manual", "node.startup = automatic",
                "node.session.auth.authmethod = CHAP", "node.session.auth.username = initiator-user",
                "node.session.auth.password = " + PASSWORD);
        assertThat(host.oracle().commandLog()).hasSize(3);
    }

    @Test
    void login_with_the_right_chap_credentials_succeeds_and_the_password_is_masked_in_the_command_log() {
        host.storage().target(RecordedLab.TARGET).chap("initiator-user", PASSWORD);
        prepare(NODE1, Optional.of(chap(PASSWORD)));

        sessions.login(NODE1, deadline());

        assertThat(host.oracle().leftovers().sessions()).hasSize(1);
        assertThat(commands()).noneMatch(line -> line.contains(PASSWORD))
                .anyMatch(line -> line.contains("-n node.session.auth.password -v ***"));
    }

    @Test
    void login_with_mutual_chap_sets_the_incoming_pair() {
        host.storage().target(RecordedLab.TARGET).mutualChap("initiator-user", PASSWORD, "target-user", "In-" + PASSWORD);
        Chap mutual = new Chap("CHAP", "initiator-user", Secret.of(PASSWORD), Optional.of("target-user"),
                Optional.of(Secret.of("In-" + PASSWORD)));
        prepare(NODE1, Optional.of(mutual));

        sessions.login(NODE1, deadline());

        assertThat(host.oracle().leftovers().sessions()).hasSize(1);
        assertThat(commands()).noneMatch(line -> line.contains(PASSWORD))
                .anyMatch(line -> line.contains("-n node.session.auth.username_in -v target-user"
                        + " -n node.session.auth.password_in -v ***"));
    }

    @Test
    void login_with_a_wrong_chap_password_fails_for_auth_without_showing_any_secret() {
        host.storage().target(RecordedLab.TARGET).chap("initiator-user", "the-right-one");
        prepare(NODE1, Optional.of(chap(PASSWORD)));

        LoginFailedException failure = catchThrowableOfType(() -> sessions.login(NODE1, deadline()),
                LoginFailedException.class);

        assertThat(failure.reason()).isEqualTo("auth");
        assertThat(failure.retriable()).isFalse();
        assertThat(failure.evidence()).containsEntry("exitCode", "24").containsEntry("portal", "127.0.0.1:3260")
                .containsEntry("target", RecordedLab.TARGET);
        assertThat(failure.evidence().get("message")).contains("authorization failure");
        assertThat(failure.getMessage()).contains("127.0.0.1:3260", "24").doesNotContain(PASSWORD, "the-right-one");
        assertThat(failure.evidence().values()).noneMatch(value -> value.contains(PASSWORD));
        assertThat(failure.getCause()).isInstanceOf(CommandFailedException.class);
        assertThat(commands()).noneMatch(line -> line.contains(PASSWORD));
        assertThat(host.oracle().leftovers().sessions()).isEmpty();
    }

    @Test
    void login_refused_for_auth_by_the_target_is_an_auth_failure() {
        prepare(NODE1, Optional.empty());
        host.faults().loginRefused("127.0.0.1:3260", Faults.Reason.AUTH);

        LoginFailedException failure = catchThrowableOfType(() -> sessions.login(NODE1, deadline()),
                LoginFailedException.class);

        assertThat(failure.reason()).isEqualTo("auth");
        assertThat(failure.evidence()).containsEntry("exitCode", "24");
    }

    @Test
    void login_to_a_gone_target_fails_as_target_not_found_and_is_not_retriable() {
        prepare(NODE1, Optional.empty());
        host.faults().loginRefused("127.0.0.1:3260", Faults.Reason.TARGET_GONE);

        LoginFailedException failure = catchThrowableOfType(() -> sessions.login(NODE1, deadline()),
                LoginFailedException.class);

        assertThat(failure.reason()).isEqualTo("target-not-found");
        assertThat(failure.retriable()).isFalse();
        assertThat(failure.evidence()).containsEntry("exitCode", "19");
        assertThat(failure.evidence().get("message")).contains("non-retryable iSCSI login failure");
    }

    @Test
    void a_hanging_login_ends_at_the_login_timeout_as_reason_timeout() {
        prepare(NODE1, Optional.empty());
        host.faults().loginHangs("127.0.0.1:3260");

        LoginFailedException failure = catchThrowableOfType(() -> sessions.login(NODE1, deadline()),
                LoginFailedException.class);

        assertThat(failure.reason()).isEqualTo("timeout");
        assertThat(failure.retriable()).isTrue();
        assertThat(failure.evidence()).containsEntry("timeoutMillis", "30000");
        assertThat(failure.getCause()).isInstanceOf(io.brick.core.error.CommandTimeoutException.class);
        assertThat(lastCommand().timedOut()).isTrue();
        assertThat(lastCommand().duration()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void a_login_gets_no_more_time_than_the_deadline_has_left() {
        prepare(NODE1, Optional.empty());
        host.faults().loginHangs("127.0.0.1:3260");

        LoginFailedException failure = catchThrowableOfType(
                () -> sessions.login(NODE1, Deadline.after(Duration.ofSeconds(5), host.clock())),
                LoginFailedException.class);

        assertThat(failure.reason()).isEqualTo("timeout");
        assertThat(lastCommand().duration()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void a_login_on_an_expired_deadline_runs_nothing_and_fails_as_timeout() {
        prepare(NODE1, Optional.empty());
        int before = host.oracle().commandLog().size();

        LoginFailedException failure = catchThrowableOfType(
                () -> sessions.login(NODE1, Deadline.after(Duration.ZERO, host.clock())), LoginFailedException.class);

        assertThat(failure.reason()).isEqualTo("timeout");
        assertThat(failure.getCause()).isInstanceOf(OperationTimeoutException.class);
        assertThat(host.oracle().commandLog()).hasSize(before);
    }

    @Test
    void other_commands_on_an_expired_deadline_run_nothing() {
        assertThatThrownBy(() -> sessions.nodes(Deadline.after(Duration.ZERO, host.clock())))
                .isInstanceOf(OperationTimeoutException.class);
        assertThat(host.oracle().commandLog()).isEmpty();
    }

    @Test
    void a_flaky_login_fails_as_a_retriable_timeout_and_the_next_try_succeeds() {
        prepare(NODE1, Optional.empty());
        host.faults().flakyLogin("127.0.0.1:3260", 1.0);

        LoginFailedException failure = catchThrowableOfType(() -> sessions.login(NODE1, deadline()),
                LoginFailedException.class);
        assertThat(failure.reason()).isEqualTo("timeout");
        assertThat(failure.retriable()).isTrue();
        assertThat(failure.evidence()).containsEntry("exitCode", "8");

        host.faults().clear();
        sessions.login(NODE1, deadline());
        assertThat(host.oracle().leftovers().sessions()).hasSize(1);
    }

    @Test
    void transport_errors_are_reason_transport() {
        prepare(NODE1, Optional.empty());
        host.faults().iscsiadmFails(4, 1);
        assertThat(catchThrowableOfType(() -> sessions.login(NODE1, deadline()), LoginFailedException.class).reason())
                .isEqualTo("transport");
        host.faults().iscsiadmFails(12, 1);
        assertThat(catchThrowableOfType(() -> sessions.login(NODE1, deadline()), LoginFailedException.class).reason())
                .isEqualTo("transport");
        host.faults().iscsiadmFails(5, 1);
        LoginFailedException other = catchThrowableOfType(() -> sessions.login(NODE1, deadline()),
                LoginFailedException.class);
        assertThat(other.reason()).isEqualTo("other");
        assertThat(other.retriable()).isTrue();
    }

    @Test
    void an_existing_session_exit_15_counts_as_logged_in() {
        prepare(NODE1, Optional.empty());
        sessions.login(NODE1, deadline());

        sessions.login(NODE1, deadline());

        assertThat(lastCommand().exitCode()).isEqualTo(15);
        assertThat(host.oracle().leftovers().sessions()).hasSize(1);
    }

    @Test
    void logout_without_a_session_and_delete_without_a_record_are_not_errors() {
        sessions.logout(NODE1, deadline());
        assertThat(lastCommand().exitCode()).isEqualTo(21);
        sessions.deleteNode(NODE1, deadline());
        assertThat(lastCommand().exitCode()).isEqualTo(21);
    }

    @Test
    void a_logout_iscsid_refuses_while_the_session_recovers_is_tried_again_after_a_pause() {
        prepare(NODE1, Optional.empty());
        sessions.login(NODE1, deadline());
        host.faults().iscsiadmFails(9, 2);
        long start = host.clock().nanoTime();

        sessions.logout(NODE1, deadline());

        assertThat(host.oracle().leftovers().sessions()).isEmpty();
        List<CommandLogEntry> logouts = host.oracle().commandLog().stream()
                .filter(entry -> entry.display().endsWith("--logout")).toList();
        assertThat(logouts).extracting(CommandLogEntry::exitCode).containsExactly(9, 9, 0);
        // 0.5 s and 1 s between the attempts
        assertThat(Duration.ofNanos(host.clock().nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(1500));
    }

    @Test
    void a_logout_refused_every_time_fails_after_ten_attempts_with_the_session_left() {
        prepare(NODE1, Optional.empty());
        sessions.login(NODE1, deadline());
        host.faults().iscsiadmFails(9, 20);
        long start = host.clock().nanoTime();

        CommandFailedException failure = catchThrowableOfType(() -> sessions.logout(NODE1, deadline()),
                CommandFailedException.class);

        assertThat(failure.exitCode()).isEqualTo(9);
        assertThat(commands()).filteredOn(line -> line.endsWith("--logout")).hasSize(10);
        assertThat(host.oracle().leftovers().sessions()).hasSize(1);
        // 0.5 + 1 + 2 + 6 x 4 s of pauses
        assertThat(Duration.ofNanos(host.clock().nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(27_500));
    }

    @Test
    void a_logout_refused_with_another_code_or_past_the_deadline_is_not_tried_again() {
        prepare(NODE1, Optional.empty());
        sessions.login(NODE1, deadline());
        host.faults().iscsiadmFails(8, 1);
        assertThat(catchThrowableOfType(() -> sessions.logout(NODE1, deadline()), CommandFailedException.class)
                .exitCode()).isEqualTo(8);
        assertThat(commands()).filteredOn(line -> line.endsWith("--logout")).hasSize(1);

        // 9 again, but the next pause (0.5 s) would pass the deadline
        host.faults().iscsiadmFails(9, 1);
        assertThat(catchThrowableOfType(() -> sessions.logout(NODE1, Deadline.after(Duration.ofMillis(400),
                host.clock())), CommandFailedException.class).exitCode()).isEqualTo(9);
        assertThat(commands()).filteredOn(line -> line.endsWith("--logout")).hasSize(2);
        assertThat(host.oracle().leftovers().sessions()).hasSize(1);
    }

    @Test
    void deleting_a_record_in_use_by_a_session_fails() {
        prepare(NODE1, Optional.empty());
        sessions.login(NODE1, deadline());

        CommandFailedException failure = catchThrowableOfType(() -> sessions.deleteNode(NODE1, deadline()),
                CommandFailedException.class);

        assertThat(failure.exitCode()).isEqualTo(15);
        assertThat(host.oracle().leftovers().nodeRecords()).hasSize(1);
    }

    @Test
    void a_logout_acts_only_on_its_own_node() {
        prepare(NODE1, Optional.empty());
        prepare(NODE2, Optional.empty());
        sessions.login(NODE1, deadline());
        sessions.login(NODE2, deadline());

        sessions.logout(NODE1, deadline());

        assertThat(host.oracle().leftovers().sessions()).singleElement().asString().contains("127.0.0.2:3260");
    }

    @Test
    void nodes_on_a_host_without_records_is_empty() {
        assertThat(sessions.nodes(deadline())).isEmpty();
        assertThat(lastCommand().exitCode()).isEqualTo(21);
    }

    @Test
    void discovery_lists_the_targets_without_touching_node_records() {
        prepare(NODE1, Optional.empty());
        List<Node> before = sessions.nodes(deadline());
        String recordBefore = nodeRecord();

        List<Node> found = sessions.discover(PORTAL1, "default", Optional.empty(), deadline());

        assertThat(found).containsExactly(NODE1, NODE2);
        assertThat(sessions.nodes(deadline())).isEqualTo(before);
        assertThat(nodeRecord()).isEqualTo(recordBefore).contains("node.session.scan = manual");
        assertThat(commands()).contains("iscsiadm -m discovery -t sendtargets -p 127.0.0.1:3260 -I default -o nonpersistent");
    }

    @Test
    void discovery_through_iser_names_the_iser_iface() {
        List<Node> found = sessions.discover(PORTAL1, "iser", Optional.empty(), deadline());

        assertThat(found).extracting(Node::iface).containsOnly("iser");
        assertThat(sessions.nodes(deadline())).isEmpty();
    }

    @Test
    void discovery_with_discovery_chap_uses_a_discovery_record_and_leaves_node_records_alone() {
        host.storage().target(RecordedLab.TARGET).discoveryChap("discovery-user", PASSWORD);
        Chap discoveryChap = new Chap("CHAP", "discovery-user", Secret.of(PASSWORD), Optional.empty(), Optional.empty());

        List<Node> found = sessions.discover(PORTAL1, "default", Optional.of(discoveryChap), deadline());

        assertThat(found).containsExactly(NODE1, NODE2);
        assertThat(sessions.nodes(deadline())).isEmpty();
        String db = "iscsiadm -m discoverydb -t sendtargets -p 127.0.0.1:3260 -I default";
        assertThat(commands()).startsWith(db + " --op new",
                db + " --op update -n discovery.sendtargets.auth.authmethod -v CHAP"
                        + " -n discovery.sendtargets.auth.username -v discovery-user"
                        + " -n discovery.sendtargets.auth.password -v ***",
                db + " --discover -o nonpersistent");
        assertThat(commands()).noneMatch(line -> line.contains(PASSWORD));
    }

    @Test
    void discovery_without_the_required_discovery_chap_fails_with_exit_24() {
        host.storage().target(RecordedLab.TARGET).discoveryChap("discovery-user", PASSWORD);

        CommandFailedException failure = catchThrowableOfType(
                () -> sessions.discover(PORTAL1, "default", Optional.empty(), deadline()), CommandFailedException.class);

        assertThat(failure.exitCode()).isEqualTo(24);
        assertThat(sessions.nodes(deadline())).isEmpty();
    }

    @Test
    void discovery_at_a_portal_without_targets_is_a_transport_failure() {
        assertThatThrownBy(() -> sessions.discover(Portal.parse("127.0.0.9:3260"), "default", Optional.empty(),
                deadline())).isInstanceOf(CommandFailedException.class);
    }

    @Test
    void an_update_with_nothing_to_set_runs_nothing() {
        sessions.updateNode(NODE1, Map.of(), Optional.empty(), deadline());

        assertThat(host.oracle().commandLog()).isEmpty();
    }

    @Test
    void secrets_cannot_be_passed_as_plain_settings() {
        assertThatThrownBy(() -> sessions.updateNode(NODE1, Map.of("node.session.auth.password", PASSWORD),
                Optional.empty(), deadline())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining(PASSWORD);
        assertThatThrownBy(() -> sessions.updateNode(NODE1, Map.of("node.startup", "manual\nnode.x = y"),
                Optional.empty(), deadline())).isInstanceOf(IllegalArgumentException.class);
        assertThat(host.oracle().commandLog()).isEmpty();
    }

    @Test
    void the_chap_password_never_appears_in_any_debug_log() {
        host.storage().target(RecordedLab.TARGET).chap("initiator-user", "the-right-one");
        try (CapturedLogs logs = CapturedLogs.of("io.brick")) {
            prepare(NODE1, Optional.of(chap(PASSWORD)));
            catchThrowableOfType(() -> sessions.login(NODE1, deadline()), LoginFailedException.class);

            assertThat(logs.messages()).anyMatch(line -> line.contains("node.session.auth.password"))
                    .noneMatch(line -> line.contains(PASSWORD));
        }
    }

    @Test
    void the_message_line_is_the_reported_error() {
        assertThat(IscsiadmSessionManager.messageLine("iscsiadm: Could not login to [iface: default].\n"
                + "iscsiadm: initiator reported error (24 - iSCSI login failed due to authorization failure)\n"
                + "iscsiadm: Could not log into all portals\n"))
                .isEqualTo("iscsiadm: initiator reported error (24 - iSCSI login failed due to authorization failure)");
        assertThat(IscsiadmSessionManager.messageLine("iscsiadm: No records found\n"))
                .isEqualTo("iscsiadm: No records found");
        assertThat(IscsiadmSessionManager.messageLine("")).isEmpty();
    }

    private String nodeRecord() {
        return host.commandRunner().run(io.brick.core.port.Command.builder("iscsiadm")
                .args("-m", "node", "-T", RecordedLab.TARGET, "-p", "127.0.0.1:3260").build()).stdout();
    }
}
