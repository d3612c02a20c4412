package io.brick.iscsi;

import io.brick.core.connector.ConnectorConfig;
import io.brick.core.lock.LockManager;
import io.brick.core.event.EventPublisher;
import io.brick.core.port.DeviceFlusher;
import io.brick.core.port.HostConfiguration;
import io.brick.core.port.MultipathManager;
import io.brick.core.port.ScsiScanner;
import io.brick.core.port.SessionManager;
import io.brick.core.port.TopologyProvider;
import io.brick.core.time.Clock;
import io.brick.core.time.Sleeper;
import io.brick.core.volume.DisconnectPipeline;
import io.brick.core.volume.MultipathAssembly;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import java.util.Optional;

/** The {@code ISCSI} protocol: iSCSI over TCP through open-iscsi's {@code default} iface. */
final class TcpIscsiConnector extends IscsiConnector {
    @Inject
    TcpIscsiConnector(SessionManager sessions, TopologyProvider topology, ScsiScanner scanner, DeviceFlusher flusher,
                      Optional<MultipathManager> multipath, DisconnectPipeline pipeline, MultipathAssembly assembly,
                      LockManager locks, EventPublisher events, Clock clock, Sleeper sleeper, HostConfiguration host,
                      @Named(IscsiPlugin.NAME) ConnectorConfig config) {
        super("default", sessions, topology, scanner, flusher, multipath, pipeline, assembly, locks, events, clock,
                sleeper, host, config);
    }
}
