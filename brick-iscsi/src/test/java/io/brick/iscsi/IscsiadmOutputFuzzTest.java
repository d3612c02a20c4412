package io.brick.iscsi;

import io.brick.testkit.fuzz.FuzzTally;
import io.brick.testkit.fuzz.Mutator;
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

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzes every iscsiadm output parser (issue 9 item 2) with the recorded real outputs of every shipped recording, the
 * simulated host's outputs and os-brick's documented examples as seeds: truncated, reordered, with unknown lines,
 * garbage bytes, control characters, huge numbers, path and shell tokens. The parsers declare no exception (they skip
 * what they do not understand), so every input must give an answer; an unknown line added to a valid output, and
 * (for one-record-per-line listings) a reordering, must not change it. Inputs per parser: {@code brick.fuzz.inputs}
 * (default 2,000); counts in {@code target/reliability/fuzz-iscsiadm.txt}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IscsiadmOutputFuzzTest {
    private static final int INPUTS = FuzzTally.inputs(2_000);
    private static final long SEED = FuzzTally.seed(20_260_921L);
    private static final String DISCOVERYDB = """
            SENDTARGETS:
            DiscoveryAddress: 192.168.1.33,3260
            DiscoveryAddress: 192.168.1.2,3260
            Target: iqn.2004-04.com.qnap:ts-831x:iscsi.cinder-20170531114245.9eff88
            \tPortal: 192.168.1.3:3260,1
            \t\tIface Name: default
            \tPortal: [2001:db8::1]:3260,1
            \t\tIface Name: iser
            DiscoveryAddress: 2001:db8::1,3260
            iSNS:
            No targets found.
            STATIC:
            No targets found.
            FIRMWARE:
            No targets found.
            """;
    private static final String IFACE_RECORD = """
            # BEGIN RECORD 2.0-872
            iface.iscsi_ifacename = bnx2i.fake_suffix
            iface.net_ifacename = <empty>
            iface.ipaddress = 192.168.1.9
            iface.hwaddress = 00:0c:29:aa:bb:cc
            iface.transport_name = bnx2i
            iface.initiatorname = <empty>
            # END RECORD
            """;

    private final FuzzTally tally = new FuzzTally();
    private final Map<String, List<String>> seeds = new LinkedHashMap<>();

    @BeforeAll
    void collectSeeds(@TempDir Path dir) {
        for (String recording : Recordings.all()) {
            for (CommandRecord command : Snapshot.load(recording).commands()) {
                String cmd = command.cmd();
                String key = cmd.equals("iscsiadm -m session") || cmd.equals("iscsiadm -m session -P 3")
                        || cmd.equals("iscsiadm -m node") || cmd.equals("iscsiadm -m iface") ? cmd
                        : cmd.startsWith("iscsiadm -m node -T") ? "iscsiadm -m node -T"
                        : cmd.startsWith("iscsiadm -m discovery -t sendtargets") ? "sendtargets" : null;
                if (key != null && !command.stdout().isBlank()) {
                    List<String> list = seeds.computeIfAbsent(key, k -> new ArrayList<>());
                    if (!list.contains(command.stdout())) {
                        list.add(command.stdout());
                    }
                }
            }
        }
        try (SimulatedHost host = RecordedLab.attach(RecordedLab.host(dir, Latencies.zero()), 2)) {
            seeds.put("iscsiadm -m node -P 1", List.of(host.run("iscsiadm", "-m", "node", "-P", "1").stdout()));
        }
        seeds.put("discoverydb", List.of(DISCOVERYDB));
        seeds.computeIfAbsent("iscsiadm -m node -T", k -> new ArrayList<>()).add(IFACE_RECORD);
    }

    @AfterAll
    void writeCounts() {
        tally.write("iscsiadm");
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

    private <T> void fuzz(String target, String key, Function<String, T> parse) {
        ParserFuzzer fuzzer = new ParserFuzzer(SEED ^ target.hashCode(), INPUTS, tally);
        fuzzer.fuzz(target, seeds(key), othersThan(key), parse, Set.of(),
                (input, answer) -> assertThat(parse.apply(input)).as("the same input parses the same").isEqualTo(answer));
        assertThat(fuzzer.failures()).isEmpty();
        assertThat(tally.total(target)).isEqualTo(INPUTS);
    }

    @Test
    void session_list_gives_an_answer_for_every_input() {
        fuzz("IscsiSessionListParser", "iscsiadm -m session", IscsiSessionListParser::parse);
    }

    @Test
    void session_detail_gives_an_answer_for_every_input() {
        fuzz("IscsiSessionDetailParser", "iscsiadm -m session -P 3", IscsiSessionDetailParser::parse);
    }

    @Test
    void node_list_gives_an_answer_for_every_input() {
        fuzz("IscsiNodeListParser", "iscsiadm -m node", IscsiNodeListParser::parse);
    }

    @Test
    void node_tree_gives_an_answer_for_every_input() {
        fuzz("IscsiNodeTreeParser", "iscsiadm -m node -P 1", IscsiNodeTreeParser::parse);
    }

    @Test
    void node_record_gives_an_answer_for_every_input() {
        fuzz("IscsiNodeRecordParser", "iscsiadm -m node -T", IscsiNodeRecordParser::parse);
    }

    @Test
    void iface_list_and_record_give_an_answer_for_every_input() {
        fuzz("IfaceParser.parseList", "iscsiadm -m iface", IfaceParser::parseList);
        fuzz("IfaceParser.transportName", "iscsiadm -m node -T", IfaceParser::transportName);
    }

    @Test
    void sendtargets_gives_an_answer_for_every_input() {
        fuzz("SendTargetsParser", "sendtargets", SendTargetsParser::parse);
    }

    @Test
    void discoverydb_gives_an_answer_for_every_input() {
        fuzz("DiscoveryDbParser", "discoverydb", DiscoveryDbParser::parse);
    }

    /** An unknown line between two lines of a valid output (a warning, a future field) changes nothing. */
    @Test
    void an_unknown_line_anywhere_changes_no_answer() {
        Map<String, Function<String, ?>> parsers = new LinkedHashMap<>();
        parsers.put("iscsiadm -m session", IscsiSessionListParser::parse);
        parsers.put("iscsiadm -m session -P 3", IscsiSessionDetailParser::parse);
        parsers.put("iscsiadm -m node", IscsiNodeListParser::parse);
        parsers.put("iscsiadm -m node -P 1", IscsiNodeTreeParser::parse);
        parsers.put("iscsiadm -m node -T", IscsiNodeRecordParser::parse);
        parsers.put("iscsiadm -m iface", IfaceParser::parseList);
        parsers.put("sendtargets", SendTargetsParser::parse);
        parsers.put("discoverydb", DiscoveryDbParser::parse);
        Mutator mutator = new Mutator(SEED);
        List<String> unknown = List.of("iscsiadm: a warning brick does not know", "", "   ",
                "\tSome Future Field: 42", "# a comment", "zz-fuzz ; rm -rf / $(reboot) ../../etc");
        int checked = 0;
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
                    checked++;
                }
            }
        }
        assertThat(checked).isGreaterThan(0);
    }

    /** Listings of one record per line give the same records in any order. */
    @Test
    void reordered_listings_give_the_same_records() {
        Map<String, Function<String, List<Object>>> parsers = new LinkedHashMap<>();
        parsers.put("iscsiadm -m session", input -> List.copyOf(IscsiSessionListParser.parse(input)));
        parsers.put("iscsiadm -m node", input -> List.copyOf(IscsiNodeListParser.parse(input)));
        parsers.put("iscsiadm -m iface", input -> List.copyOf(IfaceParser.parseList(input)));
        parsers.put("sendtargets", input -> List.copyOf(SendTargetsParser.parse(input)));
        Mutator mutator = new Mutator(SEED + 1);
        for (Map.Entry<String, Function<String, List<Object>>> parser : parsers.entrySet()) {
            for (String seed : seeds(parser.getKey())) {
                List<Object> expected = parser.getValue().apply(seed);
                assertThat(expected).as("%s reads records from %s", parser.getKey(), seed).isNotEmpty();
                for (int i = 0; i < 20; i++) {
                    String input = mutator.shuffleLines(seed);
                    assertThat(parser.getValue().apply(input)).as("%s", input)
                            .containsExactlyInAnyOrderElementsOf(expected);
                    tally.record("lines reordered", "same records");
                }
            }
        }
    }

    /** The oracle can fail: a parser that throws on some input is reported with that input. */
    @Test
    void the_fuzzer_reports_a_parser_that_throws() {
        FuzzTally own = new FuzzTally();
        ParserFuzzer fuzzer = new ParserFuzzer(SEED, 200, own);
        Predicate<String> hasDigit = text -> text.chars().anyMatch(Character::isDigit);
        fuzzer.fuzz("throws on digits", seeds("iscsiadm -m session"), List.of(), input -> {
            if (hasDigit.test(input)) {
                throw new IllegalArgumentException("digits");
            }
            return input;
        }, Set.of(), (input, answer) -> { });
        assertThat(fuzzer.failures()).isNotEmpty().allMatch(failure -> failure.contains("IllegalArgumentException"));
        assertThat(own.count("throws on digits", "FAILED")).isPositive();
    }
}
