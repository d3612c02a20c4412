package io.brick.multipath;

import io.brick.testkit.snapshot.RecordedTree;

import io.brick.multipath.DmsetupInfoParser.DmDevice;
import io.brick.testkit.snapshot.Recordings;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class DmsetupInfoParserTest {
    private static final String WWID = "360014053b8c2d6119a414f0b8e275d1c";

    @Test
    void readsTheMapOfTheTwoPortalRecording() {
        List<DmDevice> devices = DmsetupInfoParser.parse(
                RecordedTree.of(Recordings.B_TWO_PORTALS_ONE_LUN).stdout("dmsetup info -c"));

        assertThat(devices).containsExactly(new DmDevice(WWID, 253, 0, "L--w", 0, 1, 0, Optional.of("mpath-" + WWID)));
        DmDevice map = devices.get(0);
        assertThat(map.open()).isFalse();
        assertThat(map.suspended()).isFalse();
        assertThat(map.readOnly()).isFalse();
        assertThat(map.multipath()).isTrue();
        assertThat(map.kernelName()).isEqualTo("dm-0");
    }

    @ParameterizedTest
    @ValueSource(strings = {Recordings.A_SINGLE_PORTAL_ONE_LUN, Recordings.B_TWO_PORTALS_ONE_LUN,
            Recordings.OSBRICK_ATTACHED})
    void everyDeviceMatchesWhatSysfsRecorded(String recording) {
        RecordedTree host = RecordedTree.of(recording);

        List<DmDevice> devices = DmsetupInfoParser.parse(host.stdout("dmsetup info -c"));

        assertThat(devices).extracting(DmDevice::kernelName).containsExactlyInAnyOrderElementsOf(
                host.list("/sys/block").stream().filter(name -> name.startsWith("dm-")).toList());
        for (DmDevice device : devices) {
            String dm = "/sys/block/" + device.kernelName();
            assertThat(device.name()).isEqualTo(host.sysfs(dm + "/dm/name"));
            assertThat(device.uuid()).contains(host.sysfs(dm + "/dm/uuid"));
            assertThat(device.major() + ":" + device.minor()).isEqualTo(host.sysfs(dm + "/dev"));
            assertThat(device.open()).isFalse();
            assertThat(host.list(dm + "/holders")).isEmpty();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {Recordings.E_AFTER_DISCONNECT, Recordings.OSBRICK_AFTER_DISCONNECT})
    void noDevicesFoundIsAnEmptyList(String recording) {
        RecordedTree host = RecordedTree.of(recording);
        assertThat(host.stdout("dmsetup info -c")).contains("No devices found");

        assertThat(DmsetupInfoParser.parse(host.stdout("dmsetup info -c"))).isEmpty();
    }

    @Test
    void readsOpenSuspendedReadOnlyDevicesWithoutAUuidAndNamesWithSpaces() {
        String stdout = """
                Name                              Maj Min Stat Open Targ Event  UUID
                mpatha                            253   3 L-sr    2    1      7 mpath-3600a0b80
                vg0-root                          253   1 L--w    1    1      0 LVM-abc123
                plain                             253   2 L--w    0    1      0
                odd name                          253   4 LI-w    0    1      0 mpath-3600b
                """;

        List<DmDevice> devices = DmsetupInfoParser.parse(stdout);

        assertThat(devices).extracting(DmDevice::name).containsExactly("mpatha", "vg0-root", "plain", "odd name");
        DmDevice mpatha = devices.get(0);
        assertThat(mpatha.open()).isTrue();
        assertThat(mpatha.openCount()).isEqualTo(2);
        assertThat(mpatha.suspended()).isTrue();
        assertThat(mpatha.readOnly()).isTrue();
        assertThat(mpatha.eventNumber()).isEqualTo(7);
        assertThat(devices.get(1).multipath()).isFalse();
        assertThat(devices.get(2).uuid()).isEmpty();
        assertThat(devices.get(3).uuid()).contains("mpath-3600b");
    }

    @Test
    void skipsLinesThatAreNotDevices() {
        String stdout = """
                Name Maj Min Stat Open Targ Event UUID
                broken 253 x L--w 0 1 0 mpath-1
                badstate 253 5 QQQQ 0 1 0 mpath-2
                short 253 5 L--w
                good 253 6 L--w 0 1 0 mpath-3
                """;

        assertThat(DmsetupInfoParser.parse(stdout)).extracting(DmDevice::name).containsExactly("good");
    }
    @Test
    void readsTheOpenCountOfTheLongForm() {
        String stdout = """
                Name:              360014053b8c2d6119a414f0b8e275d1c
                State:             ACTIVE
                Read Ahead:        256
                Tables present:    LIVE
                Open count:        2
                Event number:      0
                Major, minor:      253, 0
                Number of targets: 1
                UUID: mpath-360014053b8c2d6119a414f0b8e275d1c

                """;

        assertThat(DmsetupInfoParser.openCount(stdout)).hasValue(2);
    }

    @Test
    void aMissingDeviceHasNoOpenCount() {
        assertThat(DmsetupInfoParser.openCount("Device does not exist.\nCommand failed.\n")).isEmpty();
        assertThat(DmsetupInfoParser.openCount("Open count:        many\n")).isEmpty();
    }
}
