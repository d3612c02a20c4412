package io.brick.core.volume;

import io.brick.core.model.AttachedVolume;
import io.brick.core.model.BlockDevice;
import io.brick.core.model.DevicePath;
import io.brick.core.time.ManualClock;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import static io.brick.core.volume.FakeHost.VOLUME;
import static org.assertj.core.api.Assertions.assertThat;

/** os-brick's requires_flush cases (§3.7), decided without reading a link. */
class UsedPathTest {
    @ParameterizedTest(name = "{0} -> [{1}]")
    @CsvSource(delimiter = '|', value = {
            "/dev/sdb|sdb",
            "/dev/disk/by-id/scsi-360014053b8c2d6119a414f0b8e275d1c|sda",
            "/dev/disk/by-path/ip-10.0.0.1:3260-iscsi-iqn.2003-01.org.example:t1-lun-1|sda sdb",
            "/dev/mapper/crypt-volume-1|sda sdb",
            "/dev/disk/by-id/scsi-3600140500000000000000000000000ff|sda sdb",
            "/dev/dm-3|",
            "/dev/mapper/360014053b8c2d6119a414f0b8e275d1c|",
            "/dev/disk/by-id/dm-uuid-mpath-360014053b8c2d6119a414f0b8e275d1c|",
            "/dev/sdz|",
    })
    void requiresFlush(String used, String expected) {
        for (boolean resolvesLinks : new boolean[] {false, true}) {
            FakeHost host = new FakeHost(new ManualClock());
            host.resolvesLinks = resolvesLinks;
            BlockDevice sda = host.addDevice("sda", "2:0:0:1", Optional.of(VOLUME));
            BlockDevice sdb = host.addDevice("sdb", "3:0:0:1", Optional.empty());
            VolumeDevices volume = new VolumeDevices("v", Optional.of(VOLUME), List.of(sda, sdb), Optional.empty(),
                    List.of());

            UsedPath.Decision decision = UsedPath.decide(volume,
                    Optional.of(new AttachedVolume(DevicePath.of(used), Optional.of(VOLUME), Optional.empty())),
                    host.topology());

            List<String> names = expected == null ? List.of() : Arrays.asList(expected.split(" "));
            assertThat(decision.flush()).as("topology resolves links: %s", resolvesLinks).extracting(BlockDevice::name)
                    .containsExactlyElementsOf(names);
            assertThat(decision.reason()).contains(used);
            if (resolvesLinks && decision.reason().contains(" resolves to ")) {
                assertThat(host.byIdWalks).as("a resolved link needs no walk over every link").isZero();
            }
        }
    }

    @ParameterizedTest
    @CsvSource({"/dev/sda", "/dev/dm-0"})
    void aMultipathConnectResultFlushesOnlyAPathItNamesDirectly(String used) {
        FakeHost host = new FakeHost(new ManualClock());
        BlockDevice sda = host.addDevice("sda", "2:0:0:1", Optional.of(VOLUME));
        VolumeDevices volume = new VolumeDevices("v", Optional.of(VOLUME), List.of(sda), Optional.empty(), List.of());

        UsedPath.Decision decision = UsedPath.decide(volume,
                Optional.of(new AttachedVolume(DevicePath.of(used), Optional.of(VOLUME), Optional.of(VOLUME))), host.topology());

        assertThat(decision.flush()).hasSize(used.equals("/dev/sda") ? 1 : 0);
    }
}
