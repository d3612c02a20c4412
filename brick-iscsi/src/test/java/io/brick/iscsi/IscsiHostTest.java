package io.brick.iscsi;

import io.brick.core.model.Lun;
import io.brick.core.port.SysfsAccess;
import io.brick.testkit.snapshot.RecordedFixture;
import io.brick.testkit.snapshot.Recordings;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/** The sessions of several targets at once, on the two-portal recording: read once per IQN, as one by one. */
class IscsiHostTest {
    private static final Iqn IQN = Iqn.of("iqn.2003-01.org.linux-iscsi.labvm:target1");
    private static final Iqn OTHER = Iqn.of("iqn.2003-01.org.linux-iscsi.labvm:other");

    @TempDir
    Path dir;

    private SysfsHost host;

    /** The host's sysfs, counting the listings of the session class (one per read of every session). */
    private static final class CountingSysfs implements SysfsAccess {
        private final SysfsAccess real;
        final List<String> listed = new ArrayList<>();

        CountingSysfs(SysfsAccess real) {
            this.real = real;
        }

        @Override
        public List<String> list(String directory) {
            return real.list(directory);
        }

        @Override
        public Optional<String> read(String attribute) {
            return real.read(attribute);
        }

        @Override
        public Optional<String> resolve(String path) {
            return real.resolve(path);
        }

        @Override
        public List<Entry> entries(String directory, Predicate<String> names) {
            listed.add(directory);
            return real.entries(directory, names);
        }

        @Override
        public Optional<Entry> entry(String path) {
            return real.entry(path);
        }
    }

    @BeforeEach
    void materialise() {
        host = RecordedFixture.load(Recordings.B_TWO_PORTALS_ONE_LUN, dir, SysfsHost::over).topology();
    }

    @Test
    void the_sessions_of_every_target_are_those_of_each_and_every_session_is_read_once_per_iqn() {
        CountingSysfs sysfs = new CountingSysfs(host.sysfs());
        IscsiHost iscsi = new IscsiHost(new IscsiSessionReader(sysfs, host.topologyProvider()));
        IscsiTarget first = new IscsiTarget(Portal.parse("127.0.0.1:3260"), IQN, Lun.of(1));
        IscsiTarget second = new IscsiTarget(Portal.parse("127.0.0.2:3260"), IQN, Lun.of(1));
        IscsiTarget noSession = new IscsiTarget(Portal.parse("127.0.0.3:3260"), IQN, Lun.of(1));
        IscsiTarget other = new IscsiTarget(Portal.parse("127.0.0.1:3260"), OTHER, Lun.of(1));

        Map<IscsiTarget, List<IscsiSession>> found = iscsi.sessionsTo(List.of(first, second, noSession, other));

        assertThat(sysfs.listed).as("one listing per IQN").hasSize(2);
        assertThat(found.get(first)).extracting(IscsiSession::sessionId).containsExactly(1);
        assertThat(found.get(second)).extracting(IscsiSession::sessionId).containsExactly(2);
        assertThat(found.get(noSession)).isEmpty();
        assertThat(found.get(other)).isEmpty();
        for (IscsiTarget target : List.of(first, second, noSession, other)) {
            assertThat(found.get(target)).as("%s", target).isEqualTo(iscsi.sessionsTo(target.portal(), target.iqn()));
        }
    }
}
