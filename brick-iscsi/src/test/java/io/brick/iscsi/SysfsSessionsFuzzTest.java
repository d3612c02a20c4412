package io.brick.iscsi;

import io.brick.core.error.BrickException;
import io.brick.core.host.HostRoot;
import io.brick.core.model.Hctl;
import io.brick.core.model.Lun;
import io.brick.testkit.fuzz.FuzzTally;
import io.brick.testkit.fuzz.SysfsTreeFuzzer;
import io.brick.testkit.snapshot.Recordings;
import io.brick.testkit.snapshot.Snapshot;
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
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzes the session reader over brick-sysfs (issue 9 item 2, moved from brick-sysfs with the reader): the recorded
 * two-portal tree is damaged (files emptied, filled with garbage or mutated, entries deleted, files and directories
 * swapped, symlinks pointed outside the host root, into loops or nowhere, entries with odd names added), then every
 * session lookup is called. Each must answer or raise a typed {@link BrickException}; no answer may hold anything of
 * the honeypot tree beside the host root; every kernel name answered is one path element; what the host holds is
 * never reported as the caller's invalid input. After each damage is undone the sessions and topology are the
 * original ones again. A second test removes and restores a device and a session while they are read. Damaged trees:
 * {@code brick.fuzz.inputs} / 8 (default 250); counts in {@code target/reliability/fuzz-sessions.txt}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SysfsSessionsFuzzTest {
    private static final int TREES = Math.max(1, FuzzTally.inputs(2_000) / 8);
    private static final long SEED = FuzzTally.seed(20_260_921L);

    private final FuzzTally tally = new FuzzTally();

    @TempDir
    Path dir;

    @AfterAll
    void writeCounts() {
        tally.write("sessions");
    }

    @Test
    void recorded_iscsi_tree_damaged_gives_answers_or_typed_errors() throws IOException {
        Path base = dir.resolve("iscsi");
        Path honeypot = SysfsTreeFuzzer.honeypot(base);
        HostRoot root = Snapshot.load(Recordings.B_TWO_PORTALS_ONE_LUN).materialise(base.resolve("root"));
        fuzzTree("iscsi tree", base, root, honeypot);
    }

    private void fuzzTree(String name, Path base, HostRoot root, Path honeypot) throws IOException {
        SysfsHost provider = SysfsHost.over(root);
        SysfsHost.View original = provider.topology();
        assertThat(original.toString()).as("the undamaged tree answers").doesNotContain(HONEY_MARKS);
        List<String> failures = new SysfsTreeFuzzer(tally, TREES, SEED).fuzz(name, base, root, honeypot, provider,
                calls(), SysfsSessionsFuzzTest::check);
        assertThat(failures).isEmpty();
        assertThat(provider.topology()).as("every damage was undone").isEqualTo(original);
        assertThat(tally.count(name + " (damaged trees)", "undone")).isEqualTo(TREES);
    }

    /** Every provider method, with the tree's own names and with names that must not reach a path. */
    private static Map<String, Function<SysfsHost, Object>> calls() {
        Map<String, Function<SysfsHost, Object>> calls = new LinkedHashMap<>();
        calls.put("iscsiSessions", SysfsHost::iscsiSessions);
        calls.put("iscsiSessions(target)", p -> p.iscsiSessions(Iqn.of("iqn.2003-01.org.linux-iscsi.labvm:target1")));
        calls.put("iscsiSession", p -> List.of(p.iscsiSession(1), p.iscsiSession(2), p.iscsiSession(-1),
                p.iscsiSession(Integer.MAX_VALUE)));
        calls.put("sessionTarget", p -> List.of(p.sessionTarget(1), p.sessionTarget(2), p.sessionTarget(-5)));
        calls.put("sessionDevice", p -> List.of(p.sessionDevice(1, Lun.of(1)), p.sessionDevice(2, Lun.of(1)),
                p.sessionDevice(1, Lun.ofUnsigned(-1L))));
        calls.put("sessionDevices", p -> List.of(p.sessionDevices(1), p.sessionDevices(2)));
        calls.put("deviceAt", p -> List.of(p.deviceAt(Hctl.parse("2:0:0:1")), p.deviceAt(Hctl.parse("5:0:0:1")),
                p.deviceAt(Hctl.parse("7:0:0:1"))));
        List<String> names = List.of("sda", "sdb", "sdc", "sdd", "dm-0", "..", ".", "../../outside/sys/block/sdh",
                "sdh", "dm-7", "sda/../../..", "");
        calls.put("topology", SysfsHost::topology);
        return calls;
    }

    /** The testkit's oracle, and on a whole view its devices and maps too. */
    private static void check(Object answer) {
        SysfsTreeFuzzer.check(answer);
        if (answer instanceof SysfsHost.View view) {
            SysfsTreeFuzzer.check(List.of(view.devices(), view.multipathMaps()));
        }
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
        SysfsHost provider = SysfsHost.over(root);
        SysfsHost.View original = provider.topology();
        List<Path> flickering = List.of(sys.resolve("devices/platform/host2/session1/target2:0:0/2:0:0:1"),
                sys.resolve("devices/platform/host3/session2"), sys.resolve("devices/virtual/block/dm-0/slaves/sdb"));
        SysfsTreeFuzzer.MidWalk walk = new SysfsTreeFuzzer(tally, TREES, SEED).midWalk(base, flickering, provider,
                calls(), SysfsSessionsFuzzTest::check, Math.max(20, TREES / 5));
        assertThat(walk.flickerErrors()).isEmpty();
        assertThat(walk.failures()).isEmpty();
        assertThat(provider.topology()).isEqualTo(original);
    }

    /** The oracle can fail: an answer holding a honeypot value, or a kernel name with a slash, is caught. */
    @Test
    void the_oracle_catches_honeypot_values_and_paths_in_names() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> check(Optional.of("iqn " + HONEY_IQN)))
                .isInstanceOf(AssertionError.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> check(List.of("../../etc")))
                .isInstanceOf(AssertionError.class);
    }
}
