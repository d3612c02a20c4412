package io.brick.multipath;

import io.brick.core.bootstrap.Brick;
import io.brick.core.lock.ProcessLocks;
import io.brick.core.port.MultipathManager;
import io.brick.core.port.TopologyProvider;
import io.brick.core.time.Deadline;
import io.brick.sysfs.SysfsPlugin;
import io.brick.testkit.host.Latencies;
import io.brick.testkit.host.RecordedLab;
import io.brick.testkit.host.SimulatedHost;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The {@code multipath} plugin wires the manager into a brick runtime over the simulated host. */
class MultipathPluginTest {
    @TempDir
    Path dir;

    private SimulatedHost host;

    @BeforeEach
    void attach() {
        host = RecordedLab.attach(RecordedLab.host(dir, Latencies.zero()), 2);
    }

    @AfterEach
    void stop() {
        host.close();
    }

    private Brick.Builder builder() {
        return Brick.builder().hostRoot(host.hostRoot()).commandRunner(host.commandRunner()).clock(host.clock())
                .sleeper(host.clock()).processLocks(ProcessLocks.none());
    }

    @Test
    void theRuntimeHandsOutOneMultipathManagerThatFlushesTheMap() {
        try (Brick brick = builder().plugins(new SysfsPlugin(), new MultipathPlugin()).build()) {
            MultipathManager manager = brick.port(MultipathManager.class);
            TopologyProvider topology = brick.port(TopologyProvider.class);
            Deadline deadline = Deadline.after(Duration.ofMinutes(1), host.clock());

            assertThat(manager).isInstanceOf(MultipathdMultipathManager.class)
                    .isSameAs(brick.port(MultipathManager.class));
            assertThat(brick.plugins()).contains(MultipathPlugin.NAME);
            assertThat(manager.available(deadline)).isTrue();
            manager.flushMap(topology.multipathMap("dm-0").orElseThrow(), deadline);
            assertThat(topology.multipathMaps()).isEmpty();
        }
    }

    @Test
    void thePluginIsDiscoveredFromTheServiceList() {
        try (Brick brick = builder().discoverPlugins().build()) {
            assertThat(brick.plugins()).contains(MultipathPlugin.NAME, SysfsPlugin.NAME);
            assertThat(brick.port(MultipathManager.class)).isInstanceOf(MultipathdMultipathManager.class);
        }
    }
}
