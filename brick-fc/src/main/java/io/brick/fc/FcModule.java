package io.brick.fc;

import com.google.inject.AbstractModule;
import com.google.inject.Key;
import com.google.inject.multibindings.OptionalBinder;
import com.google.inject.name.Names;
import io.brick.core.bootstrap.TransportBinder;
import io.brick.core.connector.ConnectorConfig;
import io.brick.core.model.Protocol;

import static java.util.Objects.requireNonNull;

/**
 * brick-fc's bindings: the {@code FIBRE_CHANNEL} connector and the default {@link ConnectorConfig} (as {@code @Named("fc")},
 * see {@link FcPlugin#NAME}).
 *
 * <p>Needs from other plugins: {@code TopologyProvider}, {@code SysfsAccess} (its HBAs), {@code ScsiScanner},
 * {@code DeviceFlusher} and {@code HostConfiguration} (brick-sysfs); {@code MultipathManager} (brick-multipath) is
 * optional. Runs no command of its own: sysfs tells it everything, and scans are sysfs writes.
 */
public final class FcModule extends AbstractModule {
    private final ConnectorConfig config;

    /** The module with default settings. */
    public FcModule() {
        this(ConnectorConfig.defaults());
    }

    /** The module with these settings (a default a caller's explicit binding may still replace). */
    public FcModule(ConnectorConfig config) {
        this.config = requireNonNull(config, "config is null");
    }

    @Override
    protected void configure() {
        // named: brick-iscsi binds its own ConnectorConfig, so each protocol is configured separately
        OptionalBinder.newOptionalBinder(binder(), Key.get(ConnectorConfig.class, Names.named(FcPlugin.NAME)))
                .setDefault().toInstance(config);
        TransportBinder.of(binder()).addTransport(Protocol.FIBRE_CHANNEL)
                .to(FcTransport.class, Key.get(ConnectorConfig.class, Names.named(FcPlugin.NAME)));
    }
}
