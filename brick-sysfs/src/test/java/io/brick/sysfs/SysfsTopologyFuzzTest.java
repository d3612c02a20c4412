package io.brick.sysfs;

import io.brick.core.error.BrickException;
import io.brick.core.host.HostRoot;
import io.brick.core.model.DevicePath;
import io.brick.core.model.Hctl;
import io.brick.core.model.Topology;
import io.brick.core.model.Wwid;
import io.brick.core.port.TopologyProvider;
import io.brick.testkit.fuzz.FuzzTally;
import io.brick.testkit.fuzz.SysfsTreeFuzzer;
import io.brick.testkit.snapshot.Recordings;
import io.brick.testkit.snapshot.Snapshot;
import io.brick.testkit.sysfs.FakeSysfs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import static io.brick.testkit.fuzz.SysfsTreeFuzzer.HONEY_IQN;
import static io.brick.testkit.fuzz.SysfsTreeFuzzer.HONEY_MARKS;
import static io.brick.testkit.fuzz.SysfsTreeFuzzer.HONEY_WWID;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzes the sysfs adapter (issue 9 item 2): the recorded two-portal tree and a built Fibre Channel tree are damaged
 * (files emptied, filled with garbage or mutated, entries deleted, files and directories swapped, symlinks pointed
 * outside the host root, into loops or nowhere, entries with odd names such as {@code ..x} added), then every
 * {@link TopologyProvider} method is called. Each must answer or raise a typed {@link BrickException}; no answer may
 * hold anything of the honeypot tree that lies beside the host root (a link followed outside the root would read it);
 * every kernel name answered is one path element (no {@code /}, not {@code ..}); what the host holds is never reported
 * as the caller's invalid input. After each damage is undone the
 * topology is the original one again. A second test removes and restores a device while the topology is read. The
 * transports' readers are fuzzed the same way in their modules ({@code SysfsSessionsFuzzTest} in brick-iscsi,
 * {@code FcHostReaderFuzzTest} in brick-fc).
 * Damaged trees: {@code brick.fuzz.inputs} / 8 per tree (default 250); counts in
 * {@code target/reliability/fuzz-sysfs.txt}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SysfsTopologyFuzzTest {
    private static final int TREES = Math.max(1, FuzzTally.inputs(2_000) / 8);
    private static final long SEED = FuzzTally.seed(20_260_921L);

    private final FuzzTally tally = new FuzzTally();

    @TempDir
    Path dir;

    @AfterAll
    void writeCounts() {
        tally.write("sysfs");
    }

    @Test
    void recorded_iscsi_tree_damaged_gives_answers_or_typed_errors() throws IOException {
        Path base = dir.resolve("iscsi");
        Path honeypot = SysfsTreeFuzzer.honeypot(base);
        HostRoot root = Snapshot.load(Recordings.B_TWO_PORTALS_ONE_LUN).materialise(base.resolve("root"));
        fuzzTree("iscsi tree", base, root, honeypot);
    }

    @Test
    void built_fibre_channel_tree_damaged_gives_answers_or_typed_errors() throws IOException {
        Path base = dir.resolve("fc");
        Path honeypot = SysfsTreeFuzzer.honeypot(base);
        FakeSysfs tree = SysfsTreeFuzzer.fibreChannelHost(base.resolve("root"));
        fuzzTree("fc tree", base, tree.hostRoot(), honeypot);
    }

    private void fuzzTree(String name, Path base, HostRoot root, Path honeypot) throws IOException {
        TopologyProvider provider = new SysfsTopologyProvider(root);
        Topology original = provider.topology();
        assertThat(original.toString()).as("the undamaged tree answers").doesNotContain(HONEY_MARKS);
        List<String> failures = new SysfsTreeFuzzer(tally, TREES, SEED).fuzz(name, base, root, honeypot, provider,
                calls(), SysfsTreeFuzzer::check);
        assertThat(failures).isEmpty();
        assertThat(provider.topology()).as("every damage was undone").isEqualTo(original);
        assertThat(tally.count(name + " (damaged trees)", "undone")).isEqualTo(TREES);
    }

    /** Every provider method, with the tree's own names and with names that must not reach a path. */
    private static Map<String, Function<TopologyProvider, Object>> calls() {
        Map<String, Function<TopologyProvider, Object>> calls = new LinkedHashMap<>();
        calls.put("deviceAt", p -> List.of(p.deviceAt(Hctl.parse("2:0:0:1")), p.deviceAt(Hctl.parse("5:0:0:1")),
                p.deviceAt(Hctl.parse("7:0:0:1"))));
        List<String> names = List.of("sda", "sdb", "sdc", "sdd", "dm-0", "..", ".", "../../outside/sys/block/sdh",
                "sdh", "dm-7", "sda/../../..", "");
        calls.put("device", p -> names.stream().map(p::device).toList());
        calls.put("wwid", p -> names.stream().map(p::wwid).toList());
        calls.put("holderMap", p -> names.stream().map(p::holderMap).toList());
        calls.put("multipathMap", p -> names.stream().map(p::multipathMap).toList());
        calls.put("multipathMapByWwid", p -> List.of(p.multipathMapByWwid(Wwid.of(SysfsTreeFuzzer.FC_WWID)),
                p.multipathMapByWwid(Wwid.of(HONEY_WWID))));
        calls.put("multipathMaps", TopologyProvider::multipathMaps);
        calls.put("blockDeviceExists", p -> names.stream().map(p::blockDeviceExists).toList());
        calls.put("diskByIdLinks", p -> names.stream().map(p::diskByIdLinks).toList());
        calls.put("resolveDevLink", p -> List.of(p.resolveDevLink(DevicePath.of("/dev/disk/by-id/wwn-0x60014053b8c2d6119a414f0b8e275d1c")),
                p.resolveDevLink(DevicePath.of("/dev/disk/by-id/dm-uuid-mpath-" + SysfsTreeFuzzer.FC_WWID)),
                p.resolveDevLink(DevicePath.of("/dev/sda"))));
        calls.put("topology", TopologyProvider::topology);
        return calls;
    }

    /**
     * A device that disappears while it is read: a second thread moves {@code sda}'s SCSI device directory away and
     * back (and the second session with it) while the topology and the targeted lookups are read.
     */
    @Test
    void a_device_disappearing_mid_walk_is_absent_or_a_typed_error() throws Exception {
        Path base = dir.resolve("midwalk");
        HostRoot root = Snapshot.load(Recordings.B_TWO_PORTALS_ONE_LUN).materialise(base.resolve("root"));
        Path sys = Path.of(root.sys());
        TopologyProvider provider = new SysfsTopologyProvider(root);
        Topology original = provider.topology();
        List<Path> flickering = List.of(sys.resolve("devices/platform/host2/session1/target2:0:0/2:0:0:1"),
                sys.resolve("devices/platform/host3/session2"), sys.resolve("devices/virtual/block/dm-0/slaves/sdb"));
        SysfsTreeFuzzer.MidWalk walk = new SysfsTreeFuzzer(tally, TREES, SEED).midWalk(base, flickering, provider,
                calls(), SysfsTreeFuzzer::check, Math.max(20, TREES / 5));
        assertThat(walk.flickerErrors()).isEmpty();
        assertThat(walk.failures()).isEmpty();
        assertThat(provider.topology()).isEqualTo(original);
    }

    /** The oracle can fail: an answer holding a honeypot value, or a kernel name with a slash, is caught. */
    @Test
    void the_oracle_catches_honeypot_values_and_paths_in_names() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> SysfsTreeFuzzer.check(Optional.of("iqn " + HONEY_IQN)))
                .isInstanceOf(AssertionError.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> SysfsTreeFuzzer.check(List.of("../../etc")))
                .isInstanceOf(AssertionError.class);
    }
}
