package io.brick.iscsi;

import io.brick.testkit.snapshot.RecordedFixture;
import io.brick.core.model.Lun;
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
 * every question the session reader answers (moved from brick-sysfs with the reader).
 */
class BuiltTreeSessionsMatchRecordingTest {
    private static final String IQN = "iqn.2003-01.org.linux-iscsi.labvm:target1";
    private static final String INITIATOR = "iqn.1993-08.org.debian:01:labinitiator";
    private static final Wwid WWID = Wwid.of("360014053b8c2d6119a414f0b8e275d1c");

    @TempDir
    Path dir;

    private SysfsHost recorded;
    private SysfsHost built;

    @BeforeEach
    void readBothTrees() {
        recorded = RecordedFixture.load(Recordings.B_TWO_PORTALS_ONE_LUN, dir, SysfsHost::over).topology();
        FakeSysfs sysfs = FakeSysfs.create(dir.resolve("built"))
                .initiatorName(INITIATOR)
                .iscsiSession(2, 1, s -> s.target(IQN).portal("127.0.0.1", 3260).tpgt(1).recoveryTmo(5)
                        .initiatorName(INITIATOR))
                .iscsiSession(3, 2, s -> s.target(IQN).portal("127.0.0.2", 3260).tpgt(1).recoveryTmo(5)
                        .localAddress("127.0.0.1").initiatorName(INITIATOR))
                .scsiDevice("2:0:0:1", "sda", d -> d.wwid(WWID.value()).sizeBytes(128L << 20).vendor("LIO-ORG").model("lun1"))
                .scsiDevice("3:0:0:1", "sdb", d -> d.wwid(WWID.value()).sizeBytes(128L << 20).vendor("LIO-ORG").model("lun1"))
                .multipathMap("dm-0", m -> m.wwid(WWID.value()).slaves("sda", "sdb"));
        built = SysfsHost.over(sysfs.hostRoot());
    }

    @Test
    void the_whole_topology_is_the_same() {
        assertThat(recorded.topology().iscsiSessions()).hasSize(2);
        assertThat(recorded.topology().devices()).hasSize(2);
        assertThat(recorded.topology().multipathMaps()).hasSize(1);
        assertThat(built.topology()).isEqualTo(recorded.topology());
    }

    @Test
    void every_session_lookup_is_the_same() {
        for (int session : List.of(1, 2, 3)) {
            assertThat(built.iscsiSession(session)).as("session %s", session).isEqualTo(recorded.iscsiSession(session));
            assertThat(built.sessionTarget(session)).as("target of session %s", session)
                    .isEqualTo(recorded.sessionTarget(session));
            assertThat(built.sessionDevices(session)).as("devices of session %s", session)
                    .isEqualTo(recorded.sessionDevices(session));
            for (long lun : List.of(0L, 1L, 2L)) {
                assertThat(built.sessionDevice(session, Lun.of(lun))).as("session %s LUN %s", session, lun)
                        .isEqualTo(recorded.sessionDevice(session, Lun.of(lun)));
            }
        }
        assertThat(recorded.sessionDevice(2, Lun.of(1))).map(device -> device.name()).contains("sdb");
    }

}
