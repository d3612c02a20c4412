package io.brick.core.volume;

import io.brick.core.connector.DisconnectPlan;
import io.brick.core.connector.DisconnectOptions;
import io.brick.core.error.DisconnectFailedException;
import io.brick.core.error.InvalidInputException;
import io.brick.core.error.OperationTimeoutException;
import io.brick.core.event.EventPublisher;
import io.brick.core.model.AttachedVolume;
import io.brick.core.model.BlockDevice;
import io.brick.core.model.DevicePath;
import io.brick.core.model.Lun;
import io.brick.core.model.LunAddressing;
import io.brick.core.model.MultipathMap;
import io.brick.core.time.Deadline;
import io.brick.core.time.ManualClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static io.brick.core.volume.FakeHost.VOLUME;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * os-brick's {@code test_linuxscsi.py} scenarios of {@code remove_connection}, {@code requires_flush},
 * {@code process_lun_id} and {@code lun_for_addressing} (§7.2 of the behaviour inventory), each named after the
 * os-brick test it mirrors, on the volume package's in-memory host. os-brick's {@code remove_connection} is brick's
 * {@link DisconnectPipeline}: {@code find_sysfs_multipath_dm} + {@code get_dm_name} are the {@link VolumeDevices}' map,
 * {@code flush_multipath_device} is {@code flushMap}, {@code remove_scsi_device} + {@code wait_for_volumes_removal}
 * are {@code removeDevices}, {@code _remove_scsi_symlinks} is {@code removeStaleLinks}, {@code is_multipath_running}
 * is {@code available} and {@code wait_multipathd_remove_paths} / {@code multipath_del_path} are
 * {@code forgetPaths}.
 */
class OsBrickLinuxScsiScenariosTest {
    private static final String NAME = "iqn.2003-01.org.example:t1 LUN 1";
    private static final DisconnectOptions FORCE = new DisconnectOptions(true, false);

    private final ManualClock clock = new ManualClock();
    private final FakeHost host = new FakeHost(clock);
    private final FakeHost.Cleanup cleanup = host.new Cleanup();

    private DisconnectPipeline pipeline() {
        return new DisconnectPipeline(host.topology(), host.flusher(), Optional.of(host.multipath()),
                new EventPublisher(event -> { }, clock));
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
        int scsiHost = 2;
        for (String name : names) {
            paths.add(host.addDevice(name, (scsiHost++) + ":0:0:1", Optional.of(VOLUME)));
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

    // ------------------------------------------------------------------------------------------- remove_connection

    @ParameterizedTest(name = "flush fails: {0}")
    @ValueSource(booleans = {false, true})
    void test_remove_connection_multipath_complete(boolean doRaise) {
        VolumeDevices volume = multipathVolume();
        if (doRaise) {
            host.flushMapFailure = FakeHost.flushFailure("dm-0");
            host.mapOutlivesPaths = true;
        }

        if (doRaise) {
            DisconnectFailedException failure = catchThrowableOfType(DisconnectFailedException.class,
                    () -> pipeline().disconnect(volume, attached("/dev/dm-0"), FORCE, cleanup, deadline()));
            assertThat(failure.failures()).containsExactly(host.flushMapFailure);
        } else {
            DisconnectPlan done = pipeline().disconnect(volume, attached("/dev/dm-0"), DisconnectOptions.SAFE, cleanup,
                    deadline());
            assertThat(done.flush()).containsExactly("dm-0");
        }

        List<String> expected = new ArrayList<>(List.of("flushMap dm-0", "removeDevices sda,sdb",
                "removeStaleLinks sda,sdb", "forgetPaths sda,sdb", "cleanup.plan", "cleanup.run"));
        if (doRaise) {
            expected.add("removeMap dm-0");
        }
        assertThat(host.calls()).as("no per-path flush, no availability question; the unflushed map removed last")
                .containsExactlyElementsOf(expected);
        assertThat(host.has("sda") || host.has("sdb") || host.has("dm-0")).isFalse();
    }

    @Test
    void test_remove_connection_multipath_complete_no_dm() {
        VolumeDevices volume = pathsOnly("sda", "sdb");

        DisconnectPlan done = pipeline().disconnect(volume, Optional.empty(), DisconnectOptions.SAFE, cleanup, deadline());

        assertThat(host.calls()).containsExactly("removeDevices sda,sdb", "removeStaleLinks sda,sdb", "available",
                "forgetPaths sda,sdb", "cleanup.plan", "cleanup.run");
        assertThat(done.flush()).isEmpty();
        assertThat(done.forget()).containsExactly("sda", "sdb");
    }

    @Test
    void test_remove_connection_multipath_fail() {
        VolumeDevices volume = multipathVolume();
        host.flushMapFailure = FakeHost.flushFailure("dm-0");

        assertThatThrownBy(() -> pipeline().disconnect(volume, attached("/dev/dm-0"), DisconnectOptions.SAFE, cleanup,
                deadline())).isSameAs(host.flushMapFailure);

        assertThat(host.calls()).as("nothing removed, no wait, no logout").containsExactly("flushMap dm-0");
        assertThat(host.has("sda") && host.has("sdb") && host.has("dm-0")).isTrue();
    }

    @Test
    void test_remove_connection_singlepath_no_path() {
        VolumeDevices volume = pathsOnly("sda", "sdb");

        pipeline().disconnect(volume, Optional.empty(), DisconnectOptions.SAFE, cleanup, deadline());

        assertThat(host.calls()).as("no path used: none flushed").noneMatch(call -> call.startsWith("flushBuffers"))
                .containsSubsequence("removeDevices sda,sdb", "available", "forgetPaths sda,sdb");
    }

    @Test
    void test_remove_connection_singlepath_used() {
        VolumeDevices volume = pathsOnly("sda", "sdb");
        host.multipathdRunning = false;

        DisconnectPlan done = pipeline().disconnect(volume, attached("/dev/sdb"), DisconnectOptions.SAFE, cleanup,
                deadline());

        assertThat(host.calls()).as("only the used path flushed; multipathd not running: nothing to forget")
                .containsExactly("flushBuffers sdb", "removeDevices sda,sdb", "removeStaleLinks sda,sdb", "available",
                        "cleanup.plan", "cleanup.run");
        assertThat(done.flush()).containsExactly("sdb");
    }

    @Test
    void test_remove_scsi_device_force() {
        VolumeDevices volume = pathsOnly("sdc");
        host.flushBuffersFailure = FakeHost.flushFailure("sdc");
        host.removalTimesOut = true;

        DisconnectFailedException failure = catchThrowableOfType(DisconnectFailedException.class,
                () -> pipeline().disconnect(volume, attached("/dev/sdc"), FORCE, cleanup, deadline()));

        assertThat(host.calls()).as("with force the removal is attempted although the flush failed")
                .startsWith("flushBuffers sdc", "removeDevices sdc", "removeStaleLinks sdc");
        assertThat(failure.failures()).hasSize(2);
        assertThat(failure.failures().get(0)).isSameAs(host.flushBuffersFailure);
        assertThat(failure.failures().get(1)).isInstanceOf(OperationTimeoutException.class);
    }

    // ------------------------------------------------------------------------------------------- requires_flush

    /**
     * os-brick's six cases (path asked about is {@code sda}): the same path; the same path with was_multipath; no
     * path used; a link that is a crypt device over {@code sda}; a link to {@code sdb}; another link to {@code sda}.
     */
    @ParameterizedTest(name = "{0} ({1}) -> flush sda: {3}")
    @CsvSource(delimiter = '|', value = {
            "/dev/sda|same path|false|true",
            "/dev/sda|same path, was multipath|true|true",
            "|no path used|true|false",
            "/dev/disk/by-path/pci-XYZ|link to /dev/mapper/crypt-pci-XYZ over sda|false|true",
            "/dev/disk/by-id/scsi-360014053b8c2d6119a414f0b8e275d1c|link to sdb|false|false",
            "/dev/disk/by-id/wwn-0x60014053b8c2d6119a414f0b8e275d1c|link to sda|false|true",
    })
    void test_requires_flush(String used, String description, boolean wasMultipath, boolean flushesSda) {
        boolean linkToSdb = description.equals("link to sdb");
        BlockDevice sda = host.addDevice("sda", "2:0:0:1", linkToSdb ? Optional.empty() : Optional.of(VOLUME));
        BlockDevice sdb = host.addDevice("sdb", "3:0:0:1", linkToSdb ? Optional.of(VOLUME) : Optional.empty());
        VolumeDevices volume = new VolumeDevices("v", Optional.of(VOLUME), List.of(sda, sdb), Optional.empty(), List.of());
        Optional<AttachedVolume> attached = used == null ? Optional.empty()
                : Optional.of(new AttachedVolume(DevicePath.of(used), Optional.of(VOLUME),
                wasMultipath ? Optional.of(VOLUME) : Optional.empty()));

        UsedPath.Decision decision = UsedPath.decide(volume, attached, host.topology());

        assertThat(decision.flush().contains(sda)).as(decision.reason()).isEqualTo(flushesSda);
        if (linkToSdb) {
            assertThat(decision.flush()).containsExactly(sdb);
        }
    }

    // ------------------------------------------------------------------------------------------- process_lun_id

    @Test
    void test_process_lun_id_list() {
        List<String> forms = List.of(2L, 255L, 88L, 370L, 5L, 256L).stream()
                .map(lun -> Lun.of(lun).byPathForm()).toList();

        assertThat(forms).containsExactly("2", "255", "88", "0x0172000000000000", "5", "0x0100000000000000");
    }

    @Test
    void test_process_lun_id_single_val_make_hex() {
        assertThat(Lun.of(499).byPathForm()).isEqualTo("0x01f3000000000000");
    }

    @Test
    void test_process_lun_id_single_val_make_hex_border_case() {
        assertThat(Lun.of(256).byPathForm()).isEqualTo("0x0100000000000000");
    }

    @Test
    void test_process_lun_id_single_var_return() {
        assertThat(Lun.of(13).byPathForm()).isEqualTo("13");
    }

    // ------------------------------------------------------------------------------------------- lun_for_addressing

    @ParameterizedTest(name = "{0}")
    @CsvSource(value = {"NULL", "SAM", "transparent"}, nullValues = "NULL")
    void test_lun_for_addressing_transparent_sam(String mode) {
        LunAddressing addressing = LunAddressing.parse(mode);

        assertThat(Lun.of(1).forAddressing(addressing)).isEqualTo(Lun.of(1));
        assertThat(Lun.of(256).forAddressing(addressing)).isEqualTo(Lun.of(256));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"1", "SAM3", "TRANSPARENT", "sam", "sam2"})
    void test_lun_for_addressing_bad(String mode) {
        InvalidInputException failure = catchThrowableOfType(InvalidInputException.class,
                () -> LunAddressing.parse(mode));

        assertThat(failure).isNotNull();
        assertThat(failure.key()).isEqualTo("addressing_mode");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"1, 1", "100, 100", "256, 16640", "1010, 17394"})
    void test_lun_for_addressing_sam2(long lun, long expected) {
        assertThat(Lun.of(lun).forAddressing(LunAddressing.parse("SAM2"))).isEqualTo(Lun.of(expected));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"0, 16384", "100, 16484", "256, 16640", "1010, 17394"})
    void test_lun_for_addressing_sam3_flat(long lun, long expected) {
        assertThat(Lun.of(lun).forAddressing(LunAddressing.parse("SAM3-flat"))).isEqualTo(Lun.of(expected));
    }
}
