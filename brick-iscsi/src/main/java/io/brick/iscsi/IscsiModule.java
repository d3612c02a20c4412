package io.brick.iscsi;

import com.google.inject.AbstractModule;
import com.google.inject.Key;
import com.google.inject.Scopes;
import com.google.inject.multibindings.OptionalBinder;
import com.google.inject.name.Names;
import io.brick.core.bootstrap.TransportBinder;
import io.brick.core.connector.ConnectorConfig;
import io.brick.core.model.Protocol;

/**
 * brick-iscsi's bindings: the {@code ISCSI} and {@code ISER} connectors, the {@link SessionManager} over iscsiadm
 * (a default a caller may replace), and the default {@link IscsiConfig} and {@link ConnectorConfig} (as
 * {@code @Named("iscsi")}, see {@link IscsiPlugin#NAME}).
 *
 * <p>Needs from other plugins: {@code TopologyProvider}, {@code SysfsAccess} (its sessions), {@code ScsiScanner},
 * {@code DeviceFlusher} and {@code HostConfiguration} (its initiator name) (brick-sysfs), {@code CommandRunner}
 * (brick-exec); {@code MultipathManager} (brick-multipath) is optional.
 */
public final class IscsiModule extends AbstractModule {
    private final ConnectorConfig connectorConfig;
    private final IscsiConfig iscsiadmConfig;

    /** The module with default settings. */
    public IscsiModule() {
        this(ConnectorConfig.defaults(), IscsiConfig.defaults());
    }

    /** The module with these settings (as defaults a caller's explicit binding may still replace). */
    public IscsiModule(ConnectorConfig connectorConfig, IscsiConfig iscsiadmConfig) {
        this.connectorConfig = java.util.Objects.requireNonNull(connectorConfig, "connectorConfig is null");
        this.iscsiadmConfig = java.util.Objects.requireNonNull(iscsiadmConfig, "iscsiadmConfig is null");
    }

    @Override
    protected void configure() {
        OptionalBinder.newOptionalBinder(binder(), IscsiConfig.class).setDefault().toInstance(iscsiadmConfig);
        // named: brick-fc binds its own ConnectorConfig, so each protocol is configured separately
        OptionalBinder.newOptionalBinder(binder(), Key.get(ConnectorConfig.class, Names.named(IscsiPlugin.NAME)))
                .setDefault().toInstance(connectorConfig);
        OptionalBinder.newOptionalBinder(binder(), SessionManager.class).setDefault().to(IscsiadmSessionManager.class);
        bind(IscsiadmSessionManager.class).in(Scopes.SINGLETON);
        // one for both transports: a missing initiator name is said once, not once per transport
        bind(HostInitiator.class).in(Scopes.SINGLETON);
        TransportBinder transports = TransportBinder.of(binder());
        Key<ConnectorConfig> config = Key.get(ConnectorConfig.class, Names.named(IscsiPlugin.NAME));
        transports.addTransport(Protocol.ISCSI).to(TcpIscsiTransport.class, config);
        transports.addTransport(Protocol.ISER).to(IserTransport.class, config);
    }
}
