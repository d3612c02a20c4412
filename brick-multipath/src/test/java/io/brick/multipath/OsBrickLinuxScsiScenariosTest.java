package io.brick.multipath;

import ch.qos.logback.classic.Level;
import io.brick.core.bootstrap.Brick;
import io.brick.core.error.CommandFailedException;
import io.brick.core.error.HostStateException;
import io.brick.core.lock.ProcessLocks;
import io.brick.core.model.DevicePath;
import io.brick.core.model.Hctl;
import io.brick.core.model.MultipathMap;
import io.brick.core.model.Wwid;
import io.brick.core.port.Command;
import io.brick.core.port.CommandResult;
import io.brick.core.port.CommandRunner;
import io.brick.core.port.DeviceFlusher;
import io.brick.core.port.TopologyProvider;
import io.brick.core.time.Deadline;
import io.brick.core.time.Retrier;
import io.brick.multipath.MultipathTopologyParser.TopologyMap;
import io.brick.multipath.MultipathTopologyParser.TopologyPath;
import io.brick.sysfs.SysfsPlugin;
import io.brick.testkit.host.CommandLogEntry;
import io.brick.testkit.host.Latencies;
import io.brick.testkit.host.RecordedLab;
import io.brick.testkit.host.SimulatedHost;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * os-brick's {@code test_linuxscsi.py} scenarios that concern multipath-tools (§7.2 of the behaviour inventory),
 * each named after the os-brick test it mirrors: the manager on the simulated host with the lab's LUN 1 attached
 * through both portals ({@code dm-0} over {@code sda} and {@code sdb}, named by its WWID), and the {@code multipath -l}
 * outputs of os-brick's tests through {@link MultipathTopologyParser}. Where a scenario needs multipathd to answer
 * what the simulated host does not (a broken socket, a command that does nothing), a runner in front of the host
 * rewrites that one answer; everything else is the host's.
 */
class OsBrickLinuxScsiScenariosTest {
    private static final String WWID = RecordedLab.LUN1_WWID;

    @TempDir
    Path dir;

    private SimulatedHost host;
    private Brick brick;
    private TopologyProvider topology;

    @BeforeEach
    void attach() {
        host = RecordedLab.attach(RecordedLab.host(dir, Latencies.zero()), 2);
        brick = Brick.builder().plugins(new SysfsPlugin()).hostRoot(host.hostRoot())
                .commandRunner(host.commandRunner()).clock(host.clock()).sleeper(host.clock())
                .processLocks(ProcessLocks.none()).build();
        topology = brick.port(TopologyProvider.class);
        host.oracle().operatingOn(Wwid.of(WWID));
    }

    @AfterEach
    void stop() {
        brick.close();
        host.close();
    }

    private MultipathdMultipathManager manager() {
        return manager(host.commandRunner());
    }

    private MultipathdMultipathManager manager(CommandRunner runner) {
        return new MultipathdMultipathManager(runner, topology, new Retrier(host.clock(), host.clock()),
                MultipathConfig.defaults());
    }

    private MultipathMap map() {
        return topology.multipathMap("dm-0").orElseThrow();
    }

    private Deadline deadline() {
        return Deadline.after(Duration.ofMinutes(5), host.clock());
    }

    private int commandCount() {
        return host.oracle().commandLog().size();
    }

    private List<String> commandsSince(int from) {
        List<CommandLogEntry> log = host.oracle().commandLog();
        return log.subList(from, log.size()).stream().map(CommandLogEntry::display).toList();
    }

    private void deletePaths(List<String> names) {
        brick.port(DeviceFlusher.class).removeDevices(names, deadline());
    }

    /** Answers the commands {@code answer} knows itself (non-null result) and lets the host answer the others. */
    private CommandRunner rewriting(Function<Command, CommandResult> answer) {
        return command -> {
            CommandResult rewritten = answer.apply(command);
            return rewritten != null ? rewritten : host.commandRunner().run(command);
        };
    }

    private static CommandResult result(Command command, int exitCode, String stdout, String stderr) {
        return new CommandResult(command.display(), exitCode, stdout, stderr, Duration.ZERO, false);
    }

    // ------------------------------------------------------------------------------------------- flush

    @Test
    void test_flush_multipath_device() {
        int before = commandCount();

        manager().flushMap(map(), deadline());

        List<CommandLogEntry> log = host.oracle().commandLog();
        assertThat(log.subList(before, log.size())).singleElement().satisfies(entry -> {
            assertThat(entry.argv()).as("by the map's name, dm/name").containsExactly("multipath", "-f", WWID);
            assertThat(entry.exitCode()).isZero();
        });
        assertThat(topology.multipathMap("dm-0")).isEmpty();
    }

    // ------------------------------------------------------------------------------------------- multipathd paths

    @Test
    void test_wait_multipathd_remove_paths_success() {
        List<String> paths = map().slaves();
        deletePaths(paths);
        int before = commandCount();

        assertThat(manager().forgetPaths(paths, deadline())).isEmpty();
        assertThat(commandsSince(before)).containsExactly("multipathd show paths raw format %d");
    }

    @Test
    void test_wait_multipathd_remove_paths_retry() {
        List<String> paths = map().slaves();
        int before = commandCount();

        List<String> removed = manager().forgetPaths(paths, deadline());

        assertThat(removed).as("no second listing: what is still listed is deleted at once").isEqualTo(paths);
        assertThat(commandsSince(before)).containsExactly("multipathd show paths raw format %d",
                "multipathd del path /dev/" + paths.get(0), "multipathd del path /dev/" + paths.get(1));
    }

    @Test
    void test_wait_multipathd_remove_paths_fails() {
        List<String> paths = map().slaves();
        CommandRunner delPathRefused = rewriting(command -> command.display().startsWith("multipathd del path")
                ? result(command, 1, "fail\n", "") : null);
        int before = commandCount();

        List<String> removed = manager(delPathRefused).forgetPaths(paths, deadline());

        assertThat(removed).as("a refused del path is logged, the others still tried, nothing raised")
                .isEqualTo(paths);
        assertThat(commandsSince(before)).containsExactly("multipathd show paths raw format %d");
    }

    @Test
    void test_remove_connection_multipath_complete_uevent_fail() {
        List<String> paths = map().slaves();
        String listedBeforeRemoval = host.commandRunner().run(Command.builder("multipathd")
                .args("show", "paths", "raw", "format", "%d").build()).stdout();
        manager().flushMap(map(), deadline());
        deletePaths(paths);
        CommandRunner lateUevents = rewriting(command -> command.display().equals("multipathd show paths raw format %d")
                ? result(command, 0, listedBeforeRemoval, "") : null);
        int before = commandCount();

        List<String> removed = manager(lateUevents).forgetPaths(paths, deadline());

        assertThat(removed).isEqualTo(paths);
        assertThat(commandsSince(before)).containsExactly("multipathd del path /dev/" + paths.get(0),
                "multipathd del path /dev/" + paths.get(1));
    }

    @Test
    void test_multipath_show_paths() {
        int before = commandCount();

        manager().forgetPaths(List.of("sdz"), deadline());

        assertThat(commandsSince(before)).containsExactly("multipathd show paths raw format %d");
    }

    @Test
    void test_multipath_del_path() {
        int before = commandCount();

        manager().forgetPaths(List.of("sda"), deadline());

        assertThat(commandsSince(before)).containsExactly("multipathd show paths raw format %d",
                "multipathd del path /dev/sda");
    }

    @Test
    void test_multipath_add_wwid() {
        int before = commandCount();

        manager().addWwid(Wwid.of(WWID), deadline());

        assertThat(commandsSince(before)).containsExactly("multipath -a " + WWID);
    }

    @Test
    void test_multipath_add_path() {
        int before = commandCount();

        manager().addPath(DevicePath.of("/dev/sda"), deadline());

        assertThat(commandsSince(before)).containsExactly("multipathd add path /dev/sda");
    }

    // ------------------------------------------------------------------------------------------- resize

    @Test
    void test_multipath_resize_map() {
        host.storage().target(RecordedLab.TARGET).resizeLun(1, 256L << 20);
        map().slaves().forEach(brick.port(DeviceFlusher.class)::rescan);
        host.settle();
        int before = commandCount();

        manager().resizeMap(map(), deadline());

        assertThat(commandsSince(before)).as("by dm-N, which works with user_friendly_names too")
                .containsExactly("multipathd resize map dm-0");
        assertThat(map().sizeBytes()).isEqualTo(256L << 20);
    }

    @Test
    void test_multipath_reconfigure() {
        int before = commandCount();

        manager().resizeMap(map(), deadline());

        assertThat(commandsSince(before)).as("brick never runs 'multipathd reconfigure'")
                .noneMatch(command -> command.contains("reconfigure")).containsExactly("multipathd resize map dm-0");
    }

    // ------------------------------------------------------------------------------------------- is running

    @Test
    void test_is_multipath_running() {
        int before = commandCount();

        assertThat(manager().available(deadline())).isTrue();
        List<CommandLogEntry> log = host.oracle().commandLog();
        assertThat(log.subList(before, log.size())).extracting(CommandLogEntry::argv)
                .containsExactly(List.of("multipathd", "show", "status"));
    }

    @Test
    void test_is_multipath_running_failure_exit_code_0() {
        CommandRunner brokenSocket = rewriting(command -> command.display().equals("multipathd show status")
                ? result(command, 0, "error receiving packet\n", "") : null);

        assertThat(manager(brokenSocket).available(deadline())).isFalse();
    }

    @Test
    void test_is_multipath_running_failure_not_enforcing_multipath() {
        CommandRunner missing = command -> {
            throw new CommandFailedException(command.display(), 127, "", "multipathd: command not found", false);
        };

        try (CapturedLogs logs = CapturedLogs.of(MultipathdMultipathManager.class)) {
            assertThat(manager(missing).available(deadline())).isFalse();
            assertThat(logs.above(Level.DEBUG)).as("nothing above DEBUG: enforcing is the connector's").isEmpty();
            assertThat(logs.messages()).isNotEmpty();
        }
    }

    @Test
    void test_is_multipath_running_failure_not_enforcing_exit_code_0() {
        CommandRunner brokenSocket = rewriting(command -> command.display().equals("multipathd show status")
                ? result(command, 0, "error receiving packet\n", "") : null);

        try (CapturedLogs logs = CapturedLogs.of(MultipathdMultipathManager.class)) {
            assertThat(manager(brokenSocket).available(deadline())).isFalse();
            assertThat(logs.above(Level.DEBUG)).isEmpty();
            assertThat(logs.messages()).isNotEmpty();
        }
    }

    // ------------------------------------------------------------------------------------------- del map

    @Test
    void test_multipath_del_map_not_present() {
        MultipathMap map = map();
        manager().flushMap(map, deadline());
        int before = commandCount();

        manager().removeMap(map, deadline());

        assertThat(commandsSince(before)).isEmpty();
    }

    @Test
    void test_multipath_del_map() {
        boolean[] refused = {false};
        CommandRunner firstDelMapFails = rewriting(command -> {
            if (command.display().startsWith("multipathd del map") && !refused[0]) {
                refused[0] = true;
                return result(command, 1, "fail\n", "");
            }
            return null;
        });
        int before = commandCount();

        manager(firstDelMapFails).removeMap(map(), deadline());

        assertThat(topology.multipathMap("dm-0")).isEmpty();
        assertThat(commandsSince(before)).as("del map refused: dmsetup removes it in the same attempt")
                .containsExactly("multipathd disablequeueing map " + WWID, "dmsetup remove --force --retry " + WWID);
        assertThat(refused[0]).isTrue();
    }

    @Test
    void test_multipath_del_map_retries_cmd_fails() {
        MultipathMap map = map();
        int[] attempts = {0};
        CommandRunner alwaysFails = rewriting(command -> {
            if (command.display().startsWith("multipathd del map")) {
                attempts[0]++;
                return result(command, 1, "fail\n", "");
            }
            if (command.display().startsWith("dmsetup remove")) {
                return result(command, 1, "", "device-mapper: remove ioctl on " + WWID
                        + "  failed: Device or resource busy\nCommand failed.\n");
            }
            return null;
        });
        int before = commandCount();

        HostStateException failure = catchThrowableOfType(() -> manager(alwaysFails).removeMap(map, deadline()),
                HostStateException.class);

        assertThat(failure).isNotNull();
        assertThat(failure.evidence()).containsEntry("map", "dm-0").containsEntry("delMapAnswer", "fail")
                .containsEntry("dmsetupExitCode", "1");
        assertThat(failure.getMessage()).contains("could not be removed", "Device or resource busy");
        assertThat(attempts[0]).isEqualTo(3);
        assertThat(commandsSince(before)).as("three attempts, then the open count")
                .containsExactly("multipathd disablequeueing map " + WWID, "dmsetup info " + WWID);
        assertThat(topology.multipathMap("dm-0")).isPresent();
    }

    @Test
    void test_multipath_del_map_retries_remains() {
        MultipathMap map = map();
        int[] attempts = {0};
        CommandRunner nothingHappens = rewriting(command -> {
            if (command.display().startsWith("multipathd del map")) {
                attempts[0]++;
                return result(command, 0, "ok\n", "");
            }
            if (command.display().startsWith("dmsetup remove")) {
                return result(command, 0, "", "");
            }
            return null;
        });
        Duration start = host.clock().elapsed();

        HostStateException failure = catchThrowableOfType(() -> manager(nothingHappens).removeMap(map, deadline()),
                HostStateException.class);

        assertThat(failure).isNotNull();
        assertThat(failure.evidence()).containsEntry("delMapAnswer", "ok").containsEntry("dmsetupExitCode", "0");
        assertThat(attempts[0]).isEqualTo(3);
        assertThat(host.clock().elapsed().minus(start)).as("1 s then 2 s between attempts")
                .isGreaterThanOrEqualTo(Duration.ofSeconds(3));
        assertThat(topology.multipathMap("dm-0")).isPresent();
    }

    // ------------------------------------------------------------------------------------------- multipath -l

    private static TopologyMap only(String stdout) {
        List<TopologyMap> maps = MultipathTopologyParser.parse(stdout);
        assertThat(maps).hasSize(1);
        return maps.get(0);
    }

    private static void assertPath(TopologyPath path, String device, String hctl) {
        assertThat(path.device()).isEqualTo(device);
        assertThat(path.hctl()).contains(Hctl.parse(hctl));
    }

    @Test
    void test_find_multipath_device_3par_ufn() {
        TopologyMap map = only("""
                mpath6 (350002ac20398383d) dm-3 3PARdata,VV
                size=2.0G features='0' hwhandler='0' wp=rw
                `-+- policy='round-robin 0' prio=-1 status=active
                  |- 0:0:0:1 sde 8:64 active undef running
                  `- 2:0:0:1 sdf 8:80 active undef running
                """);

        assertThat(map.id()).isEqualTo("350002ac20398383d");
        assertThat(map.name()).as("/dev/mapper/mpath6").isEqualTo("mpath6");
        assertThat(map.sysfsName()).isEqualTo("dm-3");
        assertPath(map.paths().get(0), "sde", "0:0:0:1");
        assertPath(map.paths().get(1), "sdf", "2:0:0:1");
    }

    @Test
    void test_find_multipath_device_svc() {
        TopologyMap map = only("""
                36005076da00638089c000000000004d5 dm-2 IBM,2145
                size=954M features='1 queue_if_no_path' hwhandler='0' wp=rw
                |-+- policy='round-robin 0' prio=-1 status=active
                | |- 6:0:2:0 sde 8:64  active undef  running
                | `- 6:0:4:0 sdg 8:96  active undef  running
                `-+- policy='round-robin 0' prio=-1 status=enabled
                  |- 6:0:3:0 sdf 8:80  active undef  running
                  `- 6:0:5:0 sdh 8:112 active undef  running
                """);

        assertThat(map.id()).isEqualTo("36005076da00638089c000000000004d5");
        assertThat(map.name()).isEqualTo("36005076da00638089c000000000004d5");
        assertThat(map.pathGroups()).hasSize(2);
        assertThat(map.paths()).hasSize(4);
        assertPath(map.paths().get(0), "sde", "6:0:2:0");
        assertPath(map.paths().get(2), "sdf", "6:0:3:0");
    }

    @Test
    void test_find_multipath_device_ds8000() {
        TopologyMap map = only("""
                36005076303ffc48e0000000000000101 dm-2 IBM,2107900
                size=1.0G features='1 queue_if_no_path' hwhandler='0' wp=rw
                `-+- policy='round-robin 0' prio=-1 status=active
                  |- 6:0:2:0  sdd 8:64  active undef  running
                  `- 6:1:0:3  sdc 8:32  active undef  running
                """);

        assertThat(map.id()).isEqualTo("36005076303ffc48e0000000000000101");
        assertPath(map.paths().get(0), "sdd", "6:0:2:0");
        assertPath(map.paths().get(1), "sdc", "6:1:0:3");
    }

    @Test
    void test_find_multipath_device_with_error() {
        TopologyMap map = only("""
                Oct 13 10:24:01 | /lib/udev/scsi_id exited with 1
                36005076303ffc48e0000000000000101 dm-2 IBM,2107900
                size=1.0G features='1 queue_if_no_path' hwhandler='0' wp=rw
                `-+- policy='round-robin 0' prio=-1 status=active
                  |- 6:0:2:0  sdd 8:64  active undef  running
                  `- 6:1:0:3  sdc 8:32  active undef  running
                """);

        assertThat(map.id()).isEqualTo("36005076303ffc48e0000000000000101");
        assertThat(map.name()).isEqualTo("36005076303ffc48e0000000000000101");
        assertPath(map.paths().get(0), "sdd", "6:0:2:0");
        assertPath(map.paths().get(1), "sdc", "6:1:0:3");
    }

    @Test
    void test_find_multipath_device_with_multiple_errors() {
        TopologyMap map = only("""
                Jun 21 04:39:26 | 8:160: path wwid appears to have changed. Using old wwid.

                Jun 21 04:39:26 | 65:208: path wwid appears to have changed. Using old wwid.

                Jun 21 04:39:26 | 65:208: path wwid appears to have changed. Using old wwid.
                3624a93707edcfde1127040370004ee62 dm-84 PURE    ,FlashArray
                size=100G features='0' hwhandler='0' wp=rw
                `-+- policy='queue-length 0' prio=1 status=active
                  |- 8:0:0:9  sdaa 65:160 active ready running
                  `- 8:0:1:9  sdac 65:192 active ready running
                """);

        assertThat(map.id()).isEqualTo("3624a93707edcfde1127040370004ee62");
        assertThat(map.sysfsName()).isEqualTo("dm-84");
        assertThat(map.vendor()).isEqualTo("PURE");
        assertThat(map.product()).isEqualTo("FlashArray");
        assertPath(map.paths().get(0), "sdaa", "8:0:0:9");
        assertPath(map.paths().get(1), "sdac", "8:0:1:9");
    }

    @Test
    void test_find_multipath_device_with_action() {
        TopologyMap map = only("""

                create: 36005076303ffc48e0000000000000101 dm-2 IBM,2107900
                size=1.0G features='1 queue_if_no_path' hwhandler='0'
                 wp=rw
                `-+- policy='round-robin 0' prio=-1 status=active
                  |- 6:0:2:0 sdd 8:64  active undef  running
                  `- 6:1:0:3 sdc 8:32  active undef  running
                """);

        assertThat(map.action()).contains("create");
        assertThat(map.id()).isEqualTo("36005076303ffc48e0000000000000101");
        assertThat(map.name()).isEqualTo("36005076303ffc48e0000000000000101");
        assertPath(map.paths().get(0), "sdd", "6:0:2:0");
        assertPath(map.paths().get(1), "sdc", "6:1:0:3");
    }
}
