package io.brick.sysfs;

import io.brick.testkit.snapshot.RecordedFixture;
import io.brick.core.model.Hctl;
import io.brick.core.model.Wwid;
import io.brick.testkit.snapshot.Recordings;
import io.brick.testkit.sysfs.FakeSysfs;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The testkit's builder against the real kernel, as the production reader sees them: the topology of
 * {@code b-two-portals-one-lun} built with {@link FakeSysfs}, and the recorded tree itself, give the same answer to
 * every question {@link SysfsTopologyProvider} answers (the sessions: brick-iscsi's
 * {@code BuiltTreeSessionsMatchRecordingTest}; no HBA in either: brick-fc's {@code FcHostReaderTest}).
 */
class BuiltTreeMatchesRecordingTest {
    private static final String IQN = "iqn.2003-01.org.linux-iscsi.labvm:target1";
    private static final String INITIATOR = "iqn.1993-08.org.debian:01:labinitiator";
    private static final Wwid WWID = Wwid.of("360014053b8c2d6119a414f0b8e275d1c");

    @TempDir
    Path dir;

    private SysfsTopologyProvider recorded;
    private SysfsTopologyProvider built;

    @BeforeEach
    void readBothTrees() {
        recorded = RecordedFixture.load(Recordings.B_TWO_PORTALS_ONE_LUN, dir, SysfsTopologyProvider::new).topology();
        FakeSysfs sysfs = FakeSysfs.create(dir.resolve("built"))
                .initiatorName(INITIATOR)
                .iscsiSession(2, 1, s -> s.target(IQN).portal("127.0.0.1", 3260).tpgt(1).recoveryTmo(5)
                        .initiatorName(INITIATOR))
                .iscsiSession(3, 2, s -> s.target(IQN).portal("127.0.0.2", 3260).tpgt(1).recoveryTmo(5)
                        .localAddress("127.0.0.1").initiatorName(INITIATOR))
                .scsiDevice("2:0:0:1", "sda", d -> d.wwid(WWID.value()).sizeBytes(128L << 20).vendor("LIO-ORG").model("lun1"))
                .scsiDevice("3:0:0:1", "sdb", d -> d.wwid(WWID.value()).sizeBytes(128L << 20).vendor("LIO-ORG").model("lun1"))
                .multipathMap("dm-0", m -> m.wwid(WWID.value()).slaves("sda", "sdb"));
        built = new SysfsTopologyProvider(sysfs.hostRoot());
    }

    @Test
    void the_whole_topology_is_the_same() {
        assertThat(recorded.topology().devices()).hasSize(2);
        assertThat(recorded.topology().multipathMaps()).hasSize(1);
        assertThat(built.topology()).isEqualTo(recorded.topology());
    }

    @Test
    void every_device_lookup_is_the_same() {
        for (String hctl : List.of("2:0:0:1", "3:0:0:1", "2:0:0:0", "4:0:0:1")) {
            assertThat(built.deviceAt(Hctl.parse(hctl))).as("device at %s", hctl).isEqualTo(recorded.deviceAt(Hctl.parse(hctl)));
        }
        for (String name : List.of("sda", "sdb", "sdc", "dm-0", "dm-1")) {
            assertThat(built.device(name)).as("device %s", name).isEqualTo(recorded.device(name));
            assertThat(built.wwid(name)).as("WWID of %s", name).isEqualTo(recorded.wwid(name));
            assertThat(built.holderMap(name)).as("map holding %s", name).isEqualTo(recorded.holderMap(name));
            assertThat(built.blockDeviceExists(name)).as("%s exists", name).isEqualTo(recorded.blockDeviceExists(name));
            assertThat(built.diskByIdLinks(name)).as("by-id links of %s", name).isEqualTo(recorded.diskByIdLinks(name));
        }
        assertThat(recorded.wwid("sda")).contains(WWID);
        assertThat(recorded.diskByIdLinks("dm-0")).isNotEmpty();
    }

    @Test
    void every_map_lookup_is_the_same() {
        assertThat(built.multipathMaps()).isEqualTo(recorded.multipathMaps());
        assertThat(built.multipathMap("dm-0")).isEqualTo(recorded.multipathMap("dm-0"));
        assertThat(built.multipathMap("dm-1")).isEqualTo(recorded.multipathMap("dm-1"));
        assertThat(built.multipathMapByWwid(WWID)).isEqualTo(recorded.multipathMapByWwid(WWID)).isPresent();
        Wwid other = Wwid.of("360014053b8c2d6009a414f0b8e275d1c");
        assertThat(built.multipathMapByWwid(other)).isEqualTo(recorded.multipathMapByWwid(other)).isEmpty();
    }

}
