package io.brick.fc;

import io.brick.core.error.BrickException;
import io.brick.core.host.HostRoot;
import io.brick.core.model.BlockDevice;
import io.brick.core.model.MultipathMap;
import io.brick.testkit.fuzz.FuzzTally;
import io.brick.testkit.fuzz.ParserFuzzer;
import io.brick.testkit.fuzz.SysfsTreeFuzzer;
import io.brick.testkit.sysfs.FakeSysfs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import static io.brick.testkit.fuzz.SysfsTreeFuzzer.HONEY_IQN;
import static io.brick.testkit.fuzz.SysfsTreeFuzzer.HONEY_MARKS;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzes the HBA reader over brick-sysfs (issue 9 item 2, moved from brick-sysfs with the reader): a built Fibre
 * Channel tree is damaged (files emptied, filled with garbage or mutated, entries deleted, files and directories
 * swapped, symlinks pointed outside the host root, into loops or nowhere, entries with odd names added), then every
 * reader method is called. Each must answer or raise a typed {@link BrickException}; no answer may hold anything of
 * the honeypot tree beside the host root; what the host holds is never reported as the caller's invalid input. After
 * each damage is undone the answers are the original ones again. Damaged trees: {@code brick.fuzz.inputs} / 8
 * (default 250); counts in {@code target/reliability/fuzz-fc-hosts.txt}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FcHostReaderFuzzTest {
    private static final int TREES = Math.max(1, FuzzTally.inputs(2_000) / 8);
    private static final long SEED = FuzzTally.seed(20_260_921L);
    private static final String WWID = "360014053b8c2d6119a414f0b8e275d1c";

    private final FuzzTally tally = new FuzzTally();

    @TempDir
    Path dir;

    @AfterAll
    void writeCounts() {
        tally.write("fc-hosts");
    }

    @Test
    void built_fibre_channel_tree_damaged_gives_answers_or_typed_errors() throws IOException {
        Path base = dir.resolve("fc");
        Path honeypot = SysfsTreeFuzzer.honeypot(base);
        FakeSysfs tree = FakeSysfs.create(base.resolve("root"))
                .fcHost(5, h -> h.portName("50014380242b9750").nodeName("50014380242b9751"))
                .fcRemotePort(5, 0, 1, p -> p.portName("514f0c50023f6c00").scsiTargetId(0))
                .scsiDevice("5:0:0:1", "sdc", d -> d.wwid(WWID))
                .fcHost(6, h -> h.portName("50014380242b9752").nodeName("50014380242b9753"))
                .fcRemotePort(6, 0, 2, p -> p.portName("514f0c50023f6c01").scsiTargetId(0))
                .scsiDevice("6:0:0:1", "sdd", d -> d.wwid(WWID))
                .multipathMap("dm-0", map -> map.wwid(WWID).slaves("sdc", "sdd"));
        fuzzTree("fc tree", base, tree.hostRoot(), honeypot);
    }

    private void fuzzTree(String name, Path base, HostRoot root, Path honeypot) throws IOException {
        FcHostReader provider = new FcHostReader(FcHostReaderTest.sysfs(root));
        List<Object> original = List.of(provider.hosts(), provider.remotePorts(), provider.transportTargets(5));
        assertThat(original.toString()).as("the undamaged tree answers").doesNotContain(HONEY_MARKS);
        List<String> failures = new SysfsTreeFuzzer(tally, TREES, SEED).fuzz(name, base, root, honeypot, provider,
                calls(), FcHostReaderFuzzTest::check);
        assertThat(failures).isEmpty();
        assertThat(List.<Object>of(provider.hosts(), provider.remotePorts(), provider.transportTargets(5))).as("every damage was undone").isEqualTo(original);
        assertThat(tally.count(name + " (damaged trees)", "undone")).isEqualTo(TREES);
    }

    /** Every provider method, with the tree's own names and with names that must not reach a path. */
    private static Map<String, Function<FcHostReader, Object>> calls() {
        Map<String, Function<FcHostReader, Object>> calls = new LinkedHashMap<>();
        List<String> names = List.of("sda", "sdb", "sdc", "sdd", "dm-0", "..", ".", "../../outside/sys/block/sdh",
                "sdh", "dm-7", "sda/../../..", "");
        calls.put("fcHosts", FcHostReader::hosts);
        calls.put("fcRemotePorts()", FcHostReader::remotePorts);
        calls.put("fcRemotePorts", p -> List.of(p.remotePorts(5), p.remotePorts(6), p.remotePorts(7)));
        calls.put("fcTransportTargets", p -> List.of(p.transportTargets(5), p.transportTargets(6)));
        return calls;
    }

    /** No honeypot value, and every kernel name is a single path element. */
    private static void check(Object answer) {
        assertThat(String.valueOf(answer)).doesNotContain(HONEY_MARKS);
        names(answer, new ArrayList<>()).forEach(kernelName -> assertThat(isKernelName(kernelName))
                .as("kernel name %s", ParserFuzzer.escape(kernelName)).isTrue());
    }

    private static List<String> names(Object answer, List<String> names) {
        if (answer instanceof Optional<?> optional) {
            optional.ifPresent(value -> names(value, names));
        } else if (answer instanceof Collection<?> collection) {
            collection.forEach(value -> names(value, names));
        } else if (answer instanceof BlockDevice device) {
            names.add(device.name());
            names.addAll(device.holders());
        } else if (answer instanceof MultipathMap map) {
            names.add(map.kernelName());
            names.addAll(map.slaves());
                } else if (answer instanceof String text) {
            names.add(text);
        }
        return names;
    }

    /** The oracle can fail: an answer holding a honeypot value, or a kernel name with a slash, is caught. */
    @Test
    void the_oracle_catches_honeypot_values_and_paths_in_names() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> check(Optional.of("iqn " + HONEY_IQN)))
                .isInstanceOf(AssertionError.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> check(List.of("../../etc")))
                .isInstanceOf(AssertionError.class);
    }

    /** Whether a kernel device name is one path element ({@code sda}, {@code dm-0}), as brick-sysfs checks it. */
    private static boolean isKernelName(String name) {
        return name != null && !name.isEmpty() && name.indexOf('/') < 0 && name.indexOf('\0') < 0
                && !name.equals(".") && !name.equals("..");
    }
}
