package io.brick.iscsi;

import io.brick.core.event.EventPublisher;
import io.brick.core.lock.DefaultLockManager;
import io.brick.core.lock.ProcessLocks;
import io.brick.core.model.Lun;
import io.brick.core.port.SysfsAccess;
import io.brick.core.time.Deadline;
import io.brick.core.time.Clock;
import io.brick.core.time.Sleeper;
import io.brick.core.volume.ErrorCollector;
import io.brick.iscsi.SessionManager.Node;
import io.brick.testkit.sysfs.FakeSysfs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 19: a disconnect's iSCSI cleanup is planned and then run at once, under the targets' locks; the run acts on
 * the sessions its plan listed (each listing of the sessions is a few hundred ms under emulation), and still reads
 * the sessions' devices again before it logs out.
 */
class IscsiCleanupReadsTest {
    private static final String A = "iqn.2003-01.org.example:a";

    @TempDir
    Path dir;

    @Test
    void the_run_after_a_plan_lists_the_sessions_once_and_logs_out_of_both_portals() {
        FakeSysfs fake = FakeSysfs.create(dir)
                .iscsiSession(2, 1, s -> s.target(A).portal("192.0.2.1", 3260))
                .iscsiSession(3, 2, s -> s.target(A).portal("192.0.2.2", 3260));
        SysfsHost real = SysfsHost.over(fake.hostRoot());
        AtomicInteger listings = new AtomicInteger();
        SysfsAccess counting = new SysfsAccess() {
            @Override
            public List<String> list(String directory) {
                if (directory.equals("class/iscsi_session")) {
                    listings.incrementAndGet();
                }
                return real.sysfs().list(directory);
            }

            @Override
            public Optional<String> read(String attribute) {
                return real.sysfs().read(attribute);
            }

            @Override
            public Optional<String> resolve(String path) {
                return real.sysfs().resolve(path);
            }
        };
        List<String> done = new CopyOnWriteArrayList<>();
        ExecutorService workers = Executors.newCachedThreadPool();
        try {
            IscsiAttachment.Context context = new IscsiAttachment.Context(
                    new IscsiHost(new IscsiSessionReader(counting, real.topologyProvider())), new Recording(done),
                    (host, channel, target, lun) -> { }, new DefaultLockManager(ProcessLocks.none(), Clock.system(),
                    Sleeper.system()), new EventPublisher(event -> { }, Clock.system()), Clock.system(),
                    Sleeper.system(), workers);
            List<IscsiTarget> targets = List.of(new IscsiTarget(new Portal("192.0.2.1", 3260), Iqn.of(A), Lun.of(1)),
                    new IscsiTarget(new Portal("192.0.2.2", 3260), Iqn.of(A), Lun.of(1)));
            IscsiCleanup cleanup = new IscsiCleanup(context, targets, Map.of(), "default", Optional.empty());

            assertThat(cleanup.plan()).hasSize(2).allMatch(step -> step.startsWith("logout "));
            cleanup.run(new ErrorCollector(false), Deadline.after(Duration.ofSeconds(30), Clock.system()));

            assertThat(listings.get()).as("listings of class/iscsi_session").isEqualTo(1);
            assertThat(done).containsExactlyInAnyOrder("logout 192.0.2.1:3260", "delete 192.0.2.1:3260",
                    "logout 192.0.2.2:3260", "delete 192.0.2.2:3260");
        } finally {
            workers.shutdownNow();
        }
    }

    /** Records the logouts and node deletions; nothing else is expected of a cleanup. */
    private record Recording(List<String> done) implements SessionManager {
        @Override
        public List<Node> discover(Portal portal, String iface, Optional<Chap> discoveryChap, Deadline deadline) {
            throw new AssertionError("discover");
        }

        @Override
        public List<Node> nodes(Deadline deadline) {
            throw new AssertionError("nodes");
        }

        @Override
        public void createNode(Node node, Deadline deadline) {
            throw new AssertionError("createNode");
        }

        @Override
        public void updateNode(Node node, Map<String, String> settings, Optional<Chap> chap, Deadline deadline) {
            throw new AssertionError("updateNode");
        }

        @Override
        public void login(Node node, Deadline deadline) {
            throw new AssertionError("login");
        }

        @Override
        public void logout(Node node, Deadline deadline) {
            done.add("logout " + node.portal());
        }

        @Override
        public void deleteNode(Node node, Deadline deadline) {
            done.add("delete " + node.portal());
        }
    }
}
