package io.brick.iscsi;

import com.google.inject.Module;
import io.brick.core.bootstrap.BrickPlugin;
import io.brick.core.connector.ConnectorConfig;
import io.brick.core.model.Protocol;

import java.util.Set;

/**
 * The {@code iscsi} plugin: the {@code ISCSI} and {@code ISER} protocols (see {@link IscsiModule}). Listed in
 * {@code META-INF/services/io.brick.core.bootstrap.BrickPlugin}.
 */
public final class IscsiPlugin implements BrickPlugin {
    /** The plugin's name. */
    public static final String NAME = "iscsi";

    private final ConnectorConfig connectorConfig;
    private final IscsiConfig iscsiadmConfig;

    /** The plugin with default settings (what ServiceLoader discovery makes). */
    public IscsiPlugin() {
        this(ConnectorConfig.defaults());
    }

    /** The plugin with the connector's settings given. */
    public IscsiPlugin(ConnectorConfig connectorConfig) {
        this(connectorConfig, IscsiConfig.defaults());
    }

    /** The plugin with the connector's and iscsiadm's settings given. */
    public IscsiPlugin(ConnectorConfig connectorConfig, IscsiConfig iscsiadmConfig) {
        this.connectorConfig = java.util.Objects.requireNonNull(connectorConfig, "connectorConfig is null");
        this.iscsiadmConfig = java.util.Objects.requireNonNull(iscsiadmConfig, "iscsiadmConfig is null");
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Set<Protocol> protocols() {
        return Set.of(Protocol.ISCSI, Protocol.ISER);
    }

    @Override
    public Module module() {
        return new IscsiModule(connectorConfig, iscsiadmConfig);
    }
}
