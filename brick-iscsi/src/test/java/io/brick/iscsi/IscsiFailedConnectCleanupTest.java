package io.brick.iscsi;

import io.brick.core.connector.ConnectorConfig;
import io.brick.core.connector.DisconnectOptions;
import io.brick.core.error.BrickException;
import io.brick.core.lock.LockManager;
import io.brick.core.lock.ProcessLocks;
import io.brick.core.model.ConnectionProperties;
import io.brick.core.model.Wwid;
import io.brick.core.port.TopologyProvider;
import io.brick.core.time.Deadline;
import io.brick.testkit.host.Latencies;
import io.brick.testkit.host.RecordedLab;
import io.brick.testkit.host.SimulatedHost;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static io.brick.iscsi.SimulatedIscsi.IQN;
import static io.brick.iscsi.SimulatedIscsi.LUN0;
import static io.brick.iscsi.SimulatedIscsi.LUN1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * What a failed multipath connect leaves behind: its portal workers are stopped before the cleanup (a worker still
 * rescanning for its LUN would hold its target's lock past the cleanup's budget); the cleanup takes the targets'
 * locks (another connect of the target may be using the sessions); and it judges the devices by the WWID the connect
 * established, so that a stale device at one portal does not keep the new device of another from being removed.
 */
class IscsiFailedConnectCleanupTest {
    private static final String REUSED = "360014053b8c2d6229a414f0b8e275d1c";

    @TempDir
    Path dir;

    @AutoClose
    private SimulatedIscsi lab;

    /** Portal 1 with LUN {@code first}, portal 2 with LUN {@code second}, as plural keys. */
    private static ConnectionProperties portals(int first, int second, boolean enforce) {
        return ConnectionProperties.parseJson("""
                {"target_portals": ["127.0.0.1:3260", "127.0.0.2:3260"], "target_iqns": ["%s", "%s"],
                 "target_luns": [%d, %d], "enforce_multipath": %s}""".formatted(IQN, IQN, first, second, enforce));
    }

    /** A lock manager's process half that stops multipathd when the connect's first worker takes its lock. */
    private static ProcessLocks stopsMultipathdAtTheFirstLogin(AtomicReference<SimulatedIscsi> holder,
                                                               AtomicBoolean armed) {
        return (key, deadline) -> {
            if (armed.compareAndSet(true, false)) {
                holder.get().host.faults().multipathdDown();
            }
            return () -> { };
        };
    }

    @Test
    void a_failed_connect_stops_a_portal_still_rescanning_for_its_lun_so_its_cleanup_gets_the_locks_and_leaves_nothing() {
        // portal 2 never shows its LUN and would rescan for it for 200 s; the cleanup's budget is 20 s: were the
        // worker not stopped, the cleanup could not take portal 2's lock and would leave both sessions and the
        // device portal 1 made
        ConnectorConfig config = new ConnectorConfig(true, Duration.ofSeconds(300), Duration.ofSeconds(200),
                Duration.ofSeconds(10), Duration.ofSeconds(2), Duration.ofSeconds(20), Duration.ofSeconds(120));
        AtomicReference<SimulatedIscsi> holder = new AtomicReference<>();
        AtomicBoolean armed = new AtomicBoolean(true);
        lab = SimulatedIscsi.start(RecordedLab.host(dir, Latencies.realistic()), config,
                stopsMultipathdAtTheFirstLogin(holder, armed));
        holder.set(lab);

        Duration start = lab.host.clock().elapsed();
        BrickException failure = catchThrowableOfType(BrickException.class,
                () -> lab.connector.connect(portals(1, 7, true)));
        Duration took = lab.host.clock().elapsed().minus(start);

        assertThat(failure).as("multipathd stopped: no map, and multipath is enforced").isNotNull();
        assertThat(lab.host.oracle().leftovers().isEmpty()).as("%s", lab.host.oracle().leftovers()).isTrue();
        // simulated time: a worker that never heard of the stop would be waited for until its 200 s device wait ended
        assertThat(took).as("failed after %s", took).isLessThan(Duration.ofSeconds(100));
    }

    @Test
    void a_failed_connect_stops_a_portal_waiting_for_its_failed_session_to_recover_so_its_cleanup_gets_the_locks() {
        // LUN 0 is attached through both portals; portal 2's session has failed (its target is rebooting) and will
        // not be back for minutes. A connect of LUN 1 fails on portal 1 (multipathd stops, multipath is enforced)
        // while portal 2's worker waits, under its lock, for that session (up to the 250 s device wait); the
        // cleanup's budget is 20 s: were the worker not stopped, the cleanup could not take portal 2's lock and would
        // leave the device portal 1 made
        ConnectorConfig config = new ConnectorConfig(true, Duration.ofSeconds(300), Duration.ofSeconds(250),
                Duration.ofSeconds(10), Duration.ofSeconds(2), Duration.ofSeconds(20), Duration.ofSeconds(120));
        AtomicReference<SimulatedIscsi> holder = new AtomicReference<>();
        AtomicBoolean armed = new AtomicBoolean(false);
        lab = SimulatedIscsi.start(RecordedLab.host(dir, Latencies.realistic()), config,
                stopsMultipathdAtTheFirstLogin(holder, armed));
        holder.set(lab);
        lab.connector.connect(portals(0, 0, true));
        lab.host.clock().sleep(Duration.ofSeconds(2));
        lab.host.faults().pathDown(RecordedLab.PORTALS.get(1));
        armed.set(true);

        Duration start = lab.host.clock().elapsed();
        BrickException failure = catchThrowableOfType(BrickException.class,
                () -> lab.connector.connect(portals(1, 1, true)));
        Duration took = lab.host.clock().elapsed().minus(start);

        assertThat(failure).as("multipathd stopped: no map, and multipath is enforced").isNotNull();
        assertThat(lab.host.oracle().leftovers(Wwid.of(LUN1)).devices()).as("the device portal 1 made").isEmpty();
        assertThat(lab.host.oracle().leftovers(Wwid.of(LUN0)).devices()).as("LUN 0's paths").hasSize(2);
        assertThat(lab.host.oracle().leftovers().sessions()).as("LUN 0's sessions, the failed one too").hasSize(2);
        // simulated time: a worker that never heard of the stop would be waited for until its device wait ended
        assertThat(took).as("failed after %s", took).isLessThan(Duration.ofSeconds(100));
    }

    @Test
    void a_failed_connects_cleanup_logs_out_nothing_while_another_connect_holds_the_targets_lock() {
        // each (portal, IQN) lock is taken twice by this connect: by its worker, then by the failed connect's
        // cleanup; the second time another process's connect of the same target holds it past the cleanup's budget
        ConnectorConfig config = ConnectorConfig.defaults().withDeviceWait(Duration.ofSeconds(5));
        AtomicReference<SimulatedIscsi> holder = new AtomicReference<>();
        Map<String, Integer> taken = new ConcurrentHashMap<>();
        AtomicBoolean otherProcess = new AtomicBoolean(true);
        ProcessLocks locks = (key, deadline) -> {
            if (taken.merge(key, 1, Integer::sum) > 1 && otherProcess.get()) {
                holder.get().host.clock().sleep(deadline.remaining());
                throw deadline.timeout("file lock " + key, Map.of("key", key));
            }
            return () -> { };
        };
        lab = SimulatedIscsi.start(RecordedLab.host(dir, Latencies.realistic()), config, locks);
        holder.set(lab);

        BrickException failure = catchThrowableOfType(BrickException.class,
                () -> lab.connector.connect(portals(7, 7, false)));

        assertThat(failure).as("LUN 7 does not exist").isNotNull();
        assertThat(taken).as("the cleanup asked for both targets' locks").containsOnlyKeys(
                IscsiHost.lockKey(Portal.parse("127.0.0.1:3260"), Iqn.of(IQN)),
                IscsiHost.lockKey(Portal.parse("127.0.0.2:3260"), Iqn.of(IQN)));
        assertThat(taken.values()).as("once by the worker, once by the cleanup: %s", taken).contains(2);
        assertThat(lab.host.oracle().commandLog()).as("no logout without the target's lock")
                .noneMatch(entry -> entry.argv().contains("--logout"));
        assertThat(lab.host.oracle().leftovers().sessions()).hasSize(2);

        otherProcess.set(false);
        lab.connector.disconnect(portals(7, 7, false), Optional.empty(), DisconnectOptions.SAFE);
        assertThat(lab.host.oracle().leftovers().isEmpty()).as("%s", lab.host.oracle().leftovers()).isTrue();
    }

    @Test
    void a_portal_worker_that_gets_its_lock_only_after_the_failed_connects_cleanup_logs_in_nowhere() {
        // portal 2's (portal, IQN) lock is held by another operation of this process (thread "holder") while the
        // connect runs: portal 2's worker queues for it. Portal 1's device makes the connect fail (multipathd is
        // stopped at its login, multipath is enforced). The holder lets the lock go while the failed connect's
        // cleanup waits for it, and the cleanup, polling then, takes it first (waiters are not served in arrival
        // order): it finds nothing at portal 2 and logs nothing out there. The worker gets the lock after it: a login
        // now would be a session and a node record nobody logs out or deletes
        ConnectorConfig config = ConnectorConfig.defaults();
        String first = IscsiHost.lockKey(Portal.parse(RecordedLab.PORTALS.get(0)), Iqn.of(IQN));
        String second = IscsiHost.lockKey(Portal.parse(RecordedLab.PORTALS.get(1)), Iqn.of(IQN));
        AtomicReference<SimulatedIscsi> holder = new AtomicReference<>();
        Map<String, Integer> taken = new ConcurrentHashMap<>();
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean released = new AtomicBoolean();
        ProcessLocks locks = (key, deadline) -> {
            int times = taken.merge(key, 1, Integer::sum);
            if (key.equals(first) && times == 1) {
                holder.get().host.faults().multipathdDown();
            }
            if (key.equals(first) && times == 2) {
                // the cleanup, which takes the keys in order, is about to wait for portal 2's: the holder lets it go,
                // and this thread keeps running (so simulated time stands still and the worker sleeps on) until it has
                release.countDown();
                while (!released.get()) {
                    Thread.onSpinWait();
                }
            }
            return () -> { };
        };
        lab = SimulatedIscsi.start(RecordedLab.host(dir, Latencies.realistic()), config, locks);
        holder.set(lab);
        LockManager lockManager = lab.brick.port(LockManager.class);
        CountDownLatch holding = new CountDownLatch(1);
        Thread other = new Thread(() -> {
            try (LockManager.Held held = lockManager.acquire(second, Deadline.after(Duration.ofSeconds(1),
                    lab.host.clock()))) {
                holding.countDown();
                release.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                released.set(true);
            }
        }, "holder");
        other.start();
        awaitReal(holding);
        int before = lab.commandCount();

        BrickException failure = catchThrowableOfType(BrickException.class,
                () -> lab.connector.connect(portals(1, 1, true)));
        // past the connect's budget: the worker has had its lock (or given up on it) and ended
        lab.host.clock().sleep(config.connectTimeout());

        assertThat(failure).as("multipathd stopped: no map, and multipath is enforced").isNotNull();
        assertThat(taken.get(second)).as("portal 2's lock: the holder, the cleanup, then the worker").isEqualTo(3);
        assertThat(lab.commandsSince(before)).as("no login at portal 2")
                .noneMatch(entry -> entry.argv().contains("--login")
                        && entry.argv().contains(RecordedLab.PORTALS.get(1)));
        assertThat(lab.host.oracle().leftovers().isEmpty()).as("%s", lab.host.oracle().leftovers()).isTrue();
    }

    private static void awaitReal(CountDownLatch latch) {
        try {
            assertThat(latch.await(60, TimeUnit.SECONDS)).as("the holder took portal 2's lock").isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Test
    void a_failed_connect_removes_the_new_device_it_made_though_a_stale_device_of_another_wwid_sits_at_another_portal() {
        // portal 1 still shows LUN 1's old volume (its session was up when the array gave LUN 1 to a new volume);
        // portal 2's fresh device establishes the new WWID. Judged by that WWID the stale device is rejected and the
        // fresh one removed; judged by nothing the two disagree and nothing could be removed
        SimulatedHost host = RecordedLab.host(dir, Latencies.realistic());
        AtomicReference<SimulatedIscsi> holder = new AtomicReference<>();
        AtomicBoolean armed = new AtomicBoolean(false);
        lab = SimulatedIscsi.start(host, ConnectorConfig.defaults(), stopsMultipathdAtTheFirstLogin(holder, armed));
        holder.set(lab);
        ConnectionProperties firstPortal = ConnectionProperties.parseJson("""
                {"target_portals": ["127.0.0.1:3260"], "target_iqns": ["%s"], "target_luns": [1]}""".formatted(IQN));
        lab.connector.connect(firstPortal);
        lab.host.clock().sleep(Duration.ofSeconds(2));
        lab.host.storage().target(IQN).reuseLun(1, REUSED, 128L << 20);
        TopologyProvider topology = lab.brick.port(TopologyProvider.class);
        List<String> stale = names(topology, LUN1);
        assertThat(stale).hasSize(1);
        armed.set(true);

        BrickException failure = catchThrowableOfType(BrickException.class,
                () -> lab.connector.connect(portals(1, 1, true)));

        assertThat(failure).as("multipathd stopped: no map, and multipath is enforced").isNotNull();
        assertThat(names(topology, REUSED)).as("the device the failed connect made").isEmpty();
        assertThat(names(topology, LUN1)).as("the stale device was there before: never removed").isEqualTo(stale);
        assertThat(lab.host.oracle().leftovers().sessions()).as("portal 2's session carried only the new device")
                .hasSize(1);
        assertThat(lab.host.oracle().wrongDeviceEvents()).isEmpty();
        assertThat(lab.host.oracle().dataLossEvents()).isEmpty();
    }

    private static List<String> names(TopologyProvider topology, String wwid) {
        return topology.topology().devices().stream()
                .filter(device -> device.wwid().equals(Optional.of(Wwid.of(wwid))))
                .map(device -> device.name()).toList();
    }
}
