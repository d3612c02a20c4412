package io.brick.core.bootstrap;

import io.brick.core.connector.Connector;
import io.brick.core.connector.DisconnectOptions;
import io.brick.core.model.AttachedVolume;
import io.brick.core.model.ConnectionProperties;
import io.brick.core.model.DevicePath;
import io.brick.core.model.Protocol;
import io.brick.core.connector.DisconnectPlan;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** A connector that serves its protocols and does nothing: enough to test the wiring. */
abstract class TestConnector implements Connector {
    private final Set<Protocol> protocols;

    TestConnector(Protocol... protocols) {
        this.protocols = Set.of(protocols);
    }

    @Override
    public Set<Protocol> protocols() {
        return protocols;
    }

    @Override
    public AttachedVolume connect(ConnectionProperties properties) {
        throw new UnsupportedOperationException("test connector");
    }

    @Override
    public void disconnect(ConnectionProperties properties, Optional<AttachedVolume> attached, DisconnectOptions options) {
        throw new UnsupportedOperationException("test connector");
    }

    @Override
    public DisconnectPlan planDisconnect(ConnectionProperties properties, Optional<AttachedVolume> attached) {
        throw new UnsupportedOperationException("test connector");
    }

    @Override
    public long extend(ConnectionProperties properties) {
        throw new UnsupportedOperationException("test connector");
    }

    @Override
    public List<DevicePath> volumePaths(ConnectionProperties properties) {
        throw new UnsupportedOperationException("test connector");
    }

    @Override
    public Map<String, Object> connectorProperties() {
        return Map.of();
    }
}
