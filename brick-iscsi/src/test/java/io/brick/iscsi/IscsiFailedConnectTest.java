package io.brick.iscsi;

import io.brick.core.connector.ConnectorConfig;
import io.brick.core.error.BrickException;
import io.brick.core.error.LoginFailedException;
import io.brick.core.lock.ProcessLocks;
import io.brick.testkit.host.Faults;
import io.brick.testkit.host.Latencies;
import io.brick.testkit.host.RecordedLab;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

import static io.brick.iscsi.SimulatedIscsi.twoPortals;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * A failed multipath connect ends within its budget and no later than it must: however long a portal's worker is
 * stuck, the connect gives up at its deadline; and once every portal has failed, it does not linger.
 */
class IscsiFailedConnectTest {
    private static final Duration BUDGET = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    @AutoClose
    private SimulatedIscsi lab;

    @Test
    void a_connect_whose_portals_are_stuck_past_its_budget_gives_up_at_its_deadline() {
        // the first lock of each portal blocks for 10 minutes whatever the deadline (a lock file on a filesystem
        // that hangs): no portal ever answers within the connect's budget
        AtomicReference<SimulatedIscsi> holder = new AtomicReference<>();
        Set<String> blocked = ConcurrentHashMap.newKeySet();
        ProcessLocks hangingFilesystem = (key, deadline) -> {
            if (blocked.add(key)) {
                holder.get().host.clock().sleep(Duration.ofMinutes(10));
            }
            return () -> { };
        };
        ConnectorConfig config = ConnectorConfig.defaults().withTimeout(BUDGET);
        lab = SimulatedIscsi.start(RecordedLab.host(dir, Latencies.realistic()), config, hangingFilesystem);
        holder.set(lab);

        Duration start = lab.host.clock().elapsed();
        BrickException failure = catchThrowableOfType(BrickException.class, () -> lab.connector.connect(twoPortals(1)));
        Duration took = lab.host.clock().elapsed().minus(start);

        assertThat(failure).as("no device can have appeared").isNotNull();
        // the budget, then at most the failed connect's own cleanup (which waits for the stuck portals' locks
        // within the disconnect budget): never until the stuck workers come back
        assertThat(took).as("failed after %s", took)
                .isLessThan(BUDGET.plus(config.disconnectTimeout()).plusSeconds(10));
    }

    @Test
    void a_connect_refused_on_every_portal_fails_at_once() {
        lab = SimulatedIscsi.start(dir, Latencies.realistic());
        lab.host.faults().loginRefused("127.0.0.1:3260", Faults.Reason.AUTH)
                .loginRefused("127.0.0.2:3260", Faults.Reason.AUTH);

        Duration start = lab.host.clock().elapsed();
        LoginFailedException failure = catchThrowableOfType(LoginFailedException.class,
                () -> lab.connector.connect(twoPortals(1)));
        Duration took = lab.host.clock().elapsed().minus(start);

        assertThat(failure).isNotNull();
        // every worker has ended: nothing is left to wait for (the cleanup runs a few commands, no timeout)
        assertThat(took).as("failed after %s", took).isLessThan(Duration.ofSeconds(5));
        assertThat(lab.host.oracle().leftovers().isEmpty()).as("%s", lab.host.oracle().leftovers()).isTrue();
    }
}
