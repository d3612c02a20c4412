package io.brick.multipath;

import io.brick.core.bootstrap.Brick;
import io.brick.core.error.CommandFailedException;
import io.brick.core.error.FlushFailedException;
import io.brick.core.error.HostStateException;
import io.brick.core.error.OperationTimeoutException;
import io.brick.core.lock.ProcessLocks;
import io.brick.core.model.DevicePath;
import io.brick.core.model.MultipathMap;
import io.brick.core.model.Wwid;
import io.brick.core.port.Command;
import io.brick.core.port.CommandResult;
import io.brick.core.port.CommandRunner;
import io.brick.core.port.DeviceFlusher;
import io.brick.core.port.TopologyProvider;
import io.brick.core.port.MultipathManager;
import io.brick.core.port.WwidRecords;
import io.brick.core.time.Deadline;
import io.brick.core.time.Retrier;
import io.brick.sysfs.SysfsPlugin;
import io.brick.testkit.host.CommandLogEntry;
import io.brick.testkit.host.DataLossEvent;
import io.brick.testkit.host.FaultKind;
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
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * {@link MultipathdMultipathManager} on the simulated host with the lab's LUN 1 attached through both portals: one
 * two-path map, {@code dm-0}, named by its WWID.
 */
class MultipathdMultipathManagerTest {
    private static final String WWID = RecordedLab.LUN1_WWID;
    private static final Duration BUDGET = Duration.ofMinutes(5);

    @TempDir
    Path dir;

    private SimulatedHost host;
    private Brick brick;
    private TopologyProvider topology;
    private MultipathdMultipathManager manager;

    @BeforeEach
    void attach() {
        host = RecordedLab.attach(RecordedLab.host(dir, Latencies.zero()), 2);
        brick = Brick.builder().plugins(new SysfsPlugin()).hostRoot(host.hostRoot())
                .commandRunner(host.commandRunner()).clock(host.clock()).sleeper(host.clock())
                .processLocks(ProcessLocks.none()).build();
        topology = brick.port(TopologyProvider.class);
        manager = manager(host.commandRunner(), MultipathConfig.defaults());
        host.oracle().operatingOn(Wwid.of(WWID));
    }

    @AfterEach
    void stop() {
        brick.close();
        host.close();
    }

    private MultipathdMultipathManager manager(CommandRunner runner, MultipathConfig config) {
        return new MultipathdMultipathManager(runner, topology, new Retrier(host.clock(), host.clock()), config);
    }

    private MultipathdMultipathManager managerRecording(WwidRecords records) {
        return new MultipathdMultipathManager(host.commandRunner(), topology, new Retrier(host.clock(), host.clock()),
                MultipathConfig.defaults(), Optional.of(records));
    }

    private MultipathMap map() {
        return topology.multipathMap("dm-0").orElseThrow();
    }

    private Deadline deadline() {
        return Deadline.after(BUDGET, host.clock());
    }

    private List<String> commandsSince(int from) {
        List<CommandLogEntry> log = host.oracle().commandLog();
        return log.subList(from, log.size()).stream().map(CommandLogEntry::display).toList();
    }

    private int commandCount() {
        return host.oracle().commandLog().size();
    }

    private void write(String file, String value) {
        try {
            Files.writeString(host.root().resolve(file), value);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        host.settle();
    }

    // ------------------------------------------------------------------------------------------- available

    @Test
    void availableWhenMultipathdAnswers() {
        int before = commandCount();

        assertThat(manager.available(deadline())).isTrue();
        assertThat(commandsSince(before)).containsExactly("multipathd show status");
    }

    @Test
    void notAvailableWhenMultipathdIsDown() {
        host.faults().multipathdDown();

        assertThat(manager.available(deadline())).isFalse();
        assertThat(manager.availability(deadline())).isEqualTo(MultipathManager.Availability.NOT_RUNNING);
    }

    @Test
    void aStatusThatTimesOutIsNoAnswerNotNotRunning() {
        CommandRunner silent = command -> {
            if (command.display().equals("multipathd show status")) {
                throw new io.brick.core.error.CommandTimeoutException(command.display(), Duration.ofSeconds(10), "");
            }
            return host.commandRunner().run(command);
        };
        CommandRunner missing = command -> {
            throw new io.brick.core.error.CommandFailedException(command.display(), -1, "", "multipathd: not found",
                    false);
        };

        assertThat(manager(silent, MultipathConfig.defaults()).availability(deadline()))
                .isEqualTo(MultipathManager.Availability.NO_ANSWER);
        assertThat(manager(silent, MultipathConfig.defaults()).available(deadline())).isFalse();
        assertThat(manager.availability(deadline())).isEqualTo(MultipathManager.Availability.RUNNING);
        assertThat(manager(missing, MultipathConfig.defaults()).availability(deadline()))
                .isEqualTo(MultipathManager.Availability.NOT_RUNNING);
    }

    @Test
    void aPassedDeadlineRunsNothing() {
        Deadline passed = Deadline.after(Duration.ZERO, host.clock());
        int before = commandCount();

        assertThatThrownBy(() -> manager.available(passed)).isInstanceOf(OperationTimeoutException.class);
        assertThatThrownBy(() -> manager.flushMap(map(), passed)).isInstanceOf(OperationTimeoutException.class);
        assertThat(commandsSince(before)).isEmpty();
        assertThat(topology.multipathMap("dm-0")).isPresent();
    }

    // ------------------------------------------------------------------------------------------- add

    @Test
    void addWwidAndAddPathTellMultipath() {
        MultipathMap map = map();
        int before = commandCount();

        manager.addWwid(Wwid.of(WWID), deadline());
        manager.addPath(DevicePath.ofKernelName(map.slaves().get(0)), deadline());

        assertThat(commandsSince(before)).containsExactly("multipath -a " + WWID,
                "multipathd add path /dev/" + map.slaves().get(0));
    }

    /**
     * Issue 18, item 5: the wwids file says which WWID is listed; {@code multipath -a} records nothing (0.9.4 says
     * {@code added} either way); only a WWID recorded as added is ever removed again, and not while its map is there.
     */
    @Test
    void aWwidIsListedByTheFileAndOnlyARecordedOneIsEverRemoved() {
        WwidRecords records = brick.port(WwidRecords.class);
        MultipathdMultipathManager recording = managerRecording(records);
        Wwid absent = Wwid.of("36001405000000000000000000000abcd");
        host.run("multipath", "-a", RecordedLab.LUN0_WWID);

        assertThat(recording.listedWwids().listed(Wwid.of(RecordedLab.LUN0_WWID))).isTrue();
        assertThat(recording.listedWwids().listed(absent)).isFalse();
        recording.addWwid(Wwid.of(RecordedLab.LUN0_WWID), deadline());
        recording.wwidAdded(Wwid.of(WWID));

        assertThat(records.recorded(Wwid.of(WWID))).isTrue();
        assertThat(records.recorded(Wwid.of(RecordedLab.LUN0_WWID))).as("multipath -a records nothing").isFalse();
        assertThat(host.oracle().wwidsFile()).contains(WWID, RecordedLab.LUN0_WWID);
        int before = commandCount();

        recording.forgetWwid(Wwid.of(RecordedLab.LUN0_WWID), deadline());
        recording.forgetWwid(Wwid.of(WWID), deadline());

        assertThat(commandsSince(before)).as("no record: nothing; the map is still there: nothing").isEmpty();
        assertThat(records.recorded(Wwid.of(WWID))).isTrue();
        assertThat(host.oracle().wwidsFile()).contains(WWID, RecordedLab.LUN0_WWID);
    }

    @Test
    void aRecordedWwidWhoseVolumeIsGoneIsRemovedFromTheWwidsFileAndItsRecordDropped() {
        WwidRecords records = brick.port(WwidRecords.class);
        MultipathdMultipathManager recording = managerRecording(records);
        Wwid gone = Wwid.of("36001405000000000000000000000abcd");
        host.run("multipath", "-a", gone.value());
        recording.wwidAdded(gone);
        int before = commandCount();

        recording.forgetWwid(gone, deadline());

        assertThat(commandsSince(before)).containsExactly("multipath -w " + gone.value());
        assertThat(host.oracle().wwidsFile()).doesNotContain(gone.value());
        assertThat(records.recorded(gone)).as("the record goes with the line").isFalse();
    }

    @Test
    void aWwidIsTakenForListedWhenThereAreNoRecordsOrTheWwidsFileCannotBeRead() {
        Wwid absent = Wwid.of("36001405000000000000000000000abcd");
        WwidRecords unreadable = new WwidRecords() {
            @Override
            public void record(Wwid wwid) {
            }

            @Override
            public boolean recorded(Wwid wwid) {
                return false;
            }

            @Override
            public void drop(Wwid wwid) {
            }

            @Override
            public java.util.Set<Wwid> listed() {
                throw new HostStateException("cannot read /etc/multipath/wwids", Map.of("file", "wwids"));
            }
        };
        MultipathdMultipathManager withUnreadableFile = managerRecording(unreadable);

        // "listed" means brick will not take the WWID for one it added, so it never removes it later
        assertThat(manager.listedWwids().listed(absent)).as("no records installed").isTrue();
        assertThat(withUnreadableFile.listedWwids().listed(absent)).as("the file cannot be read").isTrue();
    }

    @Test
    void withoutRecordsNothingIsRecordedAndNoWwidIsEverRemoved() {
        manager.addWwid(Wwid.of(RecordedLab.LUN0_WWID), deadline());
        int before = commandCount();

        manager.forgetWwid(Wwid.of(RecordedLab.LUN0_WWID), deadline());

        assertThat(commandsSince(before)).isEmpty();
        assertThat(host.oracle().wwidsFile()).contains(RecordedLab.LUN0_WWID);
        assertThat(brick.port(WwidRecords.class).recorded(Wwid.of(RecordedLab.LUN0_WWID))).isFalse();
    }

    @Test
    void addPathIsBestEffortWhenMultipathdIsDown() {
        host.faults().multipathdDown();
        int before = commandCount();

        manager.addPath(DevicePath.of("/dev/" + map().slaves().get(0)), deadline());

        assertThat(commandsSince(before)).hasSize(1);
    }

    // ------------------------------------------------------------------------------------------- flush

    @Test
    void flushOfAnIdleMapRemovesItWithOneCommand() {
        host.write(DevicePath.of("/dev/dm-0"));
        int before = commandCount();

        manager.flushMap(map(), deadline());

        assertThat(commandsSince(before)).containsExactly("multipath -f " + WWID);
        assertThat(topology.multipathMap("dm-0")).isEmpty();
        assertThat(host.oracle().dataLossEvents()).isEmpty();
        assertThat(host.oracle().wrongDeviceEvents()).isEmpty();
    }

    @Test
    void flushOfAMapThatIsAlreadyGoneRunsNothing() {
        MultipathMap map = map();
        manager.flushMap(map, deadline());
        int before = commandCount();

        manager.flushMap(map, deadline());

        assertThat(commandsSince(before)).isEmpty();
    }

    @Test
    void flushOfAnOpenMapFailsAfterTheConfiguredAttemptsNamingTheOpenCount() {
        host.open(DevicePath.of("/dev/dm-0"));
        int before = commandCount();

        FlushFailedException failure = catchThrowableOfType(() -> manager.flushMap(map(), deadline()),
                FlushFailedException.class);

        assertThat(failure).isNotNull();
        assertThat(failure.kind()).isEqualTo("flush-failed");
        assertThat(failure.evidence()).containsEntry("map", "dm-0").containsEntry("name", WWID)
                .containsEntry("wwid", WWID).containsEntry("attempts", "3").containsEntry("exitCode", "1")
                .containsEntry("openCount", "1").containsEntry("usablePaths", "2");
        assertThat(failure.evidence().get("message")).contains("map in use");
        assertThat(failure.evidence().get("heldBy")).isEqualTo("held open 1 time(s)");
        assertThat(failure.getMessage()).contains("dm-0", "map in use", "held open 1 time(s)");
        assertThat(commandsSince(before)).containsExactly("multipath -f " + WWID, "multipath -f " + WWID,
                "multipath -f " + WWID, "dmsetup info " + WWID, "multipath -ll " + WWID);
        assertThat(topology.multipathMap("dm-0")).isPresent();
        assertThat(host.oracle().dataLossEvents()).isEmpty();
    }

    @Test
    void flushWaitsOneThenTwoSecondsBetweenAttempts() {
        host.open(DevicePath.of("/dev/dm-0"));
        int before = commandCount();

        assertThatThrownBy(() -> manager.flushMap(map(), deadline())).isInstanceOf(FlushFailedException.class);

        List<Duration> starts = host.oracle().commandLog().subList(before, before + 3).stream()
                .map(CommandLogEntry::start).toList();
        assertThat(starts.get(1).minus(starts.get(0))).isEqualTo(Duration.ofSeconds(1));
        assertThat(starts.get(2).minus(starts.get(1))).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void flushAttemptsFollowTheConfiguration() {
        host.open(DevicePath.of("/dev/dm-0"));
        MultipathConfig once = new MultipathConfig(1, Duration.ofSeconds(1), 2.0, Duration.ofSeconds(10),
                Duration.ofSeconds(60), Duration.ofSeconds(120), Duration.ofSeconds(1));
        int before = commandCount();

        FlushFailedException failure = catchThrowableOfType(
                () -> manager(host.commandRunner(), once).flushMap(map(), deadline()), FlushFailedException.class);

        assertThat(failure.evidence()).containsEntry("attempts", "1");
        assertThat(commandsSince(before)).filteredOn(command -> command.startsWith("multipath -f")).hasSize(1);
    }

    @Test
    void flushRetriesStopBeforeTheDeadline() {
        host.open(DevicePath.of("/dev/dm-0"));
        int before = commandCount();

        FlushFailedException failure = catchThrowableOfType(
                () -> manager.flushMap(map(), Deadline.after(Duration.ofMillis(2500), host.clock())),
                FlushFailedException.class);

        assertThat(failure.evidence()).containsEntry("attempts", "2").containsEntry("openCount", "1");
        assertThat(commandsSince(before)).filteredOn(command -> command.startsWith("multipath -f")).hasSize(2);
    }

    @Test
    void aBusyMapFailsWithWhatTheToolSaid() {
        host.faults().busyMap(WWID);

        FlushFailedException failure = catchThrowableOfType(() -> manager.flushMap(map(), deadline()),
                FlushFailedException.class);

        assertThat(failure.evidence()).containsEntry("openCount", "0").containsEntry("queueIfNoPath", "true")
                .containsEntry("usablePaths", "2")
                .containsEntry("heldBy", "nothing visible: not open, and not queueing without a usable path");
        assertThat(failure.evidence().get("message")).contains("map in use");
        assertThat(host.oracle().firedByKind()).containsEntry(FaultKind.BUSY_MAP, 3);
        assertThat(topology.multipathMap("dm-0")).isPresent();
    }

    @Test
    void queueingWithNoUsablePathFailsTheFlushAndSaysSo() {
        host.write(DevicePath.of("/dev/dm-0"));
        host.faults().allPathsDown(WWID);

        FlushFailedException failure = catchThrowableOfType(() -> manager.flushMap(map(), deadline()),
                FlushFailedException.class);

        assertThat(failure.evidence()).containsEntry("queueIfNoPath", "true").containsEntry("usablePaths", "0")
                .containsEntry("openCount", "0");
        assertThat(failure.evidence().get("features")).contains("queue_if_no_path");
        assertThat(failure.evidence().get("heldBy")).startsWith("queue_if_no_path with no usable path");
        assertThat(failure.getMessage()).contains("queue_if_no_path with no usable path");
        assertThat(topology.multipathMap("dm-0")).isPresent();
        assertThat(host.oracle().dataLossEvents()).isEmpty();
    }

    // ------------------------------------------------------------------------------------------- remove

    @Test
    void removeMapAfterAFailedFlushRemovesAnOpenMapLosingItsData() {
        host.write(DevicePath.of("/dev/dm-0"));
        host.open(DevicePath.of("/dev/dm-0"));
        MultipathMap map = map();
        assertThatThrownBy(() -> manager.flushMap(map, deadline())).isInstanceOf(FlushFailedException.class);
        int before = commandCount();

        manager.removeMap(map, deadline());

        assertThat(topology.multipathMap("dm-0")).isEmpty();
        assertThat(commandsSince(before)).containsExactly("multipathd disablequeueing map " + WWID,
                "multipathd del map " + WWID, "dmsetup remove --force --retry " + WWID);
        assertThat(host.oracle().dataLossEvents()).singleElement().satisfies(event -> {
            assertThat(event.device()).isEqualTo("dm-0");
            assertThat(event.forced()).isTrue();
        });
        assertThat(host.oracle().wrongDeviceEvents()).isEmpty();
    }

    @Test
    void removeMapOfAMapQueueingWithoutPathsSwitchesQueueingOffThenDeletesIt() {
        host.write(DevicePath.of("/dev/dm-0"));
        host.faults().allPathsDown(WWID);
        MultipathMap map = map();
        assertThatThrownBy(() -> manager.flushMap(map, deadline())).isInstanceOf(FlushFailedException.class);
        int before = commandCount();

        manager.removeMap(map, deadline());

        assertThat(topology.multipathMap("dm-0")).isEmpty();
        assertThat(commandsSince(before)).containsExactly("multipathd disablequeueing map " + WWID,
                "multipathd del map " + WWID);
        assertThat(host.oracle().dataLossEvents()).extracting(DataLossEvent::forced).containsExactly(true);
    }

    @Test
    void removeMapWithoutMultipathdSwitchesQueueingOffThroughDmsetup() {
        host.open(DevicePath.of("/dev/dm-0"));
        host.faults().multipathdDown();
        int before = commandCount();

        manager.removeMap(map(), deadline());

        assertThat(topology.multipathMap("dm-0")).isEmpty();
        assertThat(commandsSince(before)).containsExactly("multipathd disablequeueing map " + WWID,
                "dmsetup message " + WWID + " 0 fail_if_no_path", "multipathd del map " + WWID,
                "dmsetup remove --force --retry " + WWID);
    }

    @Test
    void removeMapThatStaysRaisesWithEvidence() {
        MultipathMap map = map();
        CommandRunner removalsIgnored = command -> command.display().startsWith("dmsetup remove")
                ? new CommandResult(command.display(), 1, "", "device-mapper: remove ioctl on " + WWID
                + "  failed: Device or resource busy\nCommand failed.\n", Duration.ZERO, false)
                : host.commandRunner().run(command);
        host.open(DevicePath.of("/dev/dm-0"));

        HostStateException failure = catchThrowableOfType(
                () -> manager(removalsIgnored, MultipathConfig.defaults()).removeMap(map, deadline()),
                HostStateException.class);

        assertThat(failure.evidence()).containsEntry("map", "dm-0").containsEntry("delMapAnswer", "fail")
                .containsEntry("dmsetupExitCode", "1").containsEntry("openCount", "1");
        assertThat(failure.getMessage()).contains("could not be removed", "Device or resource busy", "held open 1");
        assertThat(topology.multipathMap("dm-0")).isPresent();
    }

    @Test
    void aMapWhoseKernelNameNowBelongsToAnotherMapIsGoneFlushAndRemoveRunNothingAndLeaveTheOtherAlone() {
        MultipathMap live = map();
        // ours was dm-0 under another name; dm-0 is now another volume's map
        MultipathMap ours = new MultipathMap(live.kernelName(), "36001405aaaaaaaaaaaaaaaaaaaaaaaa0",
                Optional.of(Wwid.of("36001405aaaaaaaaaaaaaaaaaaaaaaaa0")), live.slaves(), live.sizeBytes());
        int before = commandCount();

        manager.flushMap(ours, deadline());
        manager.removeMap(ours, deadline());

        assertThat(commandsSince(before)).isEmpty();
        assertThat(topology.multipathMap(live.kernelName())).contains(live);
    }

    @Test
    void removeMapOfAMapThatIsGoneRunsNothing() {
        MultipathMap map = map();
        manager.flushMap(map, deadline());
        int before = commandCount();

        manager.removeMap(map, deadline());

        assertThat(commandsSince(before)).isEmpty();
    }

    @Test
    void aFlushThatTimesOutIsNotTriedAgainAndSaysSoWithThePathsStates() {
        java.util.List<String> flushes = new java.util.concurrent.CopyOnWriteArrayList<>();
        // multipath -f hangs, and so does dmsetup info (the device-mapper is stuck): the open count is unknown
        CommandRunner hungFlush = command -> {
            if (command.display().startsWith("multipath -f")) {
                flushes.add(command.display());
            }
            if (command.display().startsWith("multipath -f") || command.display().startsWith("dmsetup info")) {
                throw new io.brick.core.error.CommandTimeoutException(command.display(), Duration.ofSeconds(30), "");
            }
            return host.commandRunner().run(command);
        };

        FlushFailedException failure = catchThrowableOfType(
                () -> manager(hungFlush, MultipathConfig.defaults()).flushMap(map(), deadline()),
                FlushFailedException.class);

        assertThat(failure).isNotNull();
        assertThat(flushes).as("a hung flush does not get better").hasSize(1);
        assertThat(failure.evidence()).containsEntry("timedOut", "true").containsEntry("timeoutMillis", "30000")
                .containsEntry("attempts", "1").containsEntry("openCount", "unknown");
        assertThat(failure.evidence().get("paths")).contains("sda", "sdb");
        assertThat(failure.getMessage()).contains("did not finish within 30000 ms");
        assertThat(topology.multipathMap("dm-0")).isPresent();
    }

    @Test
    void aMapThatStaysThoughNobodyHoldsItOpenIsNotSaidToBeHeldOpen() {
        MultipathMap map = map();
        CommandRunner removalsIgnored = command -> {
            if (command.display().startsWith("multipathd del map")) {
                return new CommandResult(command.display(), 0, "fail\n", "", Duration.ZERO, false);
            }
            if (command.display().startsWith("dmsetup remove")) {
                return new CommandResult(command.display(), 1, "", "Command failed.\n", Duration.ZERO, false);
            }
            return host.commandRunner().run(command);
        };

        HostStateException failure = catchThrowableOfType(
                () -> manager(removalsIgnored, MultipathConfig.defaults()).removeMap(map, deadline()),
                HostStateException.class);

        assertThat(failure).isNotNull();
        assertThat(failure.evidence()).containsEntry("openCount", "0");
        assertThat(failure.getMessage()).contains("could not be removed").doesNotContain("held open");
        assertThat(topology.multipathMap("dm-0")).isPresent();
    }

    // ------------------------------------------------------------------------------------------- resize

    @Test
    void resizeAfterThePathsWereRescannedGrowsTheMap() {
        MultipathMap map = map();
        assertThat(map.sizeBytes()).isEqualTo(128L << 20);
        host.storage().target(RecordedLab.TARGET).resizeLun(1, 256L << 20);
        DeviceFlusher flusher = brick.port(DeviceFlusher.class);
        map.slaves().forEach(flusher::rescan);
        host.settle();
        assertThat(topology.device(map.slaves().get(0)).orElseThrow().sizeBytes()).isEqualTo(256L << 20);
        int before = commandCount();

        manager.resizeMap(map, deadline());

        assertThat(commandsSince(before)).containsExactly("multipathd resize map dm-0");
        assertThat(map().sizeBytes()).isEqualTo(256L << 20);
        assertThat(host.oracle().wrongDeviceEvents()).isEmpty();
    }

    @Test
    void resizeFailsAtOnceWhenMultipathdAnswersFail() {
        MultipathMap map = map();
        host.open(DevicePath.of("/dev/dm-0"));
        map.slaves().forEach(path -> write("sys/block/" + path + "/device/delete", "1"));
        assertThat(topology.multipathMap("dm-0").orElseThrow().slaves()).isEmpty();
        int before = commandCount();

        CommandFailedException failure = catchThrowableOfType(() -> manager.resizeMap(map, deadline()),
                CommandFailedException.class);

        assertThat(failure.retriable()).isFalse();
        assertThat(failure.stdout()).contains("fail");
        assertThat(failure.getMessage()).contains("multipathd resize map dm-0", "fail");
        assertThat(commandsSince(before)).containsExactly("multipathd resize map dm-0");
    }

    @Test
    void resizeIsRetriedWhileMultipathdAnswersTimeout() {
        TimeoutsFirst runner = new TimeoutsFirst(host.commandRunner(), 3);
        MultipathMap map = map();
        host.storage().target(RecordedLab.TARGET).resizeLun(1, 256L << 20);
        map.slaves().forEach(brick.port(DeviceFlusher.class)::rescan);
        host.settle();
        int before = commandCount();

        manager(runner, MultipathConfig.defaults()).resizeMap(map, deadline());

        assertThat(runner.timeouts).isEqualTo(3);
        assertThat(commandsSince(before)).containsExactly("multipathd resize map dm-0");
        assertThat(map().sizeBytes()).isEqualTo(256L << 20);
    }

    @Test
    void resizeGivesUpWhenTheWindowHasPassed() {
        TimeoutsFirst runner = new TimeoutsFirst(host.commandRunner(), Integer.MAX_VALUE);
        MultipathConfig shortWindow = new MultipathConfig(3, Duration.ofSeconds(1), 2.0, Duration.ofSeconds(10),
                Duration.ofSeconds(60), Duration.ofSeconds(5), Duration.ofSeconds(1));

        CommandFailedException failure = catchThrowableOfType(
                () -> manager(runner, shortWindow).resizeMap(map(), deadline()), CommandFailedException.class);

        assertThat(failure.retriable()).isTrue();
        assertThat(failure.getMessage()).contains("timeout");
        assertThat(runner.timeouts).isBetween(4, 6);
    }

    @Test
    void resizeRetriesNoLongerThanTheDeadline() {
        TimeoutsFirst runner = new TimeoutsFirst(host.commandRunner(), Integer.MAX_VALUE);

        assertThatThrownBy(() -> manager(runner, MultipathConfig.defaults()).resizeMap(map(),
                Deadline.after(Duration.ofSeconds(3), host.clock()))).isInstanceOf(CommandFailedException.class);
        assertThat(runner.timeouts).isBetween(2, 4);
    }

    // ------------------------------------------------------------------------------------------- forget

    @Test
    void forgetPathsRemovesThePathsMultipathdStillLists() {
        List<String> paths = map().slaves();
        assertThat(paths).hasSize(2);
        int before = commandCount();

        List<String> removed = manager.forgetPaths(List.of(paths.get(1), paths.get(0), "sdz"), deadline());

        assertThat(removed).containsExactly(paths.get(1), paths.get(0));
        assertThat(commandsSince(before)).containsExactly("multipathd show paths raw format %d",
                "multipathd del path /dev/" + paths.get(1), "multipathd del path /dev/" + paths.get(0));
    }

    @Test
    void forgetPathsAfterTheDevicesWereDeletedHasNothingToRemove() {
        List<String> paths = map().slaves();
        paths.forEach(path -> write("sys/block/" + path + "/device/delete", "1"));
        assertThat(paths).noneMatch(topology::blockDeviceExists);
        int before = commandCount();

        List<String> removed = manager.forgetPaths(paths, deadline());

        assertThat(removed).isEmpty();
        assertThat(commandsSince(before)).containsExactly("multipathd show paths raw format %d");
    }

    @Test
    void forgetPathsWithMultipathdDownRemovesNothing() {
        host.faults().multipathdDown();

        assertThat(manager.forgetPaths(map().slaves(), deadline())).isEmpty();
    }

    // ------------------------------------------------------------------------------------------- paths

    @Test
    void pathsAreWhatMultipathdSaysOfThem() {
        List<String> slaves = map().slaves();

        assertThat(manager.paths(deadline())).extracting(MultipathManager.PathStatus::device).containsAll(slaves);
        assertThat(manager.paths(deadline())).allSatisfy(path -> {
            assertThat(path.dmState()).isEqualTo("active");
            assertThat(path.checkerState()).isEqualTo("ready");
            assertThat(path.map()).isEqualTo(RecordedLab.LUN1_WWID);
            assertThat(path.failed()).isFalse();
        });
    }

    @Test
    void aLunDeletedOnTheTargetFailsItsPathsInMultipathdWhileSysfsStillSaysRunning() {
        List<String> slaves = map().slaves();
        host.storage().target(RecordedLab.TARGET).deleteLun(1);

        assertThat(manager.paths(deadline())).filteredOn(path -> slaves.contains(path.device())).hasSize(2)
                .allSatisfy(path -> {
                    assertThat(path.dmState()).isEqualTo("failed");
                    assertThat(path.checkerState()).isEqualTo("faulty");
                    assertThat(path.failed()).isTrue();
                });
        assertThat(slaves).allSatisfy(name -> assertThat(topology.device(name).orElseThrow().state().usable()).isTrue());
    }

    @Test
    void pathsWithMultipathdDownAreNone() {
        host.faults().multipathdDown();

        assertThat(manager.paths(deadline())).isEmpty();
    }

    // ------------------------------------------------------------------------------------------- names

    @Test
    void aMapNameThatCouldBeTakenForAnOptionOrAPathIsReplacedByTheDevicePath() {
        assertThat(MultipathdMultipathManager.reference(new MultipathMap("dm-3", "mpatha", Optional.empty(),
                List.of(), 0))).isEqualTo("mpatha");
        assertThat(MultipathdMultipathManager.reference(new MultipathMap("dm-3", "-f", Optional.empty(),
                List.of(), 0))).isEqualTo("/dev/dm-3");
        assertThat(MultipathdMultipathManager.reference(new MultipathMap("dm-3", "a b", Optional.empty(),
                List.of(), 0))).isEqualTo("/dev/dm-3");
        assertThat(MultipathdMultipathManager.reference(new MultipathMap("dm-3", "", Optional.empty(),
                List.of(), 0))).isEqualTo("/dev/dm-3");
        assertThat(MultipathdMultipathManager.reference(new MultipathMap("dm-3", "/dev/sda", Optional.empty(),
                List.of(), 0))).isEqualTo("/dev/dm-3");
    }

    /** Answers {@code timeout} to the first {@code remaining} resize commands, then lets the host answer. */
    private static final class TimeoutsFirst implements CommandRunner {
        private final CommandRunner host;
        private int remaining;
        private int timeouts;

        TimeoutsFirst(CommandRunner host, int remaining) {
            this.host = host;
            this.remaining = remaining;
        }

        @Override
        public CommandResult run(Command command) {
            if (command.display().startsWith("multipathd resize map") && remaining > 0) {
                remaining--;
                timeouts++;
                return new CommandResult(command.display(), 1, "timeout\n", "", Duration.ZERO, false);
            }
            return host.run(command);
        }
    }
}
