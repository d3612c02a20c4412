package io.brick.fc;

import com.google.inject.Module;
import io.brick.core.bootstrap.BrickPlugin;
import io.brick.core.connector.ConnectorConfig;
import io.brick.core.model.Protocol;

import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * The {@code fc} plugin: the {@code FIBRE_CHANNEL} protocol (see {@link FcModule}). Listed in
 * {@code META-INF/services/io.brick.core.bootstrap.BrickPlugin}.
 */
public final class FcPlugin implements BrickPlugin {
    /** The plugin's name. */
    public static final String NAME = "fc";

    private final ConnectorConfig config;

    /** The plugin with default settings (what ServiceLoader discovery makes). */
    public FcPlugin() {
        this(ConnectorConfig.defaults());
    }

    /** The plugin with the connector's settings given. */
    public FcPlugin(ConnectorConfig config) {
        this.config = requireNonNull(config, "config is null");
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Set<Protocol> protocols() {
        return Set.of(Protocol.FIBRE_CHANNEL);
    }

    @Override
    public Module module() {
        return new FcModule(config);
    }
}
