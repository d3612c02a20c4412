package io.brick.iscsi;

import io.brick.core.connector.ConnectorConfig;
import io.brick.core.error.DeviceNotFoundException;
import io.brick.core.event.EventPublisher;
import io.brick.core.event.EventType;
import io.brick.core.lock.LockManager;
import io.brick.core.model.BlockDevice;
import io.brick.core.model.ConnectionProperties;
import io.brick.core.model.DevicePath;
import io.brick.core.model.Lun;
import io.brick.core.model.Protocol;
import io.brick.core.model.Wwid;
import io.brick.core.port.ScsiScanner;
import io.brick.iscsi.SessionManager.Node;
import io.brick.core.port.SysfsAccess;
import io.brick.core.port.TopologyProvider;
import io.brick.core.time.Clock;
import io.brick.core.time.Deadline;
import io.brick.core.time.Sleeper;
import io.brick.core.transport.AttachRequest;
import io.brick.core.transport.Attachment;
import io.brick.core.transport.Located;
import io.brick.core.transport.Transport;
import io.brick.core.volume.TransportCleanup;
import io.brick.core.volume.VolumeDevices;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static java.util.Objects.requireNonNull;

/**
 * iSCSI (and iSER): os-brick's {@code ISCSIConnector}, sysfs-first and without its known bugs, as a transport of
 * brick-core's operation engine.
 *
 * <p><b>Connect.</b> The targets come from the plural keys, or (multipath) from sendtargets discovery
 * ({@code -o nonpersistent}: node records are never clobbered); each is logged in and scanned by an
 * {@link IscsiAttachment}: every portal at once for multipath, one target after another for a single path.
 *
 * <p><b>Addresses.</b> A volume's devices are its LUN in every session of every (portal, IQN) of its targets. A
 * disconnect needs no discovery (it must work while the portal is down): for a multipath volume whose targets came
 * from discovery it also looks at every session to the same IQN and, when the WWID is known, every session whose
 * device at the LUN has that WWID (arrays with one IQN per portal). After the devices are gone, {@link IscsiCleanup}
 * logs out of sessions that carry no other LUN and deletes their node records, under the targets' locks.
 */
class IscsiTransport implements Transport<IscsiVolume>, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(IscsiTransport.class);

    private final String defaultIface;
    private final SessionManager sessions;
    private final IscsiHost host;
    private final EventPublisher events;
    private final Clock clock;
    private final HostInitiator initiator;
    private final ConnectorConfig config;
    private final ExecutorService workers;
    private final IscsiAttachment.Context context;

    /**
     * The transport of one protocol.
     *
     * @param defaultIface the open-iscsi iface used when the properties name none: {@code default} (tcp) or
     *                     {@code iser}
     * @param config the connector's settings: whether it uses multipath decides how the properties are read
     */
    IscsiTransport(String defaultIface, SessionManager sessions, TopologyProvider topology, SysfsAccess sysfs,
                   ScsiScanner scanner,
                   LockManager locks, EventPublisher events, Clock clock, Sleeper sleeper,
                   HostInitiator initiator, ConnectorConfig config) {
        this.defaultIface = requireNonNull(defaultIface, "defaultIface is null");
        this.sessions = requireNonNull(sessions, "sessions is null");
        this.host = new IscsiHost(new IscsiSessionReader(sysfs, topology));
        this.events = requireNonNull(events, "events is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.initiator = requireNonNull(initiator, "initiator is null");
        this.config = requireNonNull(config, "config is null");
        this.workers = Executors.newCachedThreadPool(daemonThreads());
        this.context = new IscsiAttachment.Context(host, sessions, scanner, locks, events, clock, sleeper, workers);
    }

    @Override
    public Set<Protocol> protocols() {
        return Set.of(defaultIface.equals(IscsiVolume.ISER_IFACE) ? Protocol.ISER : Protocol.ISCSI);
    }

    @Override
    public IscsiVolume parse(ConnectionProperties properties) {
        return IscsiVolume.parse(properties, config.useMultipath(), defaultIface);
    }

    @Override
    public Attachment attach(IscsiVolume volume, AttachRequest request) {
        List<IscsiTarget> targets = request.multipath() ? resolveTargets(volume, request.deadline()) : volume.targets();
        return new IscsiAttachment(context, volume, targets, request);
    }

    /** The targets of a multipath connect: the plural keys, or sendtargets discovery on the singular portal. */
    private List<IscsiTarget> resolveTargets(IscsiVolume volume, Deadline deadline) {
        if (!volume.needsDiscovery()) {
            return volume.targets();
        }
        IscsiTarget seed = volume.seed();
        EventPublisher.Phase discovery = events.started(EventType.DISCOVERY, seed.portal().toString());
        List<Node> discovered = sessions.discover(seed.portal(), volume.discoveryIface(), volume.discoveryChap(),
                deadline);
        discovery.finished(EventType.DISCOVERY, Map.of("targets", Integer.toString(discovered.size())));
        List<IscsiTarget> targets = volume.targetsFromDiscovery(discovered);
        if (targets.isEmpty()) {
            throw new DeviceNotFoundException("sendtargets discovery on " + seed.portal() + " found no target for "
                    + volume.description(), Map.of("portal", seed.portal().toString(), "discovered",
                    discovered.stream().map(Node::toString).collect(Collectors.joining(", "))));
        }
        log.debug("discovery on {} gave {}", seed.portal(), targets);
        return targets;
    }

    @Override
    public Located locate(IscsiVolume volume, Optional<Wwid> wwid) {
        List<IscsiTarget> targets = targetsForDisconnect(volume, wwid);
        return new Located() {
            @Override
            public List<String> lockKeys() {
                return IscsiHost.lockKeys(targets);
            }

            @Override
            public List<BlockDevice> devices() {
                return host.devicesAt(targets);
            }

            @Override
            public TransportCleanup cleanup(VolumeDevices devices) {
                return new IscsiCleanup(context, targets, IscsiCleanup.names(devices), volume.iface(),
                        volume.sessionTransport());
            }
        };
    }

    /**
     * The targets a disconnect (or extend, or a path listing) looks at: the volume's targets; for a multipath volume
     * whose targets came from discovery, also every session to the same IQN (the shared-IQN case) and, when the WWID
     * is known, every session whose device at the LUN has that WWID. No discovery runs.
     */
    private List<IscsiTarget> targetsForDisconnect(IscsiVolume volume, Optional<Wwid> wwid) {
        List<IscsiTarget> targets = new ArrayList<>(volume.targets());
        if (!volume.needsDiscovery() || volume.discoveryLuns().size() != 1) {
            return List.copyOf(targets);
        }
        Lun lun = volume.discoveryLuns().get(0);
        Iqn main = volume.seed().iqn();
        IscsiSessionReader reader = host.sessions();
        // every session only when a device's WWID can tie another IQN's session to the volume; else the IQN's sessions
        List<IscsiSession> candidates = wwid.isPresent() ? reader.sessions() : reader.sessions(main);
        for (IscsiSession session : candidates) {
            Optional<Portal> portal = session.persistentPortal().or(session::currentPortal);
            if (portal.isEmpty()) {
                continue;
            }
            boolean sameIqn = session.targetName().matches(main);
            boolean sameWwid = wwid.isPresent() && reader.device(session.sessionId(), lun)
                    .flatMap(BlockDevice::wwid).map(wwid.get()::equals).orElse(false);
            if (sameIqn || sameWwid) {
                targets.add(new IscsiTarget(portal.get(), session.targetName(), lun));
            }
        }
        return IscsiHost.distinctTargets(targets);
    }

    @Override
    public List<DevicePath> volumePaths(IscsiVolume volume) {
        List<DevicePath> paths = new ArrayList<>();
        for (IscsiTarget target : IscsiHost.distinctTargets(targetsForDisconnect(volume, volume.expectedWwid()))) {
            boolean present = host.sessionsTo(target.portal(), target.iqn()).stream()
                    .anyMatch(session -> host.sessions().device(session.sessionId(), target.lun()).isPresent());
            if (present) {
                paths.add(DevicePath.of("/dev/disk/by-path/ip-" + target.portal().byPathForm() + "-iscsi-"
                        + target.iqn().value() + "-lun-" + target.lun().byPathForm()));
            }
        }
        return List.copyOf(paths);
    }

    /** os-brick's iSCSI connector property: the host's {@code initiator} IQN. */
    @Override
    public Map<String, Object> connectorProperties() {
        Map<String, Object> properties = new LinkedHashMap<>();
        initiator.name().ifPresent(iqn -> properties.put("initiator", iqn.value()));
        return properties;
    }

    private static ThreadFactory daemonThreads() {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, "brick-iscsi-portal-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    @Override
    public void close() {
        workers.shutdownNow();
    }
}
