package io.brick.multipath;

import io.brick.core.bootstrap.Brick;
import io.brick.core.error.BrickException;
import io.brick.core.error.HostStateException;
import io.brick.core.lock.ProcessLocks;
import io.brick.core.model.DevicePath;
import io.brick.core.model.MultipathMap;
import io.brick.core.model.Wwid;
import io.brick.core.port.TopologyProvider;
import io.brick.core.time.Deadline;
import io.brick.core.time.Retrier;
import io.brick.sysfs.SysfsPlugin;
import io.brick.testkit.fuzz.FuzzTally;
import io.brick.testkit.fuzz.Mutator;
import io.brick.testkit.fuzz.MutatingCommandRunner;
import io.brick.testkit.fuzz.ParserFuzzer;
import io.brick.testkit.host.Latencies;
import io.brick.testkit.host.RecordedLab;
import io.brick.testkit.host.SimulatedHost;
import io.brick.testkit.snapshot.CommandRecord;
import io.brick.testkit.snapshot.Recordings;
import io.brick.testkit.snapshot.Snapshot;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzes every multipath-tools output parser (issue 9 item 2) with the recorded outputs of every shipped recording
 * and the simulated host's as seeds, then {@link MultipathdMultipathManager} whole with the simulated host's outputs
 * mutated on the way back. The parsers declare one typed error ({@code show maps json} that is not multipathd's JSON:
 * {@link HostStateException}); every other input must give an answer, and an unknown line added to a valid output
 * must not change it. The manager must answer or raise a typed {@link BrickException}. Inputs per parser:
 * {@code brick.fuzz.inputs} (default 2,000); counts in {@code target/reliability/fuzz-multipath.txt}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MultipathOutputFuzzTest {
    private static final int INPUTS = FuzzTally.inputs(2_000);
    private static final long SEED = FuzzTally.seed(20_260_921L);
    private static final String STATUS = """
            path checker states:
            up                  2

            paths: 2
            busy: False
            """;
    private static final String DMSETUP_INFO = """
            Name:              360014053b8c2d6119a414f0b8e275d1c
            State:             ACTIVE
            Read Ahead:        256
            Tables present:    LIVE
            Open count:        0
            Event number:      0
            Major, minor:      253, 0
            Number of targets: 1
            UUID: mpath-360014053b8c2d6119a414f0b8e275d1c
            """;
    private static final List<String> RAW_COLUMNS = List.of("dev", "dm_st", "chk_st", "map");

    private final FuzzTally tally = new FuzzTally();
    private final Map<String, List<String>> seeds = new LinkedHashMap<>();

    @TempDir
    Path dir;

    @BeforeAll
    void collectSeeds(@TempDir Path seedDir) {
        for (String recording : Recordings.all()) {
            for (CommandRecord command : Snapshot.load(recording).commands()) {
                String cmd = command.cmd();
                if ((cmd.equals("multipath -ll") || cmd.equals("multipathd show maps")
                        || cmd.equals("multipathd show paths") || cmd.equals("multipathd show maps json")
                        || cmd.equals("dmsetup info -c")) && !command.stdout().isBlank()) {
                    List<String> list = seeds.computeIfAbsent(cmd, k -> new ArrayList<>());
                    if (!list.contains(command.stdout())) {
                        list.add(command.stdout());
                    }
                }
            }
        }
        try (SimulatedHost host = RecordedLab.attach(RecordedLab.host(seedDir, Latencies.zero()), 2)) {
            seeds.put("raw", List.of(host.run("multipathd", "show", "paths", "raw", "format",
                    MultipathdTableParser.rawFormat(List.of("%d", "%t", "%T", "%m"))).stdout()));
            seeds.put("raw values", List.of(host.run("multipathd", "show", "paths", "raw", "format", "%d").stdout()));
            seeds.put("multipath -l dm-0", List.of(host.run("multipath", "-l", "dm-0").stdout()));
        }
        seeds.put("status", List.of(STATUS, "error receiving packet\n"));
        seeds.put("dmsetup info", List.of(DMSETUP_INFO));
        seeds.put("answers", List.of("ok\n", "fail\n", "timeout\n", "wwid '" + RecordedLab.LUN1_WWID + "' added\n",
                "wwid '" + RecordedLab.LUN1_WWID + "' removed\n"));
    }

    @AfterAll
    void writeCounts() {
        tally.write("multipath");
    }

    private List<String> seeds(String key) {
        assertThat(seeds.get(key)).as("seeds of %s", key).isNotEmpty();
        return seeds.get(key);
    }

    private List<String> othersThan(String key) {
        List<String> others = new ArrayList<>();
        seeds.forEach((each, list) -> {
            if (!each.equals(key)) {
                others.addAll(list);
            }
        });
        return others;
    }

    private <T> void fuzz(String target, String key, Function<String, T> parse,
            Set<Class<? extends RuntimeException>> typed) {
        ParserFuzzer fuzzer = new ParserFuzzer(SEED ^ target.hashCode(), INPUTS, tally);
        fuzzer.fuzz(target, seeds(key), othersThan(key), parse, typed,
                (input, answer) -> assertThat(parse.apply(input)).as("the same input parses the same").isEqualTo(answer));
        assertThat(fuzzer.failures()).isEmpty();
        assertThat(tally.total(target)).isEqualTo(INPUTS);
    }

    @Test
    void topology_gives_an_answer_for_every_input() {
        List<String> all = new ArrayList<>(seeds("multipath -ll"));
        all.addAll(seeds("multipath -l dm-0"));
        seeds.put("multipath -l*", all);
        fuzz("MultipathTopologyParser", "multipath -l*", MultipathTopologyParser::parse, Set.of());
    }

    @Test
    void tables_give_an_answer_for_every_input() {
        List<String> all = new ArrayList<>(seeds("multipathd show maps"));
        all.addAll(seeds("multipathd show paths"));
        seeds.put("tables", all);
        fuzz("MultipathdTableParser.parseTable", "tables", MultipathdTableParser::parseTable, Set.of());
    }

    @Test
    void raw_formats_give_an_answer_for_every_input() {
        fuzz("MultipathdTableParser.parseRaw", "raw", input -> MultipathdTableParser.parseRaw(input, RAW_COLUMNS),
                Set.of());
        fuzz("MultipathdTableParser.parseRawValues", "raw values", MultipathdTableParser::parseRawValues, Set.of());
    }

    @Test
    void maps_json_gives_an_answer_or_a_host_state_error() {
        fuzz("MultipathdTableParser.parseMapsJson", "multipathd show maps json", MultipathdTableParser::parseMapsJson,
                Set.of(HostStateException.class));
        assertThat(tally.count("MultipathdTableParser.parseMapsJson", "host-state")).as("some inputs are rejected")
                .isPositive();
    }

    @Test
    void status_gives_an_answer_for_every_input_and_exit_code() {
        List<Integer> codes = List.of(0, 0, 0, 1, 255, -1);
        fuzz("MultipathdStatusParser", "status",
                input -> MultipathdStatusParser.parse(codes.get(Math.floorMod(input.hashCode(), codes.size())), input),
                Set.of());
    }

    @Test
    void dmsetup_gives_an_answer_for_every_input() {
        fuzz("DmsetupInfoParser.parse", "dmsetup info -c", DmsetupInfoParser::parse, Set.of());
        fuzz("DmsetupInfoParser.openCount", "dmsetup info", DmsetupInfoParser::openCount, Set.of());
    }

    @Test
    void answers_give_an_answer_for_every_input() {
        fuzz("MultipathdAnswers.answer", "answers", MultipathdAnswers::answer, Set.of());
        fuzz("MultipathdAnswers.wwidAdded", "answers",
                input -> MultipathdAnswers.wwidAdded(input, RecordedLab.LUN1_WWID), Set.of());
        fuzz("MultipathdAnswers.wwidRemoved", "answers",
                input -> MultipathdAnswers.wwidRemoved(input, RecordedLab.LUN1_WWID), Set.of());
    }

    /** An unknown line between two lines of a valid output (a log line, a blank line) changes nothing. */
    @Test
    void an_unknown_line_anywhere_changes_no_answer() {
        Map<String, Function<String, ?>> parsers = new LinkedHashMap<>();
        parsers.put("multipath -ll", MultipathTopologyParser::parse);
        parsers.put("multipath -l dm-0", MultipathTopologyParser::parse);
        parsers.put("dmsetup info -c", DmsetupInfoParser::parse);
        parsers.put("raw", input -> MultipathdTableParser.parseRaw(input, RAW_COLUMNS));
        parsers.put("raw values", MultipathdTableParser::parseRawValues);
        parsers.put("status", input -> MultipathdStatusParser.parse(0, input));
        Mutator mutator = new Mutator(SEED);
        List<String> unknown = List.of("", "   ", "Oct 13 10:24:01 | /lib/udev/scsi_id exited with 1",
                "Nov 21 15:00:00 | sdz: path not found in a map ; rm -rf /");
        for (Map.Entry<String, Function<String, ?>> parser : parsers.entrySet()) {
            for (String seed : seeds(parser.getKey())) {
                Object expected = parser.getValue().apply(seed);
                List<String> lines = new ArrayList<>(List.of(seed.split("\n", -1)));
                for (int i = 0; i < 50; i++) {
                    List<String> changed = new ArrayList<>(lines);
                    changed.add(mutator.nextInt(changed.size() + 1), mutator.pick(unknown));
                    String input = String.join("\n", changed);
                    assertThat((Object) parser.getValue().apply(input)).as("%s with %s", parser.getKey(),
                            ParserFuzzer.escape(input)).isEqualTo(expected);
                    tally.record("unknown line inserted", "answer unchanged");
                }
            }
        }
    }

    /**
     * The manager whole, over the simulated host with its outputs mutated: every method answers or raises a typed
     * error (a command failure, a timeout, a host state error), never anything else.
     */
    @Test
    void the_manager_answers_or_raises_a_typed_error_when_outputs_are_damaged() throws Exception {
        int rounds = Math.max(4, INPUTS / 100);
        Mutator mutator = new Mutator(SEED + 7);
        List<String> failures = new ArrayList<>();
        int mutated = 0;
        for (int round = 0; round < rounds; round++) {
            Path hostDir = Files.createDirectories(dir.resolve("round" + round));
            try (SimulatedHost host = RecordedLab.attach(RecordedLab.host(hostDir, Latencies.zero()), 2);
                 Brick brick = Brick.builder().plugins(new SysfsPlugin()).hostRoot(host.hostRoot())
                         .commandRunner(host.commandRunner()).clock(host.clock()).sleeper(host.clock())
                         .processLocks(ProcessLocks.none()).build()) {
                TopologyProvider topology = brick.port(TopologyProvider.class);
                MutatingCommandRunner runner = new MutatingCommandRunner(host.commandRunner(), mutator, 0.7,
                        command -> true);
                MultipathdMultipathManager manager = new MultipathdMultipathManager(runner, topology,
                        new Retrier(host.clock(), host.clock()), MultipathConfig.defaults());
                MultipathMap map = topology.multipathMap("dm-0").orElseThrow();
                host.oracle().operatingOn(Wwid.of(RecordedLab.LUN1_WWID));
                for (int op = 0; op < 10; op++) {
                    String name = mutator.pick(List.of("available", "addWwid", "addPath", "paths", "forgetPaths",
                            "resizeMap", "flushMap", "removeMap"));
                    Deadline deadline = Deadline.after(Duration.ofSeconds(30), host.clock());
                    try {
                        switch (name) {
                            case "available" -> manager.available(deadline);
                            case "addWwid" -> manager.addWwid(Wwid.of(RecordedLab.LUN1_WWID), deadline);
                            case "addPath" -> manager.addPath(DevicePath.of("/dev/sda"), deadline);
                            case "paths" -> assertThat(manager.paths(deadline)).isNotNull();
                            case "forgetPaths" -> manager.forgetPaths(List.of("sda", "sdb"), deadline);
                            case "resizeMap" -> manager.resizeMap(map, deadline);
                            case "flushMap" -> manager.flushMap(map, deadline);
                            default -> manager.removeMap(map, deadline);
                        }
                        tally.record("MultipathdMultipathManager." + name, ParserFuzzer.ACCEPTED);
                    } catch (BrickException e) {
                        tally.record("MultipathdMultipathManager." + name, e.kind());
                    } catch (RuntimeException e) {
                        tally.record("MultipathdMultipathManager." + name, "FAILED");
                        failures.add(name + ": " + e);
                    }
                }
                mutated += runner.mutated();
                assertThat(host.oracle().wrongDeviceEvents()).as("round %d", round).isEmpty();
            }
        }
        assertThat(mutated).as("outputs were mutated").isPositive();
        assertThat(failures).isEmpty();
    }
}
