package io.brick.testkit.host;

import io.brick.core.error.CommandTimeoutException;
import io.brick.core.port.Command;
import io.brick.core.port.CommandResult;
import io.brick.testkit.snapshot.CommandRecord;
import io.brick.testkit.snapshot.Recordings;
import io.brick.testkit.snapshot.Snapshot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static io.brick.testkit.host.Lab.IQN;
import static io.brick.testkit.host.Lab.P1;
import static io.brick.testkit.host.Lab.P2;
import static io.brick.testkit.host.Lab.WWID;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The simulated tools answer as the recorded ones did, with open-iscsi's and multipath-tools' exit codes. */
class SimulatedToolsTest {
    @TempDir
    Path dir;

    private Lab lab;

    @AfterEach
    void stop() {
        if (lab != null) {
            lab.host.close();
        }
    }

    private static CommandRecord recorded(String recording, String cmd) {
        return Snapshot.load(recording).command(cmd).orElseThrow();
    }

    @Test
    void after_the_recorded_steps_every_listing_prints_what_the_real_tools_printed() {
        lab = new Lab(dir);
        lab.attachRecordedWay();
        for (String cmd : List.of("iscsiadm -m session", "iscsiadm -m session -P 3", "iscsiadm -m node",
                "iscsiadm -m iface", "multipath -ll", "multipathd show maps", "multipathd show paths",
                "iscsiadm -m node -T " + IQN + " -p " + P1,
                "iscsiadm -m discovery -t sendtargets -p 127.0.0.1:3260 -o nonpersistent",
                "blockdev --getsize64 /dev/sda", "blockdev --getsize64 /dev/dm-0")) {
            CommandRecord expected = recorded(Recordings.B_TWO_PORTALS_ONE_LUN, cmd);
            CommandResult actual = lab.run(cmd.split(" "));
            assertThat(actual.exitCode()).as(cmd).isEqualTo(expected.rc());
            assertThat(actual.stdout()).as(cmd).isEqualTo(expected.stdout());
        }
    }

    @Test
    void a_clean_host_answers_as_the_clean_recording() {
        lab = new Lab(dir);
        for (String cmd : List.of("iscsiadm -m session", "iscsiadm -m session -P 3", "iscsiadm -m node",
                "multipath -ll", "multipathd show maps", "multipathd show paths", "multipathd show maps json")) {
            CommandRecord expected = recorded(Recordings.E_AFTER_DISCONNECT, cmd);
            CommandResult actual = lab.run(cmd.split(" "));
            assertThat(actual.exitCode()).as(cmd).isEqualTo(expected.rc());
            assertThat(actual.stdout().strip()).as(cmd).isEqualTo(expected.stdout().strip());
            assertThat(actual.stderr().strip()).as(cmd).isEqualTo(expected.stderr().strip());
        }
    }

    @Test
    void maps_json_has_the_recorded_keys_and_paths() {
        lab = new Lab(dir);
        lab.attachRecordedWay();
        String json = lab.run("multipathd", "show", "maps", "json").stdout();
        String expected = recorded(Recordings.B_TWO_PORTALS_ONE_LUN, "multipathd show maps json").stdout();
        assertThat(json.replaceAll("\"map_loads\" : \\d+", "")).isEqualTo(expected.replaceAll("\"map_loads\" : \\d+",
                "").replace("\"host_adapter\" : \"127.0.0.1\"", "\"host_adapter\" : \"127.0.0.1\""));
    }

    @Test
    void login_answers_with_open_iscsi_messages_and_exit_codes() {
        lab = new Lab(dir);
        CommandResult noRecord = lab.node(P1, "--login");
        assertThat(noRecord.exitCode()).isEqualTo(21);
        assertThat(noRecord.stderr()).isEqualTo("iscsiadm: No records found\n");

        CommandResult first = lab.login(P1);
        assertThat(first.exitCode()).isZero();
        assertThat(first.stdout()).isEqualTo("Logging in to [iface: default, target: " + IQN
                + ", portal: 127.0.0.1,3260]\nLogin to [iface: default, target: " + IQN
                + ", portal: 127.0.0.1,3260] successful.\n");

        CommandResult again = lab.node(P1, "--login");
        assertThat(again.exitCode()).isEqualTo(15);
        assertThat(again.stderr()).isEqualTo("iscsiadm: default: 1 session requested, but 1 already present.\n"
                + "iscsiadm: Could not log into all portals\n");

        CommandResult delete = lab.node(P1, "--op", "delete");
        assertThat(delete.exitCode()).isEqualTo(15);

        CommandResult logout = lab.node(P1, "--logout");
        assertThat(logout.exitCode()).isZero();
        assertThat(logout.stdout()).isEqualTo("Logging out of session [sid: 1, target: " + IQN
                + ", portal: 127.0.0.1,3260]\nLogout of [sid: 1, target: " + IQN + ", portal: 127.0.0.1,3260] "
                + "successful.\n");
        CommandResult none = lab.node(P1, "--logout");
        assertThat(none.exitCode()).isEqualTo(21);
        assertThat(none.stderr()).isEqualTo("iscsiadm: No matching sessions found\n");
        assertThat(lab.node(P1, "--op", "delete").exitCode()).isZero();
        assertThat(lab.run("iscsiadm", "-m", "node").exitCode()).isEqualTo(21);
    }

    @Test
    void a_static_record_has_no_portal_group_yet() {
        lab = new Lab(dir);
        CommandResult created = lab.node(P1, "--interface", "default", "--op", "new");
        assertThat(created.stdout()).isEqualTo("New iSCSI node [tcp:[hw=,ip=,net_if=,iscsi_if=default] 127.0.0.1,3260,-1 "
                + IQN + "] added\n");
        assertThat(lab.run("iscsiadm", "-m", "node").stdout()).isEqualTo("127.0.0.1:3260,4294967295 " + IQN + "\n");
    }

    @Test
    void an_unknown_iface_is_exit_code_6() {
        lab = new Lab(dir);
        CommandResult result = lab.run("iscsiadm", "-m", "iface", "-I", "bnx2i.0");
        assertThat(result.exitCode()).isEqualTo(6);
        assertThat(result.stderr()).isEqualTo("iscsiadm: Could not read iface bnx2i.0 (6).\n");
        assertThat(lab.run("iscsiadm", "--mode", "iface", "--interface", "default").stdout())
                .contains("iface.transport_name = tcp");
    }

    @Test
    void chap_must_match_for_sessions_and_for_discovery() {
        lab = new Lab(dir);
        lab.host.storage().target(IQN).mutualChap("user", "secret", "target", "tsecret").discoveryChap("d", "dpw");
        assertThat(lab.run("iscsiadm", "-m", "discovery", "-t", "sendtargets", "-p", P1).exitCode()).isEqualTo(24);
        lab.run("iscsiadm", "-m", "discoverydb", "-t", "sendtargets", "-p", P1, "-I", "default", "--op", "new");
        lab.run("iscsiadm", "-m", "discoverydb", "-t", "sendtargets", "-p", P1, "-I", "default", "--op", "update",
                "-n", "discovery.sendtargets.auth.authmethod", "-v", "CHAP", "-n",
                "discovery.sendtargets.auth.username", "-v", "d", "-n", "discovery.sendtargets.auth.password", "-v",
                "dpw");
        assertThat(lab.run("iscsiadm", "-m", "discoverydb", "-t", "sendtargets", "-p", P1, "-I", "default",
                "--discover").stdout()).isEqualTo("127.0.0.1:3260,1 " + IQN + "\n127.0.0.2:3260,1 " + IQN + "\n");

        assertThat(lab.login(P1).exitCode()).isEqualTo(24);
        lab.node(P1, "--op", "update", "-n", "node.session.auth.authmethod", "-v", "CHAP",
                "-n", "node.session.auth.username", "-v", "user", "-n", "node.session.auth.password", "-v", "secret");
        CommandResult oneWay = lab.node(P1, "--login");
        assertThat(oneWay.exitCode()).isEqualTo(24);
        assertThat(oneWay.stderr()).contains("(24 - iSCSI login failed due to authorization failure)");
        lab.node(P1, "--op", "update", "-n", "node.session.auth.username_in", "-v", "target",
                "-n", "node.session.auth.password_in", "-v", "tsecret");
        assertThat(lab.node(P1, "--login").exitCode()).isZero();
        assertThat(lab.node(P1).stdout()).contains("node.session.auth.password = ********\n")
                .doesNotContain("secret");
    }

    @Test
    void an_access_list_keeps_other_initiators_out() {
        lab = new Lab(dir);
        lab.host.storage().target(IQN).allowOnly("iqn.1993-08.org.debian:01:someone-else");
        assertThat(lab.login(P1).exitCode()).isEqualTo(24);
        lab.host.storage().target(IQN).allowOnly(Lab.INITIATOR);
        assertThat(lab.node(P1, "--login").exitCode()).isZero();
    }

    @Test
    void a_portal_nobody_listens_on_times_out_and_a_target_not_there_is_fatal() {
        lab = new Lab(dir);
        lab.host.storage().target("iqn.2003-01.org.linux-iscsi.labvm:other").portal("127.0.0.3:3260");
        assertThat(lab.login("127.0.0.9:3260").exitCode()).isEqualTo(8);
        assertThat(lab.login("127.0.0.3:3260").exitCode()).isEqualTo(19);
    }

    @Test
    void flush_of_an_open_map_fails_as_multipath_does() {
        lab = new Lab(dir);
        lab.attachRecordedWay();
        lab.host.open(Lab.dev("dm-0"));
        CommandResult busy = lab.run("multipath", "-f", WWID);
        assertThat(busy.exitCode()).isEqualTo(1);
        assertThat(busy.stderr()).matches("\\d+\\.\\d{6} \\| " + WWID + ": map in use\n");
        assertThat(lab.maps()).containsExactly("dm-0");
        lab.host.close(Lab.dev("dm-0"));
        assertThat(lab.run("multipath", "-f", "/dev/dm-0").exitCode()).isZero();
        assertThat(lab.maps()).isEmpty();
        assertThat(lab.run("multipath", "-f", WWID).exitCode()).isEqualTo(1);
    }

    @Test
    void multipathd_raw_formats_expand_the_wildcards() {
        lab = new Lab(dir);
        lab.attachRecordedWay();
        assertThat(lab.run("multipathd", "show", "paths", "raw", "format", "%d %w %i %t %T %o %m %n").stdout())
                .isEqualTo("sda " + WWID + " 2:0:0:1 active ready running " + WWID + " " + IQN + "\n"
                        + "sdb " + WWID + " 3:0:0:1 active ready running " + WWID + " " + IQN + "\n");
        assertThat(lab.run("multipathd", "show", "maps", "raw", "format", "%n %d %w %N %t %S").stdout())
                .isEqualTo(WWID + " dm-0 " + WWID + " 2 active 128M\n");
        assertThat(lab.run("multipathd", "show", "status").stdout())
                .isEqualTo("path checker states:\nup                  2\n\npaths: 2\nbusy: False\n");
    }

    @Test
    void resize_follows_the_paths_after_their_rescan() {
        lab = new Lab(dir);
        lab.attachRecordedWay();
        lab.host.storage().target(IQN).resizeLun(1, 256L << 20);
        assertThat(lab.run("blockdev", "--getsize64", "/dev/sda").stdout()).isEqualTo((128L << 20) + "\n");
        lab.deviceAttribute("sda", "rescan", "1");
        lab.deviceAttribute("sdb", "rescan", "1");
        assertThat(lab.run("blockdev", "--getsize64", "/dev/sda").stdout()).isEqualTo((256L << 20) + "\n");
        assertThat(lab.run("multipathd", "resize", "map", WWID).stdout()).isEqualTo("ok\n");
        assertThat(lab.run("blockdev", "--getsize64", "/dev/dm-0").stdout()).isEqualTo((256L << 20) + "\n");
        assertThat(lab.run("multipathd", "resize", "map", "nosuchmap").exitCode()).isEqualTo(1);
    }

    @Test
    void multipathd_down_answers_nothing_and_fails() {
        lab = new Lab(dir, builder -> builder.multipathd(false));
        CommandResult result = lab.run("multipathd", "show", "status");
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.stdout()).isEmpty();
    }

    @Test
    void unknown_commands_fail_the_test_loudly_with_the_argv() {
        lab = new Lab(dir);
        assertThatThrownBy(() -> lab.run("lsscsi", "-t")).isInstanceOf(UnexpectedCommandError.class)
                .hasMessageContaining("lsscsi -t");
        assertThatThrownBy(() -> lab.run("multipathd", "-k\"show maps\"")).isInstanceOf(UnexpectedCommandError.class);
        assertThatThrownBy(() -> lab.run("iscsiadm", "-m", "node", "--frobnicate"))
                .isInstanceOf(UnexpectedCommandError.class).hasMessageContaining("--frobnicate");
        Command secret = Command.builder("iscsiadm").args("-m", "bogus", "-v").secretArg("hunter2").build();
        assertThatThrownBy(() -> lab.host.commandRunner().run(secret)).isInstanceOf(UnexpectedCommandError.class)
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void a_hanging_login_takes_its_whole_timeout_then_times_out() {
        lab = new Lab(dir);
        lab.node(P2, "--op", "new");
        lab.host.faults().loginHangs(P2);
        Command login = Command.builder("iscsiadm").args("-m", "node", "-T", IQN, "-p", P2, "--login")
                .timeout(Duration.ofSeconds(30)).build();
        Duration before = lab.host.clock().elapsed();
        assertThatThrownBy(() -> lab.host.commandRunner().run(login)).isInstanceOf(CommandTimeoutException.class);
        assertThat(lab.host.clock().elapsed().minus(before)).isEqualTo(Duration.ofSeconds(30));
        assertThat(lab.host.oracle().commandLog()).last().matches(CommandLogEntry::timedOut);
        assertThat(lab.host.oracle().firedByKind()).containsEntry(FaultKind.LOGIN_HANGS, 1);
    }

    @Test
    void the_command_log_has_simulated_times_and_masked_secrets() {
        lab = new Lab(dir);
        lab.node(P1, "--op", "new");
        lab.host.commandRunner().run(Command.builder("iscsiadm").args("-m", "node", "-T", IQN, "-p", P1, "--op",
                "update", "-n", "node.session.auth.password", "-v").secretArg("hunter2").build());
        lab.node(P1, "--login");
        List<CommandLogEntry> log = lab.host.oracle().commandLog();
        assertThat(log).hasSize(3);
        assertThat(log.get(1).display()).endsWith("-v ***");
        assertThat(log.get(2).start()).isEqualTo(Duration.ofMillis(100));
        assertThat(log.get(2).duration()).isEqualTo(Duration.ofMillis(200));
        assertThat(log.get(2).exitCode()).isZero();
    }
}
