package io.brick.core.volume;

import io.brick.core.error.CommandFailedException;
import io.brick.core.error.DeviceNotFoundException;
import io.brick.core.error.HostStateException;
import io.brick.core.event.BrickEvent;
import io.brick.core.event.EventPublisher;
import io.brick.core.event.EventType;
import io.brick.core.model.BlockDevice;
import io.brick.core.model.DeviceState;
import io.brick.core.model.MultipathMap;
import io.brick.core.port.MultipathManager;
import io.brick.core.time.Deadline;
import io.brick.core.time.ManualClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static io.brick.core.volume.FakeHost.VOLUME;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The extend every transport shares, on the in-memory host: every path up, each rescanned, the paths agree on the
 * new size, then the map is resized and shows it. What it must never do: resize a map over a path that is down or
 * that still shows the old size, or report a size nobody agreed on.
 */
class VolumeResizeTest {
    private static final String NAME = "iqn.2003-01.org.example:t1 LUN 1";
    private static final long OLD = 1L << 30;
    private static final long NEW = 2L << 30;

    private final ManualClock clock = new ManualClock();
    private final FakeHost host = new FakeHost(clock);
    private final List<BrickEvent> events = new ArrayList<>();

    VolumeResizeTest() {
        host.storageSize = NEW;
    }

    private VolumeResize resize() {
        return resize(Optional.of(host.multipath()));
    }

    private VolumeResize resize(Optional<MultipathManager> multipath) {
        return new VolumeResize(host.topology(), host.flusher(), multipath, clock, new EventPublisher(events::add, clock));
    }

    private Deadline deadline() {
        return Deadline.after(Duration.ofMinutes(2), clock);
    }

    private VolumeDevices multipathVolume() {
        host.addDevice("sda", "2:0:0:1", Optional.of(VOLUME));
        host.addDevice("sdb", "3:0:0:1", Optional.of(VOLUME));
        MultipathMap map = host.addMap("dm-0", VOLUME, "sda", "sdb");
        return volume(List.of(current("sda"), current("sdb")), Optional.of(map));
    }

    private VolumeDevices singlePath() {
        return volume(List.of(host.addDevice("sda", "2:0:0:1", Optional.of(VOLUME))), Optional.empty());
    }

    private static VolumeDevices volume(List<BlockDevice> paths, Optional<MultipathMap> map) {
        return new VolumeDevices(NAME, Optional.of(VOLUME), paths, map, List.of());
    }

    private BlockDevice current(String name) {
        return host.topology().device(name).orElseThrow();
    }

    @Test
    void aMultipathVolumeRescansEveryPathThenResizesTheMapAndReportsItsNewSize() {
        VolumeDevices volume = multipathVolume();

        long size = resize().extend(volume, deadline());

        assertThat(size).isEqualTo(NEW);
        assertThat(host.calls()).containsExactly("rescan sda", "rescan sdb", "resizeMap dm-0");
        assertThat(host.topology().multipathMap("dm-0").orElseThrow().sizeBytes()).isEqualTo(NEW);
        assertThat(events).extracting(BrickEvent::type).containsExactly(EventType.RESIZE, EventType.RESIZE);
        assertThat(events.get(1).details()).containsEntry("sizeBytes", Long.toString(NEW));
    }

    @Test
    void aSinglePathVolumeIsRescannedAndNeedsNoMultipathManager() {
        VolumeDevices volume = singlePath();

        assertThat(resize(Optional.empty()).extend(volume, deadline())).isEqualTo(NEW);

        assertThat(host.calls()).containsExactly("rescan sda");
    }

    @Test
    void aPathThatShowsTheNewSizeLateIsWaitedFor() {
        VolumeDevices volume = multipathVolume();
        host.rescanLags.put("sdb", Duration.ofSeconds(3));

        assertThat(resize().extend(volume, deadline())).isEqualTo(NEW);

        assertThat(clock.slept()).isGreaterThanOrEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void aVolumeWithNoPathOnTheHostIsNotFoundAndNothingRuns() {
        VolumeDevices volume = volume(List.of(), Optional.empty());

        DeviceNotFoundException failure = catchThrowableOfType(DeviceNotFoundException.class,
                () -> resize().extend(volume, deadline()));

        assertThat(failure).isNotNull();
        assertThat(failure.evidence()).containsEntry("volume", NAME);
        assertThat(host.calls()).isEmpty();
        assertThat(events).isEmpty();
    }

    @Test
    void aPathThatIsDownStopsTheExtendBeforeAnyRescanOrResize() {
        VolumeDevices volume = multipathVolume();
        host.setState("sdb", DeviceState.OFFLINE);
        VolumeDevices seen = volume(List.of(current("sda"), current("sdb")), volume.map());

        HostStateException failure = catchThrowableOfType(HostStateException.class,
                () -> resize().extend(seen, deadline()));

        assertThat(failure).isNotNull();
        assertThat(failure.getMessage()).contains("All paths need to be up", "sdb offline").doesNotContain("sda");
        assertThat(host.calls()).isEmpty();
        assertThat(host.topology().multipathMap("dm-0").orElseThrow().sizeBytes()).isEqualTo(OLD);
    }

    @Test
    void pathsThatDisagreeOnTheSizeFailAndTheMapIsNotResized() {
        VolumeDevices volume = multipathVolume();
        host.rescanIgnored.add("sdb");

        HostStateException failure = catchThrowableOfType(HostStateException.class,
                () -> resize().extend(volume, deadline()));

        assertThat(failure).isNotNull();
        assertThat(failure.getMessage()).contains("disagree on the size");
        assertThat(failure.evidence().get("sizes")).contains("sda=" + NEW, "sdb=" + OLD);
        assertThat(host.calls()).containsExactly("rescan sda", "rescan sdb");
        assertThat(host.topology().multipathMap("dm-0").orElseThrow().sizeBytes()).isEqualTo(OLD);
    }

    @Test
    void aPathThatVanishedIsNoSizeTheExtendCanReport() {
        // every path gone by the time the sizes are read: "-1" on every path agrees, but it is no size
        VolumeDevices volume = volume(List.of(FakeHost.device("sdz", "2:0:0:1", Optional.of(VOLUME))), Optional.empty());

        HostStateException failure = catchThrowableOfType(HostStateException.class,
                () -> resize(Optional.empty()).extend(volume, deadline()));

        assertThat(failure).isNotNull();
        assertThat(failure.getMessage()).contains("disagree on the size");
    }

    @Test
    void aMapThatDoesNotTakeThePathsSizeFailsTheExtend() {
        VolumeDevices volume = multipathVolume();
        host.resizeIgnored = true;

        CommandFailedException failure = catchThrowableOfType(CommandFailedException.class,
                () -> resize().extend(volume, deadline()));

        assertThat(failure).isNotNull();
        assertThat(failure.getMessage()).contains(OLD + " bytes", "its paths " + NEW);
        assertThat(events).extracting(BrickEvent::type).containsExactly(EventType.RESIZE);
    }

    @Test
    void aMultipathedVolumeWithoutAMultipathManagerFailsRatherThanReportAnUnresizedMap() {
        VolumeDevices volume = multipathVolume();

        HostStateException failure = catchThrowableOfType(HostStateException.class,
                () -> resize(Optional.empty()).extend(volume, deadline()));

        assertThat(failure).isNotNull();
        assertThat(failure.getMessage()).contains("no multipath manager");
        assertThat(failure.evidence()).containsEntry("map", "dm-0");
    }

    @Test
    void aMapThatShowsItsNewSizeLateIsWaitedFor() {
        VolumeDevices volume = multipathVolume();
        host.resizeLag = Duration.ofSeconds(2);

        assertThat(resize().extend(volume, deadline())).isEqualTo(NEW);

        assertThat(host.topology().multipathMap("dm-0").orElseThrow().sizeBytes()).isEqualTo(NEW);
    }
}
