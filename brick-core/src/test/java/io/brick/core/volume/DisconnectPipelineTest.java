package io.brick.core.volume;

import ch.qos.logback.classic.Level;
import io.brick.core.connector.DisconnectPlan;
import io.brick.core.connector.DisconnectOptions;
import io.brick.core.error.BrickException;
import io.brick.core.error.DisconnectFailedException;
import io.brick.core.error.FlushFailedException;
import io.brick.core.error.OperationTimeoutException;
import io.brick.core.event.BrickEvent;
import io.brick.core.event.EventPublisher;
import io.brick.core.event.EventType;
import io.brick.core.model.AttachedVolume;
import io.brick.core.model.BlockDevice;
import io.brick.core.model.DevicePath;
import io.brick.core.model.MultipathMap;
import io.brick.core.port.MultipathManager;
import io.brick.core.time.Deadline;
import io.brick.core.time.ManualClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static io.brick.core.volume.FakeHost.STALE;
import static io.brick.core.volume.FakeHost.VOLUME;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The disconnect pipeline on an in-memory host; names follow os-brick's tests where one exists (§7.2). */
class DisconnectPipelineTest {
    private static final String NAME = "iqn.2003-01.org.example:t1 LUN 1";
    private static final DisconnectOptions FORCE = new DisconnectOptions(true, false);
    private static final DisconnectOptions FORCE_IGNORE = new DisconnectOptions(true, true);
    private static final List<String> MULTIPATH_COMPLETE = List.of("flushMap dm-0", "removeDevices sda,sdb",
            "removeStaleLinks sda,sdb", "forgetPaths sda,sdb", "cleanup.plan", "cleanup.run");

    private final ManualClock clock = new ManualClock();
    private final FakeHost host = new FakeHost(clock);
    private final FakeHost.Cleanup cleanup = host.new Cleanup();
    private final List<BrickEvent> events = new ArrayList<>();

    private DisconnectPipeline pipeline() {
        return pipeline(Optional.of(host.multipath()));
    }

    private DisconnectPipeline pipeline(Optional<MultipathManager> multipath) {
        return new DisconnectPipeline(host.topology(), host.flusher(), multipath, new EventPublisher(events::add, clock));
    }

    private Deadline deadline() {
        return Deadline.after(Duration.ofMinutes(10), clock);
    }

    private VolumeDevices multipathVolume() {
        host.addDevice("sda", "2:0:0:1", Optional.of(VOLUME));
        host.addDevice("sdb", "3:0:0:1", Optional.of(VOLUME));
        MultipathMap map = host.addMap("dm-0", VOLUME, "sda", "sdb");
        return new VolumeDevices(NAME, Optional.of(VOLUME), List.of(current("sda"), current("sdb")), Optional.of(map),
                List.of());
    }

    private VolumeDevices pathsOnly(String... names) {
        List<BlockDevice> paths = new ArrayList<>();
        int host = 2;
        for (String name : names) {
            paths.add(this.host.addDevice(name, (host++) + ":0:0:1", Optional.of(VOLUME)));
        }
        return new VolumeDevices(NAME, Optional.of(VOLUME), paths, Optional.empty(), List.of());
    }

    private BlockDevice current(String name) {
        return host.topology().device(name).orElseThrow();
    }

    private static Optional<AttachedVolume> attached(String path) {
        boolean multipath = path.startsWith("/dev/dm-");
        return Optional.of(new AttachedVolume(DevicePath.of(path), Optional.of(VOLUME),
                multipath ? Optional.of(VOLUME) : Optional.empty()));
    }

    private List<BrickEvent> events(EventType type) {
        return events.stream().filter(event -> event.type() == type).toList();
    }

    @Test
    void removeConnectionMultipathComplete() {
        VolumeDevices volume = multipathVolume();

        DisconnectPlan done = pipeline().disconnect(volume, attached("/dev/dm-0"), DisconnectOptions.SAFE, cleanup, deadline());

        assertThat(host.calls()).as("map flushed first, no per-path flush, no availability question")
                .containsExactlyElementsOf(MULTIPATH_COMPLETE);
        assertThat(done.flush()).containsExactly("dm-0");
        assertThat(done.remove()).containsExactly("sda", "sdb");
        assertThat(done.forget()).containsExactly("sda", "sdb");
        assertThat(done.transport()).containsExactly("logout 10.0.0.1:3260 iqn.2003-01.org.example:t1");
        assertThat(done.kept()).isEmpty();
        assertThat(host.has("sda") || host.has("sdb") || host.has("dm-0")).isFalse();
    }

    @Test
    void aRemovedPathsNameTheKernelGivesToAnotherDiskIsNeitherForgottenNorALeftover() {
        VolumeDevices volume = multipathVolume();
        host.reusedAfterRemoval.put("sda", "7:0:0:3");

        DisconnectPlan done = pipeline().disconnect(volume, attached("/dev/dm-0"), DisconnectOptions.SAFE, cleanup, deadline());

        assertThat(host.calls()).contains("forgetPaths sdb").doesNotContain("forgetPaths sda,sdb");
        assertThat(done.forget()).containsExactly("sdb");
        assertThat(host.has("sda")).as("the other target's new disk is untouched").isTrue();
    }

    @Test
    void aPathTheCallerUsedDirectlyIsFlushedAfterItsMapAndNoOtherPathIs() {
        // os-brick's requires_flush: the path used is flushed whatever else there is. Found by the fault campaign
        // (brick-reliability, seed 17): a single-path connect returned /dev/sda, multipathd then made a map over it,
        // and the disconnect flushed only the map, so the writes buffered on sda were lost when it was deleted.
        VolumeDevices volume = multipathVolume();

        DisconnectPlan done = pipeline().disconnect(volume, attached("/dev/sda"), DisconnectOptions.SAFE, cleanup,
                deadline());

        assertThat(host.calls()).containsExactly("flushMap dm-0", "flushBuffers sda", "removeDevices sda,sdb",
                "removeStaleLinks sda,sdb", "forgetPaths sda,sdb", "cleanup.plan", "cleanup.run");
        assertThat(done.flush()).containsExactly("dm-0", "sda");
    }

    @Test
    void thePlanNamesThePathUsedUnderTheMap() {
        VolumeDevices volume = multipathVolume();

        DisconnectPlan plan = pipeline().plan(volume, attached("/dev/sdb"), cleanup);

        assertThat(plan.flush()).hasSize(2).first().asString().startsWith("dm-0");
        assertThat(plan.flush().get(1)).startsWith("sdb (");
    }

    @Test
    void removeConnectionMultipathFailRemovesNothingAndKeepsTheSession() {
        VolumeDevices volume = multipathVolume();
        host.flushMapFailure = FakeHost.flushFailure("dm-0");

        assertThatThrownBy(() -> pipeline().disconnect(volume, attached("/dev/dm-0"), DisconnectOptions.SAFE, cleanup,
                deadline())).isSameAs(host.flushMapFailure);

        assertThat(host.calls()).containsExactly("flushMap dm-0");
        assertThat(host.has("sda") && host.has("sdb") && host.has("dm-0")).isTrue();
        assertThat(events(EventType.FLUSH)).singleElement()
                .satisfies(event -> assertThat(event.details()).containsEntry("result", "failed"));
    }

    @Test
    void mapFlushGetsABoundedShareOfTheBudget() {
        VolumeDevices volume = multipathVolume();

        pipeline().disconnect(volume, Optional.empty(), DisconnectOptions.SAFE, cleanup,
                Deadline.after(Duration.ofSeconds(30), clock));

        assertThat(host.budgets().get("flushMap dm-0")).isEqualTo(Duration.ofSeconds(30));
        assertThat(host.budgets().get("cleanup.run")).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void aLongBudgetStillLimitsTheMapFlushToSixtySeconds() {
        pipeline().disconnect(multipathVolume(), Optional.empty(), DisconnectOptions.SAFE, cleanup, deadline());

        assertThat(host.budgets()).containsEntry("flushMap dm-0", DisconnectPipeline.MAP_FLUSH_LIMIT)
                .containsEntry("removeDevices sda,sdb", DisconnectPipeline.REMOVAL_LIMIT)
                .containsEntry("cleanup.run", Duration.ofMinutes(10));
    }

    @Test
    void cleanupConnectionForceFailureAttemptsEverythingAndRemovesTheMapByKernelNameAfterItsPaths() {
        VolumeDevices volume = multipathVolume();
        host.flushMapFailure = FakeHost.flushFailure("dm-0");
        host.mapOutlivesPaths = true;

        DisconnectFailedException failure = catchThrowableOfType(DisconnectFailedException.class,
                () -> pipeline().disconnect(volume, attached("/dev/dm-0"), FORCE, cleanup, deadline()));

        assertThat(host.calls()).containsExactly("flushMap dm-0", "removeDevices sda,sdb", "removeStaleLinks sda,sdb",
                "forgetPaths sda,sdb", "cleanup.plan", "cleanup.run", "removeMap dm-0");
        assertThat(failure.failures()).containsExactly(host.flushMapFailure);
        assertThat(host.has("dm-0")).isFalse();
        assertThat(failure.evidence()).containsEntry("possibleLeftovers", "");
    }

    @Test
    void cleanupConnectionForceFailureChainsEveryFailureAndNamesTheLeftovers() {
        VolumeDevices volume = multipathVolume();
        host.flushMapFailure = FakeHost.flushFailure("dm-0");
        host.removalTimesOut = true;
        host.removeMapFailure = FakeHost.hostFailure("map dm-0 does not go away");
        cleanup.failure = FakeHost.hostFailure("logout failed");

        DisconnectFailedException failure = catchThrowableOfType(DisconnectFailedException.class,
                () -> pipeline().disconnect(volume, attached("/dev/dm-0"), FORCE, cleanup, deadline()));

        assertThat(failure.failures()).hasSize(4);
        assertThat(failure.failures().get(0)).isSameAs(host.flushMapFailure);
        assertThat(failure.failures().get(1)).isInstanceOf(OperationTimeoutException.class);
        assertThat(failure.failures().subList(2, 4)).containsExactly(cleanup.failure, host.removeMapFailure);
        assertThat(failure.getSuppressed()).hasSize(4);
        assertThat(failure.evidence()).containsEntry("possibleLeftovers", "sda,sdb,dm-0")
                .containsEntry("failures", "flush-failed,timeout,host-state,host-state");
        assertThat(host.calls()).contains("removeStaleLinks sda,sdb", "cleanup.run", "removeMap dm-0");
    }

    @Test
    void forcedMapRemovalIsSkippedWhenMultipathdRemovedTheMapWithItsLastPath() {
        VolumeDevices volume = multipathVolume();
        host.flushMapFailure = FakeHost.flushFailure("dm-0");

        DisconnectFailedException failure = catchThrowableOfType(DisconnectFailedException.class,
                () -> pipeline().disconnect(volume, attached("/dev/dm-0"), FORCE, cleanup, deadline()));

        assertThat(host.calls()).doesNotContain("removeMap dm-0").contains("cleanup.run");
        assertThat(failure.failures()).containsExactly(host.flushMapFailure);
    }

    @Test
    void aForcedRemovalNeverRemovesAnotherVolumesMapThatTookOurMapsKernelName() {
        VolumeDevices volume = multipathVolume();
        host.flushMapFailure = FakeHost.flushFailure("dm-0");
        // multipathd removes dm-0 with its last path, and the kernel gives dm-0 to another volume's new map at once
        host.afterRemoval = () -> {
            host.addDevice("sdc", "4:0:0:7", Optional.of(STALE));
            host.addMap("dm-0", STALE, "sdc");
        };

        DisconnectFailedException failure = catchThrowableOfType(DisconnectFailedException.class,
                () -> pipeline().disconnect(volume, attached("/dev/dm-0"), FORCE, cleanup, deadline()));

        assertThat(host.calls()).as("the other volume's dm-0 is not ours to remove").doesNotContain("removeMap dm-0");
        assertThat(host.has("dm-0")).isTrue();
        assertThat(failure.failures()).containsExactly(host.flushMapFailure);
        assertThat(failure.evidence()).as("another volume's map is no leftover of ours")
                .containsEntry("possibleLeftovers", "");
    }

    @Test
    void aVolumeWhoseMapOutlivedItsPathsIsNotNothingItsMapIsFlushed() {
        host.addDevice("sda", "2:0:0:1", Optional.of(VOLUME));
        MultipathMap map = host.addMap("dm-0", VOLUME, "sda");
        host.mapOutlivesPaths = true;
        host.afterRemoval = () -> { };
        // every path already gone by hand; the map is left with no slave
        VolumeDevices volume = new VolumeDevices(NAME, Optional.of(VOLUME), List.of(), Optional.of(map), List.of());

        assertThat(volume.isEmpty()).isFalse();
        DisconnectPlan plan = pipeline().plan(volume, attached("/dev/dm-0"), cleanup);
        assertThat(plan.flush()).isNotEmpty().first().asString().startsWith("dm-0");

        pipeline().disconnect(volume, attached("/dev/dm-0"), DisconnectOptions.SAFE, cleanup, deadline());

        assertThat(host.calls()).startsWith("cleanup.plan").contains("flushMap dm-0", "cleanup.run");
    }

    @Test
    void aFailedRemovalOfStaleLinksFailsASafeDisconnectBeforeAnythingIsLoggedOut() {
        VolumeDevices volume = multipathVolume();
        host.removeLinksFailure = FakeHost.hostFailure("cannot unlink /dev/disk/by-id/wwn-0x6001405");

        BrickException failure = catchThrowableOfType(BrickException.class,
                () -> pipeline().disconnect(volume, attached("/dev/dm-0"), DisconnectOptions.SAFE, cleanup, deadline()));

        assertThat(failure).isNotNull();
        assertThat(failure.getMessage()).contains("cannot unlink");
        assertThat(host.calls()).contains("removeDevices sda,sdb", "removeStaleLinks sda,sdb")
                .doesNotContain("cleanup.run");
    }

    @Test
    void withForceAFailedRemovalOfStaleLinksIsReportedAndEverythingElseStillRuns() {
        VolumeDevices volume = multipathVolume();
        host.removeLinksFailure = FakeHost.hostFailure("cannot unlink /dev/disk/by-id/wwn-0x6001405");

        DisconnectFailedException failure = catchThrowableOfType(DisconnectFailedException.class,
                () -> pipeline().disconnect(volume, attached("/dev/dm-0"), FORCE, cleanup, deadline()));

        assertThat(failure.failures()).containsExactly(host.removeLinksFailure);
        assertThat(host.calls()).contains("forgetPaths sda,sdb", "cleanup.run");
    }

    @Test
    void anInterruptedRemovalStillRemovesTheGoneDevicesLinksThenStopsWithTheInterrupt() {
        VolumeDevices volume = multipathVolume();
        host.removalInterrupted = true;

        assertThatThrownBy(() -> pipeline().disconnect(volume, attached("/dev/dm-0"), FORCE, cleanup, deadline()))
                .isInstanceOf(io.brick.core.error.OperationInterruptedException.class);

        assertThat(host.calls()).containsExactly("flushMap dm-0", "removeDevices sda,sdb", "removeStaleLinks sda,sdb");
        assertThat(host.has("sda")).isFalse();
        assertThat(host.has("sdb")).isTrue();
    }

    @Test
    void forceWithIgnoreErrorsRaisesNothingAndWarnsOnceAboutLeftovers() {
        VolumeDevices volume = multipathVolume();
        host.flushMapFailure = FakeHost.flushFailure("dm-0");
        host.removalTimesOut = true;
        host.mapOutlivesPaths = true;

        DisconnectPlan done;
        try (LogCapture logs = new LogCapture(DisconnectPipeline.class, Level.WARN)) {
            done = pipeline().disconnect(volume, attached("/dev/dm-0"), FORCE_IGNORE, cleanup, deadline());

            assertThat(logs.messages(Level.WARN)).singleElement().asString()
                    .startsWith("There were errors disconnecting " + NAME + ", leftovers may remain: sda, sdb")
                    .contains("flush of dm-0 failed");
        }
        assertThat(events(EventType.WARNING)).singleElement()
                .satisfies(event -> assertThat(event.subject()).isEqualTo(NAME));
        assertThat(done.kept()).containsExactly("sda: still present after a failed step", "sdb: still present after a failed step");
        assertThat(done.remove()).as("nothing was removed").isEmpty();
        assertThat(host.calls()).contains("cleanup.run", "removeMap dm-0");
    }

    @Test
    void aMapWithoutAMultipathManagerIsAFlushFailureNeverASilentRemoval() {
        VolumeDevices volume = multipathVolume();

        FlushFailedException failure = catchThrowableOfType(FlushFailedException.class, () -> pipeline(Optional.empty())
                .disconnect(volume, attached("/dev/dm-0"), DisconnectOptions.SAFE, cleanup, deadline()));

        assertThat(failure.evidence()).containsEntry("reason", "multipath manager not installed")
                .containsEntry("map", "dm-0");
        assertThat(host.calls()).isEmpty();
        assertThat(host.has("sda")).isTrue();
    }

    @Test
    void aMapWithoutAMultipathManagerIsLeftAndReportedWithForce() {
        VolumeDevices volume = multipathVolume();
        host.mapOutlivesPaths = true;

        DisconnectFailedException failure = catchThrowableOfType(DisconnectFailedException.class,
                () -> pipeline(Optional.empty()).disconnect(volume, attached("/dev/dm-0"), FORCE, cleanup, deadline()));

        assertThat(host.calls()).containsExactly("removeDevices sda,sdb", "removeStaleLinks sda,sdb", "cleanup.plan",
                "cleanup.run");
        assertThat(failure.evidence()).containsEntry("possibleLeftovers", "dm-0");
    }

    @Test
    void removeConnectionSinglepathNoPath() {
        VolumeDevices volume = pathsOnly("sda");
        host.multipathdRunning = false;

        DisconnectPlan done = pipeline().disconnect(volume, Optional.empty(), DisconnectOptions.SAFE, cleanup, deadline());

        assertThat(host.calls()).containsExactly("removeDevices sda", "removeStaleLinks sda", "available", "cleanup.plan",
                "cleanup.run");
        assertThat(done.flush()).isEmpty();
        assertThat(done.forget()).isEmpty();
    }

    @Test
    void removeConnectionSinglepathUsedFlushesOnlyThatPath() {
        VolumeDevices volume = pathsOnly("sda", "sdb");
        host.multipathdRunning = false;

        DisconnectPlan done = pipeline().disconnect(volume, attached("/dev/sdb"), DisconnectOptions.SAFE, cleanup, deadline());

        assertThat(host.calls()).containsExactly("flushBuffers sdb", "removeDevices sda,sdb", "removeStaleLinks sda,sdb",
                "available", "cleanup.plan", "cleanup.run");
        assertThat(done.flush()).containsExactly("sdb");
    }

    @Test
    void removeConnectionMultipathCompleteNoDmAsksWhetherMultipathdRunsAndForgetsThePaths() {
        VolumeDevices volume = pathsOnly("sda", "sdb");

        pipeline().disconnect(volume, attached("/dev/dm-0"), DisconnectOptions.SAFE, cleanup, deadline());

        assertThat(host.calls()).as("the map the caller used is gone: no flush")
                .containsExactly("removeDevices sda,sdb", "removeStaleLinks sda,sdb", "available", "forgetPaths sda,sdb",
                        "cleanup.plan", "cleanup.run");
    }

    @Test
    void aFailedSinglePathFlushStopsEverythingWithoutForce() {
        VolumeDevices volume = pathsOnly("sda");
        host.flushBuffersFailure = FakeHost.flushFailure("sda");

        assertThatThrownBy(() -> pipeline().disconnect(volume, attached("/dev/sda"), DisconnectOptions.SAFE, cleanup,
                deadline())).isSameAs(host.flushBuffersFailure);

        assertThat(host.calls()).containsExactly("flushBuffers sda");
        assertThat(host.has("sda")).isTrue();
    }

    @Test
    void anUnresolvableLinkOverTheDeviceFlushesEveryPath() {
        VolumeDevices volume = pathsOnly("sda", "sdb");

        pipeline().disconnect(volume, attached("/dev/disk/by-path/ip-10.0.0.1:3260-iscsi-iqn.2003-01.org.example:t1-lun-1"),
                DisconnectOptions.SAFE, cleanup, deadline());

        assertThat(host.calls()).startsWith("flushBuffers sda", "flushBuffers sdb", "removeDevices sda,sdb");
    }

    @Test
    void rejectedDevicesAreNeverTouched() {
        BlockDevice stale = host.addDevice("sdc", "4:0:0:1", Optional.of(STALE));
        BlockDevice ours = host.addDevice("sda", "2:0:0:1", Optional.of(VOLUME));
        VolumeDevices volume = new VolumeDevices(NAME, Optional.of(VOLUME), List.of(ours), Optional.empty(), List.of(stale));

        DisconnectPlan done = pipeline().disconnect(volume, attached("/dev/mapper/crypt-volume-1"), FORCE, cleanup,
                deadline());

        assertThat(host.calls()).noneMatch(call -> call.contains("sdc"));
        assertThat(host.calls()).startsWith("flushBuffers sda", "removeDevices sda");
        assertThat(host.has("sdc")).isTrue();
        assertThat(done.kept()).singleElement().asString().startsWith("sdc at 4:0:0:1: WWID " + STALE)
                .contains("stale");
    }

    @Test
    void staleLinksAreRemovedEvenIfTheRemovalTimedOut() {
        VolumeDevices volume = pathsOnly("sda", "sdb");
        host.removalTimesOut = true;

        assertThatThrownBy(() -> pipeline().disconnect(volume, Optional.empty(), DisconnectOptions.SAFE, cleanup,
                deadline())).isInstanceOf(OperationTimeoutException.class);

        assertThat(host.calls()).as("no forget and no logout after a failed removal without force")
                .containsExactly("removeDevices sda,sdb", "removeStaleLinks sda,sdb");
    }

    @Test
    void aVolumeWithNothingOnTheHostRunsOnlyTheTransportCleanup() {
        VolumeDevices volume = new VolumeDevices(NAME, Optional.of(VOLUME), List.of(), Optional.empty(), List.of());

        DisconnectPlan done = pipeline().disconnect(volume, attached("/dev/dm-0"), DisconnectOptions.SAFE, cleanup, deadline());

        assertThat(host.calls()).containsExactly("cleanup.plan", "cleanup.run");
        assertThat(done.transport()).hasSize(1);
        assertThat(events).isEmpty();
    }

    @Test
    void planRunsNothing() {
        VolumeDevices volume = multipathVolume();

        DisconnectPlan plan = pipeline().plan(volume, attached("/dev/dm-0"), cleanup);

        assertThat(host.calls()).containsExactly("cleanup.plan");
        assertThat(plan.flush()).containsExactly("dm-0 (multipath map " + VOLUME + ")");
        assertThat(plan.remove()).containsExactly("sda", "sdb");
        assertThat(plan.forget()).containsExactly("sda", "sdb");
        assertThat(plan.transport()).containsExactly("logout 10.0.0.1:3260 iqn.2003-01.org.example:t1");
        assertThat(host.has("dm-0") && host.has("sda")).isTrue();
        assertThat(events).isEmpty();
    }

    @Test
    void planNamesTheUsedPathAndTheKeptDevicesAndTheFlushThatWouldFail() {
        BlockDevice stale = host.addDevice("sdc", "4:0:0:1", Optional.of(STALE));
        VolumeDevices single = new VolumeDevices(NAME, Optional.of(VOLUME), pathsOnly("sda", "sdb").paths(),
                Optional.empty(), List.of(stale));

        DisconnectPlan plan = pipeline(Optional.empty()).plan(single, attached("/dev/sdb"), cleanup);

        assertThat(plan.flush()).singleElement().asString().startsWith("sdb (");
        assertThat(plan.forget()).as("no multipath manager").isEmpty();
        assertThat(plan.kept()).singleElement().asString().startsWith("sdc");

        DisconnectPlan mapWithoutManager = pipeline(Optional.empty()).plan(multipathVolume2(), Optional.empty(), cleanup);
        assertThat(mapWithoutManager.flush()).singleElement().asString().contains("would fail");
        assertThat(host.calls()).containsOnly("cleanup.plan");
    }

    private VolumeDevices multipathVolume2() {
        host.addDevice("sdd", "5:0:0:1", Optional.of(VOLUME));
        MultipathMap map = host.addMap("dm-1", VOLUME, "sdd");
        return new VolumeDevices(NAME, Optional.of(VOLUME), List.of(current("sdd")), Optional.of(map), List.of());
    }

    @Test
    void flushAndRemovalAreReportedWithTheirDurations() {
        VolumeDevices volume = multipathVolume();
        host.flushTakes = Duration.ofSeconds(2);
        host.removalTakes = Duration.ofSeconds(3);

        pipeline().disconnect(volume, attached("/dev/dm-0"), DisconnectOptions.SAFE, cleanup, deadline());

        assertThat(events(EventType.FLUSH)).singleElement().satisfies(event -> {
            assertThat(event.subject()).isEqualTo("dm-0");
            assertThat(event.duration()).contains(Duration.ofSeconds(2));
            assertThat(event.details()).containsEntry("result", "done");
        });
        assertThat(events(EventType.REMOVAL)).singleElement().satisfies(event -> {
            assertThat(event.duration()).contains(Duration.ofSeconds(3));
            assertThat(event.details()).containsEntry("devices", "sda,sdb")
                    .containsEntry("links", "scsi-" + VOLUME + ",wwn-0x" + VOLUME.value().substring(1) + ",scsi-" + VOLUME
                            + ",wwn-0x" + VOLUME.value().substring(1));
        });
        assertThat(events(EventType.WARNING)).isEmpty();
    }

    @Test
    void theOutcomeIsLoggedAtInfo() {
        VolumeDevices volume = multipathVolume();

        try (LogCapture logs = new LogCapture(DisconnectPipeline.class, Level.INFO)) {
            pipeline().disconnect(volume, attached("/dev/dm-0"), DisconnectOptions.SAFE, cleanup, deadline());

            assertThat(logs.messages(Level.INFO)).containsExactly("disconnected " + NAME + ": flushed dm-0, removed sda sdb, "
                    + "multipathd forgot sda sdb, logout 10.0.0.1:3260 iqn.2003-01.org.example:t1");
            assertThat(logs.messages(Level.WARN)).isEmpty();
        }
    }

    /**
     * A safe disconnect whose paths are gone but multipathd could not be made to forget still logs out (a session
     * left with nothing on it is a leftover of its own), then raises the failure; the WWID stays listed.
     */
    @Test
    void aFailedForgetIsRaisedAfterTheLogout() {
        VolumeDevices volume = multipathVolume();
        BrickException forget = FakeHost.hostFailure("multipathd del path failed");
        host.forgetFailure = forget;

        assertThatThrownBy(() -> pipeline().disconnect(volume, attached("/dev/dm-0"), DisconnectOptions.SAFE, cleanup,
                deadline())).isSameAs(forget);

        assertThat(host.calls()).containsExactlyElementsOf(MULTIPATH_COMPLETE);
        assertThat(host.forgottenWwids).as("a failed disconnect keeps the WWID").isEmpty();
    }

    @Test
    void aFailedForgetAndAFailedLogoutRaiseTheForgetWithTheLogoutsFailureInIt() {
        VolumeDevices volume = multipathVolume();
        BrickException forget = FakeHost.hostFailure("multipathd del path failed");
        BrickException logout = FakeHost.hostFailure("iscsiadm --logout failed");
        host.forgetFailure = forget;
        cleanup.failure = logout;

        assertThatThrownBy(() -> pipeline().disconnect(volume, attached("/dev/dm-0"), DisconnectOptions.SAFE, cleanup,
                deadline())).isSameAs(forget);

        assertThat(forget.getSuppressed()).containsExactly(logout);
        assertThat(host.calls()).containsExactlyElementsOf(MULTIPATH_COMPLETE);
    }

    @Test
    void withForceAFailedForgetDoesNotStopTheLogout() {
        VolumeDevices volume = multipathVolume();
        BrickException forget = FakeHost.hostFailure("multipathd del path failed");
        host.forgetFailure = forget;

        DisconnectFailedException failure = catchThrowableOfType(DisconnectFailedException.class,
                () -> pipeline().disconnect(volume, attached("/dev/dm-0"), FORCE, cleanup, deadline()));

        assertThat(failure.failures()).containsExactly(forget);
        assertThat(host.calls()).containsExactlyElementsOf(MULTIPATH_COMPLETE);
    }

    @Test
    void aDeviceListedAsRejectedIsNeverRemovedEvenIfAlsoListedAsAPath() {
        // a transport that lists a stale device both ways: the rejection wins
        host.addDevice("sda", "2:0:0:1", Optional.of(VOLUME));
        BlockDevice stale = host.addDevice("sdc", "4:0:0:1", Optional.of(STALE));
        VolumeDevices volume = new VolumeDevices(NAME, Optional.of(VOLUME), List.of(current("sda"), stale),
                Optional.empty(), List.of(stale));

        DisconnectPlan done = pipeline().disconnect(volume, attached("/dev/sda"), DisconnectOptions.SAFE, cleanup,
                deadline());

        assertThat(host.calls()).contains("removeDevices sda").noneMatch(call -> call.contains("sdc"));
        assertThat(done.remove()).containsExactly("sda");
        assertThat(host.has("sdc")).isTrue();
    }

    @Test
    void aFailureToAskWhetherMultipathdRunsStopsASafeDisconnectBeforeTheLogout() {
        VolumeDevices volume = pathsOnly("sda");
        host.availableFailure = FakeHost.timeout("multipathd show status");

        assertThatThrownBy(() -> pipeline().disconnect(volume, attached("/dev/sda"), DisconnectOptions.SAFE, cleanup,
                deadline())).isSameAs(host.availableFailure);

        assertThat(host.calls()).contains("removeDevices sda", "available").doesNotContain("cleanup.run");
    }

    @Test
    void aForcedRemovalOfAnUnflushedMapIsReportedAsSuchOnlyWhenItWorked() {
        VolumeDevices volume = multipathVolume();
        host.flushMapFailure = FakeHost.flushFailure("dm-0");
        host.mapOutlivesPaths = true;

        DisconnectPlan done = pipeline().disconnect(volume, attached("/dev/dm-0"), FORCE_IGNORE, cleanup, deadline());

        assertThat(host.calls()).contains("removeMap dm-0");
        assertThat(done.flush()).contains("dm-0: removed without flush (force)");

        FakeHost other = new FakeHost(clock);
        other.addDevice("sda", "2:0:0:1", Optional.of(VOLUME));
        MultipathMap map = other.addMap("dm-0", VOLUME, "sda");
        other.flushMapFailure = FakeHost.flushFailure("dm-0");
        other.removeMapFailure = FakeHost.hostFailure("dm-0 still there");
        other.mapOutlivesPaths = true;
        VolumeDevices same = new VolumeDevices(NAME, Optional.of(VOLUME), List.of(other.topology().device("sda")
                .orElseThrow()), Optional.of(map), List.of());
        DisconnectPlan failed = new DisconnectPipeline(other.topology(), other.flusher(), Optional.of(other.multipath()),
                new EventPublisher(events::add, clock)).disconnect(same, attached("/dev/dm-0"), FORCE_IGNORE,
                other.new Cleanup(), deadline());

        assertThat(failed.flush()).noneMatch(line -> line.contains("removed without flush"));
        assertThat(failed.kept()).anyMatch(line -> line.startsWith("dm-0"));
    }

    @Test
    void eachFlushIsReportedWithWhatWasFlushedAndWhy() {
        VolumeDevices volume = multipathVolume();

        pipeline().disconnect(volume, attached("/dev/sda"), DisconnectOptions.SAFE, cleanup, deadline());

        assertThat(events(EventType.FLUSH)).extracting(BrickEvent::subject).containsExactly("dm-0", "sda");
        assertThat(events(EventType.FLUSH).get(0).details()).containsEntry("kind", "multipath map")
                .containsEntry("name", VOLUME.value()).containsEntry("wwid", VOLUME.value()).containsEntry("result", "done");
        assertThat(events(EventType.FLUSH).get(1).details()).containsEntry("kind", "device")
                .containsEntry("reason", UsedPath.underMap(volume, attached("/dev/sda")).reason())
                .containsEntry("result", "done");
    }

    @Test
    void aMapThatCannotBeFlushedWithoutAMultipathManagerIsReportedAsAFailedFlush() {
        VolumeDevices volume = multipathVolume();

        catchThrowableOfType(FlushFailedException.class, () -> pipeline(Optional.empty())
                .disconnect(volume, attached("/dev/dm-0"), DisconnectOptions.SAFE, cleanup, deadline()));

        assertThat(events(EventType.FLUSH)).singleElement().satisfies(event -> {
            assertThat(event.subject()).isEqualTo("dm-0");
            assertThat(event.details()).containsEntry("result", "failed").containsEntry("kind", "multipath map");
        });
    }

    @Test
    void aFailedPathFlushIsReportedAsFailed() {
        VolumeDevices volume = pathsOnly("sda");
        host.flushBuffersFailure = FakeHost.flushFailure("sda");

        catchThrowableOfType(FlushFailedException.class, () -> pipeline().disconnect(volume, attached("/dev/sda"),
                DisconnectOptions.SAFE, cleanup, deadline()));

        assertThat(events(EventType.FLUSH)).singleElement().satisfies(event -> {
            assertThat(event.subject()).isEqualTo("sda");
            assertThat(event.details()).containsEntry("kind", "device").containsEntry("result", "failed");
        });
    }

    @Test
    void aFailedRemovalIsReportedAsFailedAndCarriesTheFailedLinkRemovalWithoutForce() {
        VolumeDevices volume = pathsOnly("sda", "sdb");
        host.removalTimesOut = true;
        host.removeLinksFailure = FakeHost.hostFailure("cannot unlink /dev/disk/by-id/wwn-0x6001405");

        OperationTimeoutException failure = catchThrowableOfType(OperationTimeoutException.class,
                () -> pipeline().disconnect(volume, Optional.empty(), DisconnectOptions.SAFE, cleanup, deadline()));

        assertThat(failure.getSuppressed()).containsExactly(host.removeLinksFailure);
        assertThat(events(EventType.REMOVAL)).singleElement()
                .satisfies(event -> assertThat(event.details()).containsEntry("result", "failed"));
        assertThat(host.calls()).doesNotContain("cleanup.run");
    }

    @Test
    void aFailedLinkRemovalAloneMarksTheRemovalFailed() {
        VolumeDevices volume = pathsOnly("sda");
        host.removeLinksFailure = FakeHost.hostFailure("cannot unlink /dev/disk/by-id/wwn-0x6001405");

        catchThrowableOfType(BrickException.class,
                () -> pipeline().disconnect(volume, Optional.empty(), DisconnectOptions.SAFE, cleanup, deadline()));

        assertThat(events(EventType.REMOVAL)).singleElement()
                .satisfies(event -> assertThat(event.details()).containsEntry("result", "failed"));
    }

    @Test
    void aKeptStaleDeviceNamesTheVolumesWwid() {
        BlockDevice stale = host.addDevice("sdc", "4:0:0:1", Optional.of(STALE));
        BlockDevice ours = host.addDevice("sda", "2:0:0:1", Optional.of(VOLUME));
        VolumeDevices volume = new VolumeDevices(NAME, Optional.of(VOLUME), List.of(ours), Optional.empty(), List.of(stale));

        DisconnectPlan done = pipeline().disconnect(volume, Optional.empty(), FORCE, cleanup, deadline());

        assertThat(done.kept()).singleElement().asString().contains("is not the volume's (" + VOLUME + ")");
    }
}
