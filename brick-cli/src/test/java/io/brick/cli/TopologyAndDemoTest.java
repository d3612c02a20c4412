package io.brick.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.brick.testkit.snapshot.CommandRecord;
import io.brick.testkit.snapshot.Recordings;
import io.brick.testkit.snapshot.Snapshot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

import java.io.ByteArrayInputStream;
import java.io.PrintStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

class TopologyAndDemoTest {
    private static final Pattern SESSION = Pattern.compile("\\[(\\d+)] (\\S+),(\\d+) (\\S+)");
    private static final Pattern MAP_HEADER = Pattern.compile("^(\\S+) (dm-\\d+) ", Pattern.MULTILINE);
    private static final Pattern MAP_PATH = Pattern.compile("(\\d+:\\d+:\\d+:\\d+) (sd[a-z]+) ");

    static List<String> recordings() {
        return Recordings.all();
    }

    @Test
    void topology_prints_a_device_state_as_the_kernel_writes_it(@TempDir Path dir) throws Exception {
        Snapshot.load(Recordings.all().get(0)).materialise(dir);
        Path state;
        try (var disks = java.nio.file.Files.list(dir.resolve("sys/block"))) {
            Path disk = disks.filter(each -> each.getFileName().toString().startsWith("sd")).sorted().findFirst()
                    .orElseThrow();
            state = disk.resolve("device/state").toRealPath();
        }
        java.nio.file.Files.writeString(state, "transport-offline\n");

        CliRun json = CliRun.run(RuntimeFactory.real(), "", "topology", "--root", dir.toString(), "--json");
        CliRun text = CliRun.run(RuntimeFactory.real(), "", "topology", "--root", dir.toString());

        assertThat(json.exitCode()).as(json.err()).isZero();
        List<String> states = new ArrayList<>();
        json.json().path("devices").forEach(d -> states.add(d.path("state").asText()));
        assertThat(states).contains("transport-offline").doesNotContain("transport_offline");
        assertThat(text.exitCode()).as(text.err()).isZero();
        assertThat(text.out()).contains(" transport-offline ").doesNotContain("transport_offline");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("recordings")
    void topology_with_root_shows_the_sessions_devices_and_maps_the_recording_shows(String name, @TempDir Path dir) {
        Snapshot snapshot = Snapshot.load(name);
        snapshot.materialise(dir);

        CliRun run = CliRun.run(RuntimeFactory.real(), "", "topology", "--root", dir.toString(), "--json");

        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode json = run.json();
        Map<Integer, String> sessions = new TreeMap<>();
        json.path("iscsiSessions").forEach(s -> sessions.put(s.path("sessionId").asInt(),
                s.path("portal").asText() + "," + s.path("tpgt").asInt() + " " + s.path("targetIqn").asText()));
        Map<Integer, String> recorded = new TreeMap<>();
        Matcher session = SESSION.matcher(command(snapshot, "iscsiadm -m session"));
        while (session.find()) {
            recorded.put(Integer.parseInt(session.group(1)), session.group(2) + "," + session.group(3) + " " + session.group(4));
        }
        assertThat(sessions).isEqualTo(recorded);

        String multipath = command(snapshot, "multipath -ll");
        Map<String, String> maps = new LinkedHashMap<>();
        json.path("multipathMaps").forEach(m -> maps.put(m.path("name").asText(), m.path("kernelName").asText()));
        Map<String, String> recordedMaps = new LinkedHashMap<>();
        Matcher header = MAP_HEADER.matcher(multipath);
        while (header.find()) {
            recordedMaps.put(header.group(1), header.group(2));
        }
        assertThat(maps).isEqualTo(recordedMaps);
        json.path("multipathMaps").forEach(m -> assertThat(m.path("wwid").asText()).isEqualTo(m.path("name").asText()));

        Map<String, String> devices = new TreeMap<>();
        json.path("devices").forEach(d -> devices.put(d.path("name").asText(), d.path("hctl").asText()));
        Map<String, String> recordedPaths = new TreeMap<>();
        Matcher path = MAP_PATH.matcher(multipath);
        while (path.find()) {
            recordedPaths.put(path.group(2), path.group(1));
        }
        assertThat(devices).containsAllEntriesOf(recordedPaths);
        List<String> slaves = new ArrayList<>();
        json.path("multipathMaps").forEach(m -> m.path("paths").forEach(p -> slaves.add(p.asText())));
        assertThat(slaves).containsExactlyInAnyOrderElementsOf(recordedPaths.keySet());
        json.path("devices").forEach(d -> {
            if (recordedPaths.containsKey(d.path("name").asText())) {
                assertThat(d.path("wwid").asText()).isEqualTo(recordedMaps.keySet().iterator().next());
            }
        });
    }

    @Test
    void topology_text_names_every_session_portal() {
        Snapshot snapshot = Snapshot.load(Recordings.B_TWO_PORTALS_ONE_LUN);
        Path dir = tempDir();
        snapshot.materialise(dir);

        CliRun run = CliRun.run(RuntimeFactory.real(), "", "--root", dir.toString(), "topology");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("127.0.0.1:3260", "127.0.0.2:3260", "dm-0", "360014053b8c2d6119a414f0b8e275d1c");
    }

    @Test
    void demo_tells_the_whole_story_in_json_and_exits_0() {
        CliRun run = CliRun.run((options, listener) -> {
            throw new AssertionError("the demo builds its own simulated host");
        }, "", "demo", "--json");

        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode json = run.json();
        List<String> steps = json.path("steps").findValuesAsText("step");
        assertThat(steps).containsSubsequence("connect", "topology", "write", "disconnect", "doctor");
        JsonNode connect = json.path("steps").get(steps.indexOf("connect"));
        assertThat(connect.path("deviceInfo").path("multipath_id").asText()).isEqualTo(io.brick.testkit.host.RecordedLab.LUN1_WWID);
        JsonNode topology = json.path("steps").get(steps.indexOf("topology")).path("topology");
        assertThat(topology.path("iscsiSessions").size()).isBetween(2, 3);
        assertThat(topology.path("multipathMaps").get(0).path("paths").size()).isBetween(2, 3);
        JsonNode disconnect = json.path("steps").get(steps.indexOf("disconnect"));
        assertThat(disconnect.path("dataLossEvents").asInt()).isZero();
        assertThat(disconnect.path("leftovers").size()).isZero();
        assertThat(json.path("steps").get(steps.indexOf("doctor")).path("clean").asBoolean()).isTrue();
        assertThat(json.path("elapsedMillis").asLong()).isPositive();
    }

    @Test
    void demo_in_text_shows_each_step_with_its_simulated_time() {
        CliRun run = CliRun.run((options, listener) -> {
            throw new AssertionError("the demo builds its own simulated host");
        }, "", "demo");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).containsPattern("\\[ +\\d+\\.\\d{3}s] connect ")
                .contains("device_info: {\"type\":\"block\"", "LOGIN_FINISHED", "FLUSH", "no data lost", "clean");
    }

    @Test
    void help_of_the_root_and_of_every_command_exits_0_and_mentions_every_option() {
        CommandLine tree = BrickCli.commandLine(new CliContext(new PrintStream(OutputStream.nullOutputStream()),
                new PrintStream(OutputStream.nullOutputStream()), new ByteArrayInputStream(new byte[0]),
                (options, listener) -> {
                    throw new AssertionError("help builds no runtime");
                }, false));
        List<CommandLine> commands = new ArrayList<>();
        commands.add(tree);
        commands.addAll(tree.getSubcommands().values());
        assertThat(tree.getSubcommands().keySet()).containsExactlyInAnyOrder("connect", "disconnect", "extend", "paths",
                "topology", "doctor", "connector-properties", "snapshot", "demo");
        for (CommandLine command : commands) {
            String name = command.getCommandName();
            String[] args = name.equals("brick") ? new String[] {"--help"} : new String[] {name, "--help"};
            CliRun run = CliRun.run((options, listener) -> {
                throw new AssertionError("help builds no runtime");
            }, "", args);
            assertThat(run.exitCode()).as(name).isZero();
            for (OptionSpec option : command.getCommandSpec().options()) {
                assertThat(run.out()).as(name + " --help").contains(option.longestName());
            }
            assertThat(run.out()).as(name).contains("--root", "--json", "--verbose", "--lock-dir", "--timeout");
        }
    }

    private static String command(Snapshot snapshot, String cmd) {
        return snapshot.command(cmd).map(CommandRecord::stdout).orElseThrow();
    }

    private static Path tempDir() {
        try {
            Path dir = java.nio.file.Files.createTempDirectory("brick-cli-topology");
            dir.toFile().deleteOnExit();
            return dir;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
