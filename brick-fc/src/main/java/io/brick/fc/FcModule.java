package io.brick.fc;

import com.google.inject.AbstractModule;
import com.google.inject.multibindings.OptionalBinder;
import io.brick.core.bootstrap.TransportBinder;
import io.brick.core.model.Protocol;

import static java.util.Objects.requireNonNull;

/**
 * brick-fc's bindings: the {@code FIBRE_CHANNEL} connector and the default {@link FcConnectorConfig}.
 *
 * <p>Needs from other plugins: {@code TopologyProvider}, {@code ScsiScanner}, {@code DeviceFlusher} and
 * {@code HostConfiguration} (brick-sysfs); {@code MultipathManager} (brick-multipath) is optional. Runs no command of
 * its own: sysfs tells it everything, and scans are sysfs writes.
 */
public final class FcModule extends AbstractModule {
    private final FcConnectorConfig config;

    /** The module with default settings. */
    public FcModule() {
        this(FcConnectorConfig.defaults());
    }

    /** The module with these settings (a default a caller's explicit binding may still replace). */
    public FcModule(FcConnectorConfig config) {
        this.config = requireNonNull(config, "config is null");
    }

    @Override
    protected void configure() {
        OptionalBinder.newOptionalBinder(binder(), FcConnectorConfig.class).setDefault().toInstance(config);
        TransportBinder.of(binder()).addConnector(Protocol.FIBRE_CHANNEL).to(FcConnector.class);
    }
}
