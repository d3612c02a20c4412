package io.brick.sysfs;

import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.multibindings.OptionalBinder;
import io.brick.core.bootstrap.BrickPlugin;
import io.brick.core.host.HostRoot;
import io.brick.core.host.LockDirectory;
import io.brick.core.lock.ProcessLocks;
import io.brick.core.port.CommandRunner;
import io.brick.core.port.DeviceFlusher;
import io.brick.core.port.ScsiScanner;
import io.brick.core.port.TopologyProvider;
import io.brick.core.time.Clock;
import io.brick.core.time.Sleeper;
import io.brick.testkit.snapshot.Recordings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ServiceLoader;

import static org.assertj.core.api.Assertions.assertThat;

class SysfsPluginTest {
    @TempDir
    Path dir;

    /** What other modules provide in a runtime: a command runner, brick-core's clock and sleeper. */
    private static final class Collaborators extends AbstractModule {
        @Override
        protected void configure() {
            FakeTime time = new FakeTime();
            bind(CommandRunner.class).toInstance(new SysfsDeviceFlusherTest.FakeRunner());
            bind(Clock.class).toInstance(time);
            bind(Sleeper.class).toInstance(time);
        }
    }

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
        Injector injector = Guice.createInjector(new SysfsPlugin().module(), new Collaborators());

        assertThat(injector.getInstance(HostRoot.class)).isEqualTo(HostRoot.system());
        assertThat(injector.getInstance(LockDirectory.class)).isEqualTo(LockDirectory.defaultDirectory());
        assertThat(injector.getInstance(TopologyProvider.class)).isInstanceOf(SysfsTopologyProvider.class)
                .isSameAs(injector.getInstance(TopologyProvider.class));
        assertThat(injector.getInstance(ScsiScanner.class)).isInstanceOf(SysfsScsiScanner.class);
        assertThat(injector.getInstance(DeviceFlusher.class)).isInstanceOf(SysfsDeviceFlusher.class);
        assertThat(injector.getInstance(ProcessLocks.class)).isInstanceOf(FileProcessLocks.class)
                .isSameAs(injector.getInstance(ProcessLocks.class));
    }

    @Test
    void a_callers_host_root_and_ports_take_precedence() {
        HostRoot host = RecordedFixture.load(Recordings.A_SINGLE_PORTAL_ONE_LUN, dir).host();
        ProcessLocks none = ProcessLocks.none();
        Injector injector = Guice.createInjector(new SysfsPlugin().module(), new Collaborators(), new AbstractModule() {
            @Override
            protected void configure() {
                OptionalBinder.newOptionalBinder(binder(), HostRoot.class).setBinding().toInstance(host);
                OptionalBinder.newOptionalBinder(binder(), ProcessLocks.class).setBinding().toInstance(none);
            }
        });

        assertThat(injector.getInstance(TopologyProvider.class).iscsiSessions()).hasSize(1);
        assertThat(injector.getInstance(ProcessLocks.class)).isSameAs(none);
    }
}
