package io.brick.core.bootstrap;

import com.google.inject.Binder;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.Provider;
import com.google.inject.Scopes;
import com.google.inject.multibindings.MapBinder;
import com.google.inject.multibindings.Multibinder;
import io.brick.core.connector.Connector;
import io.brick.core.connector.ConnectorConfig;
import io.brick.core.engine.OperationEngines;
import io.brick.core.model.Protocol;
import io.brick.core.port.PathRemover;
import io.brick.core.transport.Transport;
import jakarta.inject.Inject;

import static java.util.Objects.requireNonNull;

/**
 * Registers a plugin's transports (or whole connectors) in the runtime's {@code MapBinder<Protocol, Connector>}:
 * <pre>{@code
 * TransportBinder.of(binder).addTransport(Protocol.FIBRE_CHANNEL)
 *         .to(FcTransport.class, Key.get(ConnectorConfig.class, Names.named("fc")));
 * }</pre>
 * A transport is served by brick-core's operation engine (the usual way: the transport supplies only what differs);
 * {@link #addConnector} registers a whole {@link Connector} of one's own instead.
 * Each registration is a singleton for its protocol. Register exactly the protocols the plugin names in
 * {@link BrickPlugin#protocols()}; the runtime checks this at start-up.
 */
public final class TransportBinder {
    private final MapBinder<Protocol, Connector> connectors;
    private final Multibinder<PathRemover> removers;

    private TransportBinder(Binder binder) {
        this.connectors = MapBinder.newMapBinder(requireNonNull(binder, "binder is null"), Protocol.class, Connector.class);
        this.removers = Multibinder.newSetBinder(binder, PathRemover.class);
    }

    /**
     * Registers the remover of the transport's own path kind (paths that are not SCSI devices: an NVMe namespace),
     * which the disconnect pipeline uses for them; one remover per kind.
     */
    public void addPathRemover(Class<? extends PathRemover> type) {
        requireNonNull(type, "type is null");
        removers.addBinding().to(type).in(Scopes.SINGLETON);
    }

    /** The transport binder of a plugin module's {@code binder}. */
    public static TransportBinder of(Binder binder) {
        return new TransportBinder(binder);
    }

    /** Starts registering the connector for {@code protocol}; finish with {@link ConnectorBinding#to}. */
    public ConnectorBinding addConnector(Protocol protocol) {
        return new ConnectorBinding(requireNonNull(protocol, "protocol is null"));
    }

    /** Starts registering the transport for {@code protocol}; finish with {@link TransportBinding#to}. */
    public TransportBinding addTransport(Protocol protocol) {
        return new TransportBinding(requireNonNull(protocol, "protocol is null"));
    }

    /** A transport registration waiting for its implementation class and configuration. */
    public final class TransportBinding {
        private final Protocol protocol;

        private TransportBinding(Protocol protocol) {
            this.protocol = protocol;
        }

        /**
         * Serves the protocol with brick-core's operation engine over an instance of {@code type} (built by injection,
         * one per protocol), configured by the binding {@code config}.
         */
        public void to(Class<? extends Transport<?>> type, Key<ConnectorConfig> config) {
            requireNonNull(type, "type is null");
            requireNonNull(config, "config is null");
            connectors.addBinding(protocol).toProvider(new EngineProvider(type, config)).in(Scopes.SINGLETON);
        }
    }

    /** Builds the engine of one transport when the runtime first asks for its connector. */
    private static final class EngineProvider implements Provider<Connector> {
        private final Class<? extends Transport<?>> type;
        private final Key<ConnectorConfig> config;
        private Injector injector;

        EngineProvider(Class<? extends Transport<?>> type, Key<ConnectorConfig> config) {
            this.type = type;
            this.config = config;
        }

        @Inject
        void injector(Injector injector) {
            this.injector = injector;
        }

        @Override
        public Connector get() {
            Transport<?> transport = injector.getInstance(type);
            return injector.getInstance(OperationEngines.class).connector(transport, injector.getInstance(config));
        }
    }

    /** A connector registration waiting for its implementation class. */
    public final class ConnectorBinding {
        private final Protocol protocol;

        private ConnectorBinding(Protocol protocol) {
            this.protocol = protocol;
        }

        /** Serves the protocol with an instance of {@code type} (built by injection, one per protocol). */
        public void to(Class<? extends Connector> type) {
            requireNonNull(type, "type is null");
            connectors.addBinding(protocol).to(type).in(Scopes.SINGLETON);
        }
    }
}
