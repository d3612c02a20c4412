package io.brick.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.brick.core.model.Wwid;
import io.brick.testkit.host.Latencies;
import io.brick.testkit.host.RecordedLab;
import io.brick.testkit.host.SimulatedHost;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class BrickCliTest {
    private static final String TWO_PORTALS = """
            {"driver_volume_type": "iscsi", "data": {"target_portals": ["127.0.0.1:3260", "127.0.0.2:3260"],
             "target_iqns": ["%1$s", "%1$s"], "target_luns": [1, 1]}}""".formatted(RecordedLab.TARGET);

    @TempDir
    Path dir;
    private SimulatedHost host;
    private RuntimeFactory factory;

    @BeforeEach
    void startHost() {
        host = RecordedLab.host(dir.resolve("host"), Latencies.zero());
        factory = CliRun.simulated(host);
    }

    @AfterEach
    void stopHost() {
        host.close();
    }

    private Path file(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }

    @Test
    void connect_prints_os_bricks_device_info_with_elapsed_time_and_phases() throws IOException {
        CliRun run = CliRun.run(factory, "", "connect", "-p", "iscsi", "--properties", file("p.json", TWO_PORTALS).toString(), "--json");

        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode json = run.json();
        assertThat(json.path("deviceInfo").path("type").asText()).isEqualTo("block");
        assertThat(json.path("deviceInfo").path("path").asText()).isEqualTo("/dev/dm-0");
        assertThat(json.path("deviceInfo").path("multipath_id").asText()).isEqualTo(RecordedLab.LUN1_WWID);
        assertThat(json.path("deviceInfo").path("scsi_wwn").asText()).isEqualTo(RecordedLab.LUN1_WWID);
        assertThat(json.path("elapsedMillis").isIntegralNumber()).isTrue();
        List<String> phases = new ArrayList<>();
        json.path("phases").forEach(p -> phases.add(p.path("type").asText() + " " + p.path("subject").asText()));
        assertThat(phases).contains("LOGIN_FINISHED 127.0.0.1:3260", "LOGIN_FINISHED 127.0.0.2:3260", "MULTIPATH_FORMED dm-0");
    }

    @Test
    void connect_without_json_prints_the_device_info_that_disconnect_reads_back() throws IOException {
        Path properties = file("p.json", TWO_PORTALS);
        CliRun connect = CliRun.run(factory, TWO_PORTALS, "connect", "-p", "iscsi", "--properties", "-");
        assertThat(connect.exitCode()).as(connect.err()).isZero();
        assertThat(connect.out().strip()).startsWith("{\"type\":\"block\"").contains("\"path\":\"/dev/dm-0\"");

        CliRun disconnect = CliRun.run(factory, connect.out(), "disconnect", "-p", "iscsi", "--properties",
                properties.toString(), "--device-info", "-", "--json");

        assertThat(disconnect.exitCode()).as(disconnect.err()).isZero();
        assertThat(disconnect.json().path("disconnected").asBoolean()).isTrue();
        assertThat(disconnect.json().path("phases").findValuesAsText("type")).contains("FLUSH", "LOGOUT");
        assertThat(host.oracle().leftovers(Wwid.of(RecordedLab.LUN1_WWID)).isEmpty()).isTrue();
        assertThat(host.oracle().dataLossEvents()).isEmpty();
    }

    @Test
    void paths_extend_and_a_dry_run_disconnect_answer_in_json_and_leave_the_volume_attached() throws IOException {
        String properties = file("p.json", TWO_PORTALS).toString();
        assertThat(CliRun.run(factory, "", "connect", "-p", "iscsi", "--properties", properties).exitCode()).isZero();

        CliRun paths = CliRun.run(factory, "", "--json", "paths", "-p", "iscsi", "--properties", properties);
        assertThat(paths.exitCode()).as(paths.err()).isZero();
        assertThat(paths.json().path("paths").size()).isEqualTo(2);
        assertThat(paths.json().path("paths").get(0).asText()).startsWith("/dev/disk/by-path/ip-127.0.0.1:3260-iscsi-");

        CliRun extend = CliRun.run(factory, "", "extend", "-p", "iscsi", "--properties", properties, "--json");
        assertThat(extend.exitCode()).as(extend.err()).isZero();
        assertThat(extend.json().path("newSizeBytes").asLong()).isEqualTo(128L << 20);

        int commands = host.oracle().commandLog().size();
        CliRun plan = CliRun.run(factory, "", "disconnect", "--dry-run", "-p", "iscsi", "--properties", properties, "--json");
        assertThat(plan.exitCode()).as(plan.err()).isZero();
        assertThat(plan.json().path("dryRun").asBoolean()).isTrue();
        assertThat(plan.json().path("plan").path("flush").toString()).contains("dm-0");
        assertThat(plan.json().path("plan").path("remove").toString()).as(plan.out()).containsPattern("sd[a-z].*sd[a-z]");
        assertThat(host.oracle().leftovers(Wwid.of(RecordedLab.LUN1_WWID)).isEmpty()).isFalse();
        assertThat(host.oracle().commandLog().subList(commands, host.oracle().commandLog().size()))
                .noneMatch(entry -> entry.toString().contains("logout") || entry.toString().contains("-f"));
    }

    @Test
    void connector_properties_name_the_initiator_and_the_installed_protocols() {
        CliRun run = CliRun.run(factory, "", "connector-properties", "--json");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.json().path("properties").path("initiator").asText()).isEqualTo(RecordedLab.INITIATOR);
        assertThat(run.json().path("protocols").toString()).contains("ISCSI", "ISER");
    }

    @Test
    void a_missing_initiator_name_is_warned_about_once_not_once_per_transport() throws Exception {
        java.nio.file.Files.delete(host.root().resolve("etc/iscsi/initiatorname.iscsi"));
        ch.qos.logback.classic.Logger logger = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("io.brick");
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logs =
                new ch.qos.logback.core.read.ListAppender<>();
        logs.start();
        logger.addAppender(logs);
        CliRun run;
        try {
            run = CliRun.run(factory, "", "connector-properties", "--json");
        } finally {
            logger.detachAppender(logs);
        }

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.json().path("properties").has("initiator")).isFalse();
        assertThat(run.json().path("protocols").toString()).contains("ISCSI", "ISER");
        assertThat(logs.list).filteredOn(event -> event.getLevel() == ch.qos.logback.classic.Level.WARN)
                .extracting(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage)
                .containsExactly("Could not find the iSCSI Initiator File: no initiator name for this host");
    }

    @Test
    void doctor_on_a_clean_host_says_clean_and_exits_zero() {
        CliRun run = CliRun.run(factory, "", "doctor", "--json");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.json().path("clean").asBoolean()).isTrue();
        assertThat(run.json().path("findings").isArray()).isTrue();
    }

    @Test
    void snapshot_writes_the_recording_to_the_file() throws IOException {
        Path out = dir.resolve("snap.json");
        CliRun run = CliRun.run(factory, "", "snapshot", "--out", out.toString(), "--json");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(Files.exists(out)).isTrue();
        assertThat(run.json().path("bytes").asLong()).isEqualTo(Files.size(out));
    }

    @ParameterizedTest
    @ValueSource(strings = {"symbolic", "hard"})
    void snapshot_never_writes_through_a_link_planted_at_the_out_name(String link) throws IOException {
        Path victim = Files.writeString(dir.resolve("victim"), "root's own\n", StandardCharsets.UTF_8);
        Path out = dir.resolve("snap.json");
        if (link.equals("hard")) {
            Files.createLink(out, victim);
        } else {
            Files.createSymbolicLink(out, victim);
        }

        CliRun run = CliRun.run(factory, "", "snapshot", "--out", out.toString(), "--json");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(victim).hasContent("root's own");
        assertThat(Files.isSymbolicLink(out)).isFalse();
        assertThat(run.json().path("bytes").asLong()).isEqualTo(Files.size(out));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "missing key|iscsi|{\"target_iqn\": \"iqn.2003-01.org.linux-iscsi.labvm:target1\", \"target_lun\": 1}",
        "wrong type|iscsi|{\"target_portal\": \"127.0.0.1:3260\", \"target_iqn\": \"iqn.2003-01.org.linux-iscsi.labvm:target1\", \"target_lun\": \"one\"}",
        "unknown protocol|nvmeof|{\"target_portal\": \"127.0.0.1:3260\", \"target_iqn\": \"iqn.2003-01.org.linux-iscsi.labvm:target1\", \"target_lun\": 1}",
        "bad protocol name|i scsi!|{\"target_portal\": \"127.0.0.1:3260\", \"target_iqn\": \"iqn.2003-01.org.linux-iscsi.labvm:target1\", \"target_lun\": 1}",
        "not json|iscsi|target_portal=127.0.0.1",
        "not an object|iscsi|[1, 2]",
    })
    void bad_input_exits_2_with_a_one_line_reason_and_runs_no_command(String name, String protocol, String properties) throws IOException {
        for (String command : List.of("connect", "disconnect", "extend", "paths")) {
            CliRun run = CliRun.run(factory, "", command, "-p", protocol, "--properties", file("p.json", properties).toString());

            assertThat(run.exitCode()).as(command + ": " + run.err()).isEqualTo(2);
            assertThat(run.err().strip()).startsWith("brick: ").doesNotContain("\n").doesNotContain("Exception");
            assertThat(run.out()).isEmpty();
        }
        assertThat(host.oracle().commandLog()).isEmpty();
    }

    @Test
    void bad_input_with_json_also_prints_the_error_document() throws IOException {
        CliRun run = CliRun.run(factory, "", "connect", "--json", "-p", "iscsi", "--properties", file("p.json", "{").toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.json().path("error").path("kind").asText()).isEqualTo("invalid-input");
        assertThat(run.json().path("error").path("evidence").path("key").asText()).isEqualTo("properties");
        assertThat(run.json().path("error").path("retriable").isBoolean()).isTrue();
        assertThat(host.oracle().commandLog()).isEmpty();
    }

    @Test
    void an_unreadable_file_exits_2_naming_the_file() {
        CliRun run = CliRun.run(factory, "", "connect", "-p", "iscsi", "--properties", dir.resolve("missing.json").toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().strip()).contains("missing.json").contains("no such file").doesNotContain("\n");
        CliRun directory = CliRun.run(factory, "", "connect", "-p", "iscsi", "--properties", dir.toString());
        assertThat(directory.exitCode()).isEqualTo(2);
        assertThat(directory.err().strip()).contains("directory").doesNotContain("\n");
        assertThat(host.oracle().commandLog()).isEmpty();
    }

    @Test
    void usage_errors_exit_2_with_one_line_and_run_nothing() throws IOException {
        String properties = file("p.json", TWO_PORTALS).toString();
        for (String[] args : List.of(
                new String[] {"connect", "--properties", properties},
                new String[] {"connect", "-p", "iscsi"},
                new String[] {"frobnicate"},
                new String[] {},
                new String[] {"disconnect", "-p", "iscsi", "--properties", properties, "--ignore-errors"},
                new String[] {"connect", "-p", "iscsi", "--properties", properties, "--timeout", "0"},
                new String[] {"disconnect", "-p", "iscsi", "--properties", "-", "--device-info", "-"})) {
            CliRun run = CliRun.run(factory, "", args);
            assertThat(run.exitCode()).as(String.join(" ", args) + ": " + run.err()).isEqualTo(2);
            assertThat(run.err().strip()).as(String.join(" ", args)).startsWith("brick: ").doesNotContain("\n");
        }
        assertThat(host.oracle().commandLog()).isEmpty();
    }

    @Test
    void a_failed_operation_exits_1_with_the_typed_error_in_json() throws IOException {
        host.faults().loginRefused("127.0.0.1:3260", io.brick.testkit.host.Faults.Reason.AUTH);
        host.faults().loginRefused("127.0.0.2:3260", io.brick.testkit.host.Faults.Reason.AUTH);
        CliRun run = CliRun.run(factory, "", "connect", "-p", "iscsi", "--properties", file("p.json", TWO_PORTALS).toString(), "--json");

        assertThat(run.exitCode()).as(run.out()).isEqualTo(1);
        JsonNode error = run.json().path("error");
        assertThat(error.path("kind").asText()).isNotEmpty().isNotEqualTo("internal");
        assertThat(error.path("message").asText()).isNotEmpty();
        assertThat(error.path("evidence").isObject()).isTrue();
        assertThat(error.path("retriable").isBoolean()).isTrue();
    }

    @Test
    void a_failed_operation_without_json_prints_kind_and_message_on_stderr() throws IOException {
        host.faults().loginRefused("127.0.0.1:3260", io.brick.testkit.host.Faults.Reason.AUTH);
        host.faults().loginRefused("127.0.0.2:3260", io.brick.testkit.host.Faults.Reason.AUTH);
        CliRun run = CliRun.run(factory, "", "connect", "-p", "iscsi", "--properties", file("p.json", TWO_PORTALS).toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).startsWith("brick: ").doesNotContain("\tat ");
    }
}
