package io.brick.core.bootstrap;

import com.google.inject.AbstractModule;
import com.google.inject.Module;
import com.google.inject.multibindings.OptionalBinder;
import io.brick.core.connector.Connector;
import io.brick.core.error.PluginConflictException;
import io.brick.core.error.UnsupportedProtocolException;
import io.brick.core.host.HostRoot;
import io.brick.core.lock.DefaultLockManager;
import io.brick.core.lock.LockManager;
import io.brick.core.lock.ProcessLocks;
import io.brick.core.model.Protocol;
import io.brick.core.port.CommandResult;
import io.brick.core.port.CommandRunner;
import io.brick.core.port.TopologyProvider;
import io.brick.core.time.Clock;
import io.brick.core.time.Deadline;
import io.brick.core.time.ManualClock;
import io.brick.core.time.Sleeper;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BrickTest {
    /** A command runner that must never run anything; tests compare identities only. */
    private static final class NamedRunner implements CommandRunner {
        private final String name;

        NamedRunner(String name) {
            this.name = name;
        }

        @Override
        public CommandResult run(io.brick.core.port.Command command) {
            throw new UnsupportedOperationException(name + " runs nothing");
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static final CommandRunner PLUGIN_RUNNER = new NamedRunner("plugin runner");

    static final class IscsiConnector extends TestConnector {
        @Inject
        IscsiConnector() {
            super(Protocol.ISCSI);
        }
    }

    static final class FcConnector extends TestConnector implements AutoCloseable {
        final AtomicInteger closed = new AtomicInteger();

        @Inject
        FcConnector() {
            super(Protocol.FIBRE_CHANNEL);
        }

        @Override
        public void close() {
            closed.incrementAndGet();
        }
    }

    static final class RivalIscsiConnector extends TestConnector {
        @Inject
        RivalIscsiConnector() {
            super(Protocol.ISCSI);
        }
    }

    static final class NeedsTopologyConnector extends TestConnector {
        @Inject
        NeedsTopologyConnector(TopologyProvider topology) {
            super(Protocol.ISCSI);
        }
    }

    static final class NoInjectConnector extends TestConnector {
        NoInjectConnector() {
            super(Protocol.ISCSI);
        }
    }

    /** A plugin made of a name, protocols and a module body; counts how often its module is asked for. */
    private static class TestPlugin implements BrickPlugin {
        private final String name;
        private final Set<Protocol> protocols;
        private final Consumer<com.google.inject.Binder> bindings;
        final AtomicInteger modulesGiven = new AtomicInteger();

        TestPlugin(String name, Set<Protocol> protocols, Consumer<com.google.inject.Binder> bindings) {
            this.name = name;
            this.protocols = protocols;
            this.bindings = bindings;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public Set<Protocol> protocols() {
            return protocols;
        }

        @Override
        public Module module() {
            modulesGiven.incrementAndGet();
            return new AbstractModule() {
                @Override
                protected void configure() {
                    bindings.accept(binder());
                }
            };
        }
    }

    private static final class IscsiPlugin extends TestPlugin {
        IscsiPlugin() {
            super("test-iscsi", Set.of(Protocol.ISCSI), binder -> {
                TransportBinder.of(binder).addConnector(Protocol.ISCSI).to(IscsiConnector.class);
                OptionalBinder.newOptionalBinder(binder, CommandRunner.class).setDefault().toInstance(PLUGIN_RUNNER);
            });
        }
    }

    private static final class FcPlugin extends TestPlugin {
        FcPlugin() {
            super("test-fc", Set.of(Protocol.FIBRE_CHANNEL),
                    binder -> TransportBinder.of(binder).addConnector(Protocol.FIBRE_CHANNEL).to(FcConnector.class));
        }
    }

    private static final class RivalPlugin extends TestPlugin {
        RivalPlugin(String name) {
            super(name, Set.of(Protocol.ISCSI),
                    binder -> TransportBinder.of(binder).addConnector(Protocol.ISCSI).to(RivalIscsiConnector.class));
        }
    }

    private static Brick.Builder quiet() {
        return Brick.builder().processLocks(ProcessLocks.none());
    }

    @Test
    void connectorsAreFoundByProtocol() {
        try (Brick brick = quiet().plugins(new IscsiPlugin(), new FcPlugin()).build()) {
            assertThat(brick.connector(Protocol.ISCSI)).isInstanceOf(IscsiConnector.class);
            assertThat(brick.connector(Protocol.FIBRE_CHANNEL)).isInstanceOf(FcConnector.class);
            assertThat(brick.protocols()).containsExactly(Protocol.FIBRE_CHANNEL, Protocol.ISCSI);
            assertThat(brick.plugins()).containsExactly("test-iscsi", "test-fc");
        }
    }

    @Test
    void protocolLookupIgnoresCase() {
        try (Brick brick = quiet().plugins(new IscsiPlugin(), new FcPlugin()).build()) {
            assertThat(brick.connector(Protocol.of("iscsi"))).isSameAs(brick.connector(Protocol.ISCSI));
            assertThat(brick.connector(Protocol.of("fibre-channel"))).isSameAs(brick.connector(Protocol.FIBRE_CHANNEL));
        }
    }

    @Test
    void unknownProtocolListsTheInstalledOnes() {
        try (Brick brick = quiet().plugins(new IscsiPlugin(), new FcPlugin()).build()) {
            assertThatThrownBy(() -> brick.connector(Protocol.of("nvmeof")))
                    .isInstanceOfSatisfying(UnsupportedProtocolException.class, e -> {
                        assertThat(e.getMessage()).contains("NVMEOF", "installed: FIBRE_CHANNEL, ISCSI");
                        assertThat(e.evidence()).containsEntry("installed", "FIBRE_CHANNEL,ISCSI");
                    });
        }
    }

    @Test
    void twoPluginsClaimingOneProtocolFailNamingBothBeforeAnyModuleIsBuilt() {
        IscsiPlugin iscsi = new IscsiPlugin();
        RivalPlugin rival = new RivalPlugin("vendor-iscsi");

        assertThatThrownBy(() -> quiet().plugins(iscsi, rival).build())
                .isInstanceOfSatisfying(PluginConflictException.class, e -> {
                    assertThat(e.getMessage()).contains("ISCSI", "test-iscsi", "vendor-iscsi");
                    assertThat(e.evidence()).containsEntry("first", "test-iscsi").containsEntry("second", "vendor-iscsi");
                });
        assertThat(iscsi.modulesGiven).hasValue(0);
        assertThat(rival.modulesGiven).hasValue(0);
    }

    @Test
    void twoPluginsWithOneNameFailNamingBoth() {
        assertThatThrownBy(() -> quiet().plugins(new IscsiPlugin(), new RivalPlugin("test-iscsi")).build())
                .isInstanceOf(PluginConflictException.class)
                .hasMessageContaining("test-iscsi")
                .hasMessageContaining(IscsiPlugin.class.getName())
                .hasMessageContaining(RivalPlugin.class.getName());
    }

    @Test
    void thePluginGivenTwiceIsInstalledOnce() {
        IscsiPlugin iscsi = new IscsiPlugin();

        try (Brick brick = quiet().plugins(iscsi, iscsi).plugins(new IscsiPlugin()).build()) {
            assertThat(brick.plugins()).containsExactly("test-iscsi");
            assertThat(brick.connector(Protocol.ISCSI)).isInstanceOf(IscsiConnector.class);
        }
    }

    @Test
    void pluginsAreDiscoveredOnlyWhenAskedTo() {
        try (Brick discovered = quiet().discoverPlugins().build(); Brick explicit = quiet().build()) {
            assertThat(discovered.plugins()).containsExactly("test-discovered");
            assertThat(discovered.connector(Protocol.of("NVMEOF"))).isInstanceOf(DiscoverableTestPlugin.NvmeofConnector.class);
            assertThat(explicit.plugins()).isEmpty();
            assertThat(explicit.protocols()).isEmpty();
        }
    }

    @Test
    void aPluginBothGivenAndDiscoveredIsInstalledOnce() {
        try (Brick brick = quiet().plugins(new DiscoverableTestPlugin(), new FcPlugin()).discoverPlugins().build()) {
            assertThat(brick.plugins()).containsExactly("test-discovered", "test-fc");
        }
    }

    @Test
    void builderValuesBeatPluginDefaults() {
        CommandRunner mine = new NamedRunner("caller's runner");
        ManualClock clock = new ManualClock();
        HostRoot root = HostRoot.under("/tmp/snapshot");

        try (Brick defaults = quiet().plugins(new IscsiPlugin()).build();
             Brick chosen = quiet().plugins(new IscsiPlugin()).commandRunner(mine).clock(clock).sleeper(clock).hostRoot(root).build()) {
            assertThat(defaults.port(CommandRunner.class)).isSameAs(PLUGIN_RUNNER);
            assertThat(defaults.port(Clock.class)).isSameAs(Clock.system());
            assertThat(defaults.port(Sleeper.class)).isSameAs(Sleeper.system());
            assertThat(defaults.port(HostRoot.class)).isEqualTo(HostRoot.system());

            assertThat(chosen.port(CommandRunner.class)).isSameAs(mine);
            assertThat(chosen.port(Clock.class)).isSameAs(clock);
            assertThat(chosen.port(Sleeper.class)).isSameAs(clock);
            assertThat(chosen.port(HostRoot.class)).isEqualTo(root);
        }
    }

    @Test
    void lockManagerUsesTheGivenProcessLocks() {
        List<String> taken = new ArrayList<>();
        ProcessLocks recording = (key, deadline) -> {
            taken.add(key);
            return () -> taken.add("released " + key);
        };

        try (Brick brick = Brick.builder().processLocks(recording).build()) {
            LockManager locks = brick.port(LockManager.class);
            assertThat(locks).isInstanceOf(DefaultLockManager.class).isSameAs(brick.port(LockManager.class));
            locks.acquire("iscsi-a", Deadline.after(Duration.ofSeconds(1), brick.port(Clock.class))).close();
        }
        assertThat(taken).containsExactly("iscsi-a", "released iscsi-a");
    }

    @Test
    void missingPortNamesThePortAndWhereItComesFrom() {
        try (Brick brick = quiet().plugins(new IscsiPlugin()).build()) {
            assertThatThrownBy(() -> brick.port(TopologyProvider.class))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("TopologyProvider")
                    .hasMessageContaining("brick-sysfs")
                    .hasMessageContaining("test-iscsi");
        }
    }

    @Test
    void onlyAllowedPortsAreHandedOut() {
        try (Brick brick = quiet().build()) {
            assertThatThrownBy(() -> brick.port(ProcessLocks.class))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("TopologyProvider");
        }
    }

    @Test
    void connectorNeedingAMissingPortFailsAtStartWithAHint() {
        TestPlugin plugin = new TestPlugin("needy", Set.of(Protocol.ISCSI),
                binder -> TransportBinder.of(binder).addConnector(Protocol.ISCSI).to(NeedsTopologyConnector.class));

        assertThatThrownBy(() -> quiet().plugins(plugin).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("needy")
                .hasMessageContaining("TopologyProvider is provided by the brick-sysfs plugin");
    }

    @Test
    void connectorWithoutAnInjectConstructorIsRejected() {
        TestPlugin plugin = new TestPlugin("plain", Set.of(Protocol.ISCSI),
                binder -> TransportBinder.of(binder).addConnector(Protocol.ISCSI).to(NoInjectConnector.class));

        assertThatThrownBy(() -> quiet().plugins(plugin).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(NoInjectConnector.class.getSimpleName());
    }

    @Test
    void declaredProtocolWithoutConnectorIsRejected() {
        TestPlugin plugin = new TestPlugin("empty", Set.of(Protocol.ISER), binder -> { });

        assertThatThrownBy(() -> quiet().plugins(plugin).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("empty")
                .hasMessageContaining("ISER");
    }

    @Test
    void connectorForAnUndeclaredProtocolIsRejected() {
        TestPlugin plugin = new TestPlugin("sneaky", Set.of(),
                binder -> TransportBinder.of(binder).addConnector(Protocol.ISCSI).to(IscsiConnector.class));

        assertThatThrownBy(() -> quiet().plugins(plugin).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("ISCSI")
                .hasMessageContaining("protocols()");
    }

    @Test
    void closingClosesCloseableConnectorsOnceAndEndsTheRuntime() {
        Brick brick = quiet().plugins(new FcPlugin()).build();
        FcConnector fc = (FcConnector) brick.connector(Protocol.FIBRE_CHANNEL);

        brick.close();
        brick.close();

        assertThat(fc.closed).hasValue(1);
        assertThatThrownBy(() -> brick.connector(Protocol.FIBRE_CHANNEL)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> brick.port(Clock.class)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void connectorIsOneInstanceForTheRuntime() {
        try (Brick brick = quiet().plugins(new IscsiPlugin()).build()) {
            Connector first = brick.connector(Protocol.ISCSI);
            assertThat(brick.connector(Protocol.ISCSI)).isSameAs(first);
        }
    }
}
