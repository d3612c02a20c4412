package io.brick.iscsi;

import io.brick.core.model.Hctl;
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
        recorded = RecordedFixture.load(Recordings.B_TWO_PORTALS_ONE_LUN, dir).topology();
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
}
