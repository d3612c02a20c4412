package io.brick.sysfs;

import io.brick.testkit.snapshot.RecordedFixture;
import io.brick.core.bootstrap.Brick;
import io.brick.core.bootstrap.BrickPlugin;
import io.brick.core.host.HostRoot;
import io.brick.core.host.LockDirectory;
import io.brick.core.lock.LockManager;
import io.brick.core.lock.ProcessLocks;
import io.brick.core.port.DeviceFlusher;
import io.brick.core.port.ScsiScanner;
import io.brick.core.port.SysfsAccess;
import io.brick.core.port.TopologyProvider;
import io.brick.core.time.Deadline;
import io.brick.testkit.snapshot.Recordings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ServiceLoader;

import static org.assertj.core.api.Assertions.assertThat;

class SysfsPluginTest {
    @TempDir
    Path dir;

    @Test
    void the_plugin_is_discovered_by_name() {
        assertThat(ServiceLoader.load(BrickPlugin.class).stream().map(ServiceLoader.Provider::get))
                .anySatisfy(plugin -> {
                    assertThat(plugin).isInstanceOf(SysfsPlugin.class);
                    assertThat(plugin.name()).isEqualTo("sysfs");
                    assertThat(plugin.protocols()).isEmpty();
                });
    }

    @Test
    void binds_the_ports_to_the_host_by_default() {
        FakeTime time = new FakeTime();
        try (Brick brick = Brick.builder().plugins(new SysfsPlugin())
                .commandRunner(new SysfsDeviceFlusherTest.FakeRunner()).clock(time).sleeper(time).build()) {
            assertThat(brick.port(HostRoot.class)).isEqualTo(HostRoot.system());
            assertThat(brick.port(TopologyProvider.class)).isInstanceOf(SysfsTopologyProvider.class)
                    .isSameAs(brick.port(TopologyProvider.class));
            assertThat(brick.port(ScsiScanner.class)).isInstanceOf(SysfsScsiScanner.class);
            assertThat(brick.port(DeviceFlusher.class)).isInstanceOf(SysfsDeviceFlusher.class);
        }
    }

    @Test
    void a_callers_host_root_takes_precedence() {
        HostRoot host = RecordedFixture.load(Recordings.A_SINGLE_PORTAL_ONE_LUN, dir, SysfsTopologyProvider::new).host();
        FakeTime time = new FakeTime();
        try (Brick brick = Brick.builder().plugins(new SysfsPlugin()).hostRoot(host)
                .commandRunner(new SysfsDeviceFlusherTest.FakeRunner()).clock(time).sleeper(time)
                .processLocks(ProcessLocks.none()).build()) {
            assertThat(brick.port(HostRoot.class)).isEqualTo(host);
            assertThat(brick.port(SysfsAccess.class).list("class/iscsi_session")).hasSize(1);
        }
    }

    @Test
    void its_file_locks_serialise_the_runtime_lock_manager() {
        FakeTime time = new FakeTime();
        try (Brick brick = Brick.builder().plugins(new SysfsPlugin()).lockDirectory(new LockDirectory(dir.toString()))
                .commandRunner(new SysfsDeviceFlusherTest.FakeRunner()).clock(time).sleeper(time).build()) {
            LockManager locks = brick.port(LockManager.class);
            try (LockManager.Held held = locks.acquire("iscsi-127.0.0.1:3260-iqn.x", Deadline.after(Duration.ofSeconds(1), time))) {
                assertThat(held.key()).isEqualTo("iscsi-127.0.0.1:3260-iqn.x");
                assertThat(dir.toFile().list()).anyMatch(name -> name.startsWith("brick-iscsi-127.0.0.1"));
            }
        }
    }
}
