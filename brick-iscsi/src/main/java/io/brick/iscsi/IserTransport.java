package io.brick.iscsi;

import io.brick.core.connector.ConnectorConfig;
import io.brick.core.event.EventPublisher;
import io.brick.core.lock.LockManager;
import io.brick.core.port.ScsiScanner;
import io.brick.core.port.SysfsAccess;
import io.brick.core.port.TopologyProvider;
import io.brick.core.time.Clock;
import io.brick.core.time.Sleeper;
import jakarta.inject.Inject;
import jakarta.inject.Named;

/** The {@code ISER} protocol: iSCSI over RDMA through open-iscsi's {@code iser} iface. */
final class IserTransport extends IscsiTransport {
    @Inject
    IserTransport(SessionManager sessions, TopologyProvider topology, SysfsAccess sysfs, ScsiScanner scanner,
            LockManager locks, EventPublisher events, Clock clock, Sleeper sleeper, HostInitiator host,
            @Named(IscsiPlugin.NAME) ConnectorConfig config) {
        super("iser", sessions, topology, sysfs, scanner, locks, events, clock, sleeper, host, config);
    }
}
