package io.brick.core.bootstrap;

import com.google.inject.AbstractModule;
import com.google.inject.ConfigurationException;
import com.google.inject.CreationException;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.Module;
import com.google.inject.ProvisionException;
import com.google.inject.Stage;
import com.google.inject.TypeLiteral;
import com.google.inject.multibindings.OptionalBinder;
import com.google.inject.spi.Message;
import com.google.inject.util.Types;
import io.brick.core.connector.Connector;
import io.brick.core.error.PluginConflictException;
import io.brick.core.error.UnsupportedProtocolException;
import io.brick.core.event.EventListener;
import io.brick.core.host.HostRoot;
import io.brick.core.host.LockDirectory;
import io.brick.core.lock.LockManager;
import io.brick.core.lock.ProcessLocks;
import io.brick.core.model.Protocol;
import io.brick.core.port.CommandRunner;
import io.brick.core.port.DeviceFlusher;
import io.brick.core.port.HostConfiguration;
import io.brick.core.port.MultipathManager;
import io.brick.core.port.ScsiScanner;
import io.brick.core.port.TopologyProvider;
import io.brick.core.time.Clock;
import io.brick.core.time.Sleeper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

import static java.util.Objects.requireNonNull;

/**
 * A brick runtime: the installed plugins wired together, and the one object downstream code holds.
 * <pre>{@code
 * try (Brick brick = Brick.builder().discoverPlugins().build()) {
 *     Connector iscsi = brick.connector(Protocol.ISCSI);
 *     ...
 * }
 * }</pre>
 * Plugins are given explicitly ({@link Builder#plugins}) or, opt-in, discovered from the class path
 * ({@link Builder#discoverPlugins}). Start-up fails, before anything is built, when two plugins claim one protocol or
 * share a name. Values given to the builder ({@link Builder#clock}, {@link Builder#commandRunner}, ...) take
 * precedence over what plugins bind by default.
 *
 * <p>Thread-safe. Closing the runtime closes the connectors that are {@link AutoCloseable}; a closed runtime hands
 * out nothing.
 */
public final class Brick implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Brick.class);

    /** The ports {@link #port} hands out, each with where it comes from when it is missing. */
    private static final Map<Class<?>, String> PORTS = portsAndProviders();

    private final Injector injector;
    private final List<String> plugins;
    private final Map<Protocol, Connector> connectors;
    private final Set<Protocol> protocols;
    private final AtomicBoolean closed = new AtomicBoolean();

    private Brick(Injector injector, List<String> plugins, Map<Protocol, Connector> connectors) {
        this.injector = injector;
        this.plugins = List.copyOf(plugins);
        this.connectors = Map.copyOf(connectors);
        List<Protocol> sorted = new ArrayList<>(connectors.keySet());
        sorted.sort(Comparator.comparing(Protocol::name));
        this.protocols = Collections.unmodifiableSet(new LinkedHashSet<>(sorted));
    }

    /** Starts describing a runtime. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The connector for {@code protocol} ({@code Protocol.of("iscsi")} and {@link Protocol#ISCSI} are the same).
     *
     * @throws UnsupportedProtocolException when no installed plugin provides it; the message lists those that are
     */
    public Connector connector(Protocol protocol) {
        requireNonNull(protocol, "protocol is null");
        ensureOpen();
        Connector connector = connectors.get(protocol);
        if (connector == null) {
            throw new UnsupportedProtocolException(protocol.name(), connectors.keySet().stream().map(Protocol::name).toList());
        }
        return connector;
    }

    /** The protocols the installed plugins provide, by name. */
    public Set<Protocol> protocols() {
        return protocols;
    }

    /** The names of the installed plugins, in the order they were installed. */
    public List<String> plugins() {
        return plugins;
    }

    /**
     * One of the runtime's ports, for read-only tools such as the CLI's {@code topology} and {@code doctor}. Allowed:
     * {@link TopologyProvider}, {@link io.brick.core.port.SysfsAccess}, {@link CommandRunner},
     * {@link MultipathManager}, {@link DeviceFlusher}, {@link ScsiScanner}, {@link io.brick.core.port.WwidRecords},
     * {@link LockManager}, {@link Clock},
     * {@link Sleeper}, {@link HostRoot}, and a port outside brick-core that a plugin declares as an optional binding of
     * its own (brick-iscsi's session manager).
     *
     * @throws IllegalArgumentException when {@code type} is not one of those
     * @throws IllegalStateException when no installed plugin provides it (the message says which would)
     */
    public <T> T port(Class<T> type) {
        requireNonNull(type, "type is null");
        ensureOpen();
        @SuppressWarnings("unchecked")
        Key<Optional<T>> key = (Key<Optional<T>>) Key.get(Types.newParameterizedType(Optional.class, type));
        // a plugin's own port (brick-iscsi's SessionManager): core does not name it, the plugin's binding does; core's
        // internal ports (ProcessLocks, ...) stay inside
        boolean pluginPort = !type.getPackageName().startsWith("io.brick.core")
                && injector.getExistingBinding(key) != null;
        String provider = PORTS.getOrDefault(type, pluginPort ? "the plugin that provides it" : null);
        if (provider == null) {
            throw new IllegalArgumentException(type.getName() + " is not a port brick hands out; allowed: "
                    + PORTS.keySet().stream().map(Class::getSimpleName).sorted().collect(Collectors.joining(", ")));
        }
        return injector.getInstance(key).orElseThrow(() -> new IllegalStateException(
                "no " + type.getSimpleName() + " is installed: add " + provider + " (installed plugins: "
                        + (plugins.isEmpty() ? "none" : String.join(", ", plugins)) + ")"));
    }

    /** Closes the connectors that are {@link AutoCloseable}; later calls do nothing. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        IllegalStateException failure = null;
        for (Connector connector : new LinkedHashSet<>(connectors.values())) {
            if (connector instanceof AutoCloseable closeable) {
                try {
                    closeable.close();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    failure = addFailure(failure, connector, e);
                } catch (Exception e) {
                    failure = addFailure(failure, connector, e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    private static IllegalStateException addFailure(IllegalStateException failure, Connector connector, Exception e) {
        log.warn("closing connector {} failed: {}", connector.getClass().getName(), e.toString());
        if (failure == null) {
            return new IllegalStateException("closing connector " + connector.getClass().getName() + " failed", e);
        }
        failure.addSuppressed(e);
        return failure;
    }

    private void ensureOpen() {
        if (closed.get()) {
            throw new IllegalStateException("this brick runtime is closed");
        }
    }

    @Override
    public String toString() {
        return "Brick[plugins=" + plugins + ", protocols=" + protocols() + "]";
    }

    private static Map<Class<?>, String> portsAndProviders() {
        Map<Class<?>, String> ports = new LinkedHashMap<>();
        ports.put(TopologyProvider.class, "the brick-sysfs plugin");
        ports.put(CommandRunner.class, "the brick-exec plugin");
        ports.put(MultipathManager.class, "the brick-multipath plugin");
        ports.put(io.brick.core.port.SysfsAccess.class, "the brick-sysfs plugin");
        ports.put(DeviceFlusher.class, "the brick-sysfs plugin");
        ports.put(ScsiScanner.class, "the brick-sysfs plugin");
        ports.put(HostConfiguration.class, "the brick-sysfs plugin");
        ports.put(io.brick.core.port.WwidRecords.class, "the brick-sysfs plugin");
        ports.put(LockManager.class, "brick-core (bound by default)");
        ports.put(Clock.class, "brick-core (bound by default)");
        ports.put(Sleeper.class, "brick-core (bound by default)");
        ports.put(HostRoot.class, "brick-core (bound by default)");
        return Map.copyOf(ports);
    }

    /**
     * Describes a runtime: its plugins and the values that take precedence over the plugins' defaults. Not
     * thread-safe; each call returns this builder.
     */
    public static final class Builder {
        private final List<BrickPlugin> explicit = new ArrayList<>();
        private Optional<ClassLoader> discoverFrom = Optional.empty();
        private final List<Module> overrides = new ArrayList<>();

        private Builder() {
        }

        /** Installs these plugins (in addition to any given before). */
        public Builder plugins(BrickPlugin... plugins) {
            requireNonNull(plugins, "plugins is null");
            for (BrickPlugin plugin : plugins) {
                explicit.add(requireNonNull(plugin, "plugin is null"));
            }
            return this;
        }

        /** Installs these plugins (in addition to any given before). */
        public Builder plugins(Collection<? extends BrickPlugin> plugins) {
            return plugins(requireNonNull(plugins, "plugins is null").toArray(new BrickPlugin[0]));
        }

        /**
         * Also installs every plugin listed in {@code META-INF/services/io.brick.core.bootstrap.BrickPlugin} on the
         * thread's context class loader (or brick's own). A plugin also given explicitly is installed once.
         */
        public Builder discoverPlugins() {
            ClassLoader context = Thread.currentThread().getContextClassLoader();
            return discoverPlugins(context != null ? context : Brick.class.getClassLoader());
        }

        /** Also installs every plugin {@link ServiceLoader} finds through {@code classLoader}. */
        public Builder discoverPlugins(ClassLoader classLoader) {
            this.discoverFrom = Optional.of(requireNonNull(classLoader, "classLoader is null"));
            return this;
        }

        /** Where the host's {@code /sys}, {@code /dev} and {@code /etc} are (default: the running host's). */
        public Builder hostRoot(HostRoot hostRoot) {
            return override(HostRoot.class, hostRoot);
        }

        /** The directory of the inter-process lock files (default {@value LockDirectory#DEFAULT}). */
        public Builder lockDirectory(LockDirectory lockDirectory) {
            return override(LockDirectory.class, lockDirectory);
        }

        /** Runs the host's commands (replaces brick-exec's runner; the testkit's simulated host uses this). */
        public Builder commandRunner(CommandRunner commandRunner) {
            return override(CommandRunner.class, commandRunner);
        }

        /** brick's clock (default: the system's). */
        public Builder clock(Clock clock) {
            return override(Clock.class, clock);
        }

        /** brick's sleeper (default: the system's). */
        public Builder sleeper(Sleeper sleeper) {
            return override(Sleeper.class, sleeper);
        }

        /** Receives progress events (default: none). */
        public Builder eventListener(EventListener eventListener) {
            return override(EventListener.class, eventListener);
        }

        /** The inter-process half of the locks (default: brick-sysfs's file locks, if installed). */
        public Builder processLocks(ProcessLocks processLocks) {
            return override(ProcessLocks.class, processLocks);
        }

        private <T> Builder override(Class<T> type, T value) {
            requireNonNull(value, () -> type.getSimpleName() + " is null");
            overrides.add(new AbstractModule() {
                @Override
                protected void configure() {
                    OptionalBinder.newOptionalBinder(binder(), type).setBinding().toInstance(value);
                }
            });
            return this;
        }

        /**
         * Builds the runtime.
         *
         * @throws PluginConflictException when two plugins claim one protocol or share a name
         * @throws IllegalStateException when the plugins cannot be wired together (a port nobody provides, a connector
         *                               registered for a protocol its plugin does not declare, ...)
         */
        public Brick build() {
            List<BrickPlugin> installed = deduplicate(explicit, discoverFrom.map(Builder::discover).orElse(List.of()));
            Map<Protocol, String> declared = declaredProtocols(installed);
            List<String> names = installed.stream().map(BrickPlugin::name).toList();

            List<Module> modules = new ArrayList<>();
            modules.add(new CoreModule());
            for (BrickPlugin plugin : installed) {
                modules.add(requireNonNull(plugin.module(), () -> "plugin " + plugin.name() + " returned no module"));
            }
            modules.addAll(overrides);

            Injector injector;
            Map<Protocol, Connector> connectors;
            try {
                injector = Guice.createInjector(Stage.PRODUCTION, modules);
                connectors = injector.getInstance(Key.get(new TypeLiteral<Map<Protocol, Connector>>() { }));
            } catch (CreationException e) {
                throw assemblyFailure(names, e.getErrorMessages(), e);
            } catch (ConfigurationException e) {
                throw assemblyFailure(names, e.getErrorMessages(), e);
            } catch (ProvisionException e) {
                throw assemblyFailure(names, e.getErrorMessages(), e);
            }
            checkConnectors(declared, connectors);
            log.debug("brick runtime built with plugins {} and protocols {}", names, declared.keySet());
            return new Brick(injector, names, connectors);
        }

        private static List<BrickPlugin> discover(ClassLoader classLoader) {
            List<BrickPlugin> found = new ArrayList<>();
            try {
                for (BrickPlugin plugin : ServiceLoader.load(BrickPlugin.class, classLoader)) {
                    found.add(plugin);
                }
            } catch (ServiceConfigurationError e) {
                throw new IllegalStateException("a listed brick plugin cannot be loaded: " + e.getMessage(), e);
            }
            return found;
        }

        /** Explicit plugins first, then discovered ones; one plugin per name (the same name and class is one plugin). */
        private static List<BrickPlugin> deduplicate(List<BrickPlugin> explicit, List<BrickPlugin> discovered) {
            Map<String, BrickPlugin> byName = new LinkedHashMap<>();
            List<BrickPlugin> all = new ArrayList<>(explicit);
            all.addAll(discovered);
            for (BrickPlugin plugin : all) {
                String name = requireNonNull(plugin.name(), () -> plugin.getClass().getName() + " has no name");
                BrickPlugin known = byName.get(name);
                if (known == null) {
                    byName.put(name, plugin);
                } else if (known.getClass() != plugin.getClass()) {
                    throw new PluginConflictException("plugin name " + name, describe(known), describe(plugin));
                }
            }
            return List.copyOf(byName.values());
        }

        private static Map<Protocol, String> declaredProtocols(List<BrickPlugin> plugins) {
            Map<Protocol, String> owners = new TreeMap<>(Comparator.comparing(Protocol::name));
            for (BrickPlugin plugin : plugins) {
                Set<Protocol> protocols = requireNonNull(plugin.protocols(), () -> "plugin " + plugin.name() + " returned no protocol set");
                for (Protocol protocol : protocols) {
                    String owner = owners.putIfAbsent(protocol, plugin.name());
                    if (owner != null) {
                        throw new PluginConflictException("protocol " + protocol.name(), owner, plugin.name());
                    }
                }
            }
            return owners;
        }

        private static void checkConnectors(Map<Protocol, String> declared, Map<Protocol, Connector> connectors) {
            for (Map.Entry<Protocol, String> entry : declared.entrySet()) {
                Connector connector = connectors.get(entry.getKey());
                if (connector == null) {
                    throw new IllegalStateException("plugin " + entry.getValue() + " declares protocol " + entry.getKey()
                            + " but registers no connector for it (TransportBinder.addConnector)");
                }
                Set<Protocol> served = requireNonNull(connector.protocols(), "a connector's protocols are null");
                if (!served.contains(entry.getKey())) {
                    throw new IllegalStateException("plugin " + entry.getValue() + " registers " + connector.getClass().getName()
                            + " for protocol " + entry.getKey() + ", but that connector serves only " + served);
                }
            }
            for (Protocol protocol : connectors.keySet()) {
                if (!declared.containsKey(protocol)) {
                    throw new IllegalStateException("a connector is registered for protocol " + protocol
                            + " but no plugin declares it in BrickPlugin.protocols()");
                }
            }
        }

        private static IllegalStateException assemblyFailure(List<String> plugins, Collection<Message> messages, RuntimeException cause) {
            StringBuilder text = new StringBuilder("the brick runtime cannot be assembled from plugins ")
                    .append(plugins.isEmpty() ? "[none]" : plugins);
            for (Message message : messages) {
                text.append("\n  - ").append(message.getMessage());
            }
            for (Map.Entry<Class<?>, String> port : PORTS.entrySet()) {
                String simple = port.getKey().getSimpleName();
                boolean missing = messages.stream().anyMatch(m -> m.getMessage().contains("No implementation for " + simple)
                        || m.getMessage().contains("No implementation for " + port.getKey().getName()));
                if (missing) {
                    text.append("\n  hint: ").append(simple).append(" is provided by ").append(port.getValue());
                }
            }
            if (messages.stream().anyMatch(m -> m.getMessage().contains("No implementation for " + ProcessLocks.class.getSimpleName()))) {
                text.append("\n  hint: ProcessLocks is provided by the brick-sysfs plugin, or Brick.Builder.processLocks()");
            }
            return new IllegalStateException(text.toString(), cause);
        }

        private static String describe(BrickPlugin plugin) {
            return plugin.name() + " (" + plugin.getClass().getName() + ")";
        }
    }
}
