package io.brick.iscsi;

import io.brick.core.model.BlockDevice;
import io.brick.core.model.Lun;
import io.brick.testkit.sysfs.FakeSysfs;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 17: the sessions to one target are found from one listing of {@code class/iscsi_session}, each session's
 * target name read once for the reader's life (the kernel never reuses a session id until reboot). Sessions that come
 * and go between two lookups are seen as they are now.
 */
class SessionsByTargetTest {
    private static final String A = "iqn.2003-01.org.example:a";
    private static final String B = "iqn.2003-01.org.example:b";

    @TempDir
    Path dir;

    private FakeSysfs sysfs;
    private IscsiSessionReader reader;

    @BeforeEach
    void twoTargets() {
        sysfs = FakeSysfs.create(dir)
                .iscsiSession(2, 1, s -> s.target(A).portal("192.0.2.1", 3260))
                .iscsiSession(3, 2, s -> s.target(B).portal("192.0.2.1", 3260))
                .scsiDevice("2:0:0:1", "sda", d -> d.wwid("36001405aaaaaaaaaaaaaaaaaaaaaaaaa"))
                .scsiDevice("3:0:0:1", "sdb", d -> d.wwid("36001405bbbbbbbbbbbbbbbbbbbbbbbbb"));
        reader = SysfsHost.over(sysfs.hostRoot()).sessions();
    }

    private List<Integer> sessionsTo(String iqn) {
        return reader.sessions(Iqn.of(iqn)).stream().map(IscsiSession::sessionId).toList();
    }

    @Test
    void a_session_that_appears_between_two_lookups_is_found_with_its_device() {
        assertThat(sessionsTo(A)).containsExactly(1);

        sysfs.iscsiSession(4, 3, s -> s.target(A).portal("192.0.2.1", 3260).ifaceName("iface1"))
                .scsiDevice("4:0:0:1", "sdc", d -> d.wwid("36001405aaaaaaaaaaaaaaaaaaaaaaaaa"));

        assertThat(sessionsTo(A)).as("a second session to the same portal and IQN").containsExactly(1, 3);
        assertThat(sessionsTo(B)).containsExactly(2);
        IscsiHost host = new IscsiHost(reader);
        assertThat(host.devicesAt(List.of(new IscsiTarget(new Portal("192.0.2.1", 3260), Iqn.of(A), Lun.of(1)))))
                .extracting(BlockDevice::name).containsExactly("sda", "sdc");
    }

    @Test
    void a_removed_session_is_not_found() {
        assertThat(sessionsTo(A)).containsExactly(1);
        assertThat(sessionsTo(B)).containsExactly(2);

        sysfs.removeSession(1);
        sysfs.iscsiSession(5, 3, s -> s.target(B).portal("192.0.2.2", 3260));

        assertThat(sessionsTo(A)).isEmpty();
        assertThat(sessionsTo(B)).containsExactly(2, 3);
        assertThat(reader.sessions()).extracting(IscsiSession::sessionId).containsExactly(2, 3);
    }

    @Test
    void a_session_whose_target_name_was_not_set_yet_is_read_again() throws IOException {
        Path name = dir.resolve("sys/class/iscsi_session/session2/targetname");
        Files.writeString(name, "(null)\n");
        assertThat(sessionsTo(B)).isEmpty();

        Files.writeString(name, B + "\n"); // iscsid set it once the login finished

        assertThat(sessionsTo(B)).containsExactly(2);
    }

    @Test
    void another_targets_session_is_not_read_again() throws IOException {
        assertThat(sessionsTo(A)).containsExactly(1);
        // what the kernel never does (a session's target is fixed for its life): shows the name is read only once
        Files.writeString(dir.resolve("sys/class/iscsi_session/session2/targetname"), A + "\n");

        assertThat(sessionsTo(A)).containsExactly(1);
        assertThat(new SysfsHostSessions(sysfs).sessionsTo(A)).as("a new reader reads it").containsExactly(1, 2);
    }

    /** A reader of its own, as another brick runtime has. */
    private record SysfsHostSessions(FakeSysfs sysfs) {
        List<Integer> sessionsTo(String iqn) {
            return SysfsHost.over(sysfs.hostRoot()).sessions().sessions(Iqn.of(iqn)).stream()
                    .map(IscsiSession::sessionId).toList();
        }
    }
}
