package io.brick.core.engine;

import io.brick.core.connector.Connector;
import io.brick.core.connector.ConnectorConfig;
import io.brick.core.event.EventPublisher;
import io.brick.core.lock.LockManager;
import io.brick.core.port.DeviceFlusher;
import io.brick.core.port.HostConfiguration;
import io.brick.core.port.MultipathManager;
import io.brick.core.port.TopologyProvider;
import io.brick.core.time.Clock;
import io.brick.core.time.Sleeper;
import io.brick.core.transport.Transport;
import io.brick.core.transport.TransportVolume;
import io.brick.core.volume.DisconnectPipeline;
import io.brick.core.volume.MultipathAssembly;
import io.brick.core.volume.VolumeResize;
import jakarta.inject.Inject;

import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Makes the {@link Connector} of a {@link Transport}: brick-core's operation engine over the runtime's ports. The
 * runtime does this for every transport registered with {@code TransportBinder.addTransport}; a test may do it for a
 * transport of its own.
 */
public final class OperationEngines {
    private final TopologyProvider topology;
    private final DeviceFlusher flusher;
    private final Optional<MultipathManager> multipath;
    private final DisconnectPipeline pipeline;
    private final MultipathAssembly assembly;
    private final LockManager locks;
    private final EventPublisher events;
    private final Clock clock;
    private final Sleeper sleeper;
    private final HostConfiguration host;

    @Inject
    public OperationEngines(TopologyProvider topology, DeviceFlusher flusher, Optional<MultipathManager> multipath,
                            DisconnectPipeline pipeline, MultipathAssembly assembly, LockManager locks,
                            EventPublisher events, Clock clock, Sleeper sleeper, HostConfiguration host) {
        this.topology = requireNonNull(topology, "topology is null");
        this.flusher = requireNonNull(flusher, "flusher is null");
        this.multipath = requireNonNull(multipath, "multipath is null");
        this.pipeline = requireNonNull(pipeline, "pipeline is null");
        this.assembly = requireNonNull(assembly, "assembly is null");
        this.locks = requireNonNull(locks, "locks is null");
        this.events = requireNonNull(events, "events is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.sleeper = requireNonNull(sleeper, "sleeper is null");
        this.host = requireNonNull(host, "host is null");
    }

    /**
     * The connector of {@code transport}, configured by {@code config}. It is {@link AutoCloseable}: closing it closes
     * the transport, when that is {@link AutoCloseable} (its worker threads).
     */
    public <V extends TransportVolume> Connector connector(Transport<V> transport, ConnectorConfig config) {
        return new OperationEngine<>(transport, config, topology, pipeline, assembly,
                new VolumeResize(topology, flusher, multipath, sleeper, events), locks, events, clock, sleeper, host);
    }
}
