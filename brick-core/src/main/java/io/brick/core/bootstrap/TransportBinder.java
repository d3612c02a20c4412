package io.brick.core.bootstrap;

import com.google.inject.Binder;
import com.google.inject.Scopes;
import com.google.inject.multibindings.MapBinder;
import io.brick.core.connector.Connector;
import io.brick.core.model.Protocol;

import static java.util.Objects.requireNonNull;

/**
 * Registers a plugin's connectors in the runtime's {@code MapBinder<Protocol, Connector>}:
 * <pre>{@code
 * TransportBinder.of(binder).addConnector(Protocol.ISCSI).to(IscsiConnector.class);
 * }</pre>
 * Each registration is a singleton for its protocol. Register exactly the protocols the plugin names in
 * {@link BrickPlugin#protocols()}; the runtime checks this at start-up.
 */
public final class TransportBinder {
    private final MapBinder<Protocol, Connector> connectors;

    private TransportBinder(Binder binder) {
        this.connectors = MapBinder.newMapBinder(requireNonNull(binder, "binder is null"), Protocol.class, Connector.class);
    }

    /** The transport binder of a plugin module's {@code binder}. */
    public static TransportBinder of(Binder binder) {
        return new TransportBinder(binder);
    }

    /** Starts registering the connector for {@code protocol}; finish with {@link ConnectorBinding#to}. */
    public ConnectorBinding addConnector(Protocol protocol) {
        return new ConnectorBinding(requireNonNull(protocol, "protocol is null"));
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
