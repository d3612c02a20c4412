package io.brick.fc;

import io.brick.core.connector.ConnectorConfig;
import io.brick.core.error.BrickException;
import io.brick.core.error.DeviceNotFoundException;
import io.brick.core.error.HostStateException;
import io.brick.core.event.EventPublisher;
import io.brick.core.event.EventType;
import io.brick.core.model.BlockDevice;
import io.brick.core.model.ConnectionProperties;
import io.brick.core.model.DevicePath;
import io.brick.core.model.Hctl;
import io.brick.core.model.Protocol;
import io.brick.core.model.Wwid;
import io.brick.core.port.ScsiScanner;
import io.brick.core.port.SysfsAccess;
import io.brick.core.port.TopologyProvider;
import io.brick.core.time.Clock;
import io.brick.core.time.Deadline;
import io.brick.core.time.Poll;
import io.brick.core.time.Sleeper;
import io.brick.core.transport.AttachRequest;
import io.brick.core.transport.Attachment;
import io.brick.core.transport.Candidate;
import io.brick.core.transport.Located;
import io.brick.core.transport.Progress;
import io.brick.core.transport.Transport;
import io.brick.core.volume.TransportCleanup;
import io.brick.core.volume.VolumeDevices;
import jakarta.inject.Inject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.IntFunction;
import java.util.stream.Collectors;

import static java.util.Objects.requireNonNull;

/**
 * Fibre Channel: os-brick's {@code FibreChannelConnector} and {@code LinuxFibreChannel}, sysfs-first and without
 * their known bugs, as a transport of brick-core's operation engine. It runs no command of its own: HBAs, remote
 * ports, targets and devices are read from sysfs, and scans are sysfs writes.
 *
 * <p><b>Addresses.</b> The volume's paths are its (target WWPN, LUN) pairs behind every HBA: for each HBA, each remote
 * port of the target's WWPN ({@code fc_remote_ports}, {@code scsi_target_id} T, channel C), the device at
 * {@code H:C:T:L}. Every HBA and every target counts, whatever the {@code initiator_target_map} says (it restricts
 * scans, not what is the volume's).
 *
 * <p><b>Attaching.</b> While no device of the volume's identity has appeared, the HBAs are rescanned
 * ({@link FcRescan}: {@code C T L} only, {@code - - L} only when no HBA sees any port of the volume, never
 * {@code - - -}) at 0, 2, 4, 8 ... s within {@link ConnectorConfig#deviceWait()}. Devices that were there before
 * count alone only after a rescan and a grace of {@value #GRACE_MILLIS} ms in which no new device contradicted them.
 *
 * <p><b>Paths returned.</b> Links, not {@code /dev/sdX} or {@code /dev/dm-N}, as os-brick returns them for FC (its
 * bug #1897787): {@code /dev/disk/by-id/dm-uuid-mpath-<wwid>} for a map, the udev by-path link of the first path
 * ({@code /dev/disk/by-path/pci-...-fc-0x<wwpn>-lun-<lun>}) without. A link names the volume's path or WWID and cannot
 * come to name another device when a kernel name is reused. A by-path link udev has not made within
 * {@value #LINK_WAIT_SECONDS} s gives the kernel path with a WARN. FC has no session: nothing to clean up after the
 * devices are gone. Operations on the same (WWPN, LUN) are serialised across threads and processes.
 */
final class FcTransport implements Transport<FcVolume> {
    private static final Logger log = LoggerFactory.getLogger(FcTransport.class);

    static final long GRACE_MILLIS = 1000;
    static final long LINK_WAIT_SECONDS = 10;
    private static final Duration FIRST_RESCAN_INTERVAL = Duration.ofSeconds(2);
    private static final Duration GRACE = Duration.ofMillis(GRACE_MILLIS);
    private static final Duration LINK_WAIT = Duration.ofSeconds(LINK_WAIT_SECONDS);
    /**
     * How long a connect reuses its listing of an HBA's remote ports between two looks for its devices (a rescan
     * lists them again at once): a port's SCSI address is bound to its WWPN by the FC transport and stays while the
     * connect waits, and a port that appears meanwhile is seen within this time. Polls come every 25 to 500 ms;
     * listing every port of every HBA on each one was a fifth of a simulated FC connect's processor time.
     */
    private static final Duration PORTS_FRESH = Duration.ofSeconds(1);

    private final TopologyProvider topology;
    private final FcHostReader hbaReader;
    private final ScsiScanner scanner;
    private final EventPublisher events;
    private final Clock clock;
    private final Sleeper sleeper;
    private final FcRescan rescan;

    @Inject
    FcTransport(TopologyProvider topology, SysfsAccess sysfs, ScsiScanner scanner, EventPublisher events, Clock clock,
                Sleeper sleeper) {
        this.topology = requireNonNull(topology, "topology is null");
        this.hbaReader = new FcHostReader(sysfs);
        this.scanner = requireNonNull(scanner, "scanner is null");
        this.events = requireNonNull(events, "events is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.sleeper = requireNonNull(sleeper, "sleeper is null");
        this.rescan = new FcRescan(hbaReader);
    }

    @Override
    public Set<Protocol> protocols() {
        return Set.of(Protocol.FIBRE_CHANNEL);
    }

    @Override
    public FcVolume parse(ConnectionProperties properties) {
        return FcVolume.parse(properties);
    }

    /**
     * One path of the volume on this host: the HBA, the target (WWPN, LUN), the remote port it is seen through, and
     * the device at that address.
     */
    record FcPath(FcHba hba, FcTarget target, FcRemotePort port, BlockDevice device) {
        /** The by-path link udev makes for it, when the HBA has a PCI function. */
        Optional<DevicePath> byPath() {
            return hba.byPath(target);
        }
    }

    @Override
    public Attachment attach(FcVolume volume, AttachRequest request) {
        List<FcHba> hbas = hbas();
        if (hbas.isEmpty()) {
            log.warn("We are unable to locate any Fibre Channel devices: no HBA in /sys/class/fc_host");
            throw new HostStateException("We are unable to locate any Fibre Channel devices: this host has no "
                    + "Fibre Channel HBA (/sys/class/fc_host is empty)", false,
                    Map.of("volume", volume.description()), null);
        }
        return new FcAttachment(volume, hbas, request);
    }

    @Override
    public Located locate(FcVolume volume, Optional<Wwid> wwid) {
        return new FcLocated(volume, hbas());
    }

    /** The volume's addresses behind the HBAs: its devices, its locks; nothing to clean up after them. */
    private class FcLocated implements Located {
        final FcVolume volume;
        final List<FcHba> hbas;

        FcLocated(FcVolume volume, List<FcHba> hbas) {
            this.volume = volume;
            this.hbas = List.copyOf(hbas);
        }

        @Override
        public List<String> lockKeys() {
            return volume.targets().stream().map(FcTransport::lockKey).toList();
        }

        @Override
        public List<BlockDevice> devices() {
            return paths(volume, hbas).stream().map(FcPath::device).toList();
        }

        @Override
        public TransportCleanup cleanup(VolumeDevices devices) {
            return TransportCleanup.none();
        }

        /** A by-path link names the path behind that HBA and target, whether or not udev still has it. */
        @Override
        public Optional<BlockDevice> deviceOf(DevicePath link) {
            return paths(volume, hbas).stream().filter(path -> path.byPath().map(link::equals).orElse(false))
                    .map(FcPath::device).findFirst();
        }
    }

    /** One connect: the devices that were there before it, the rescans it wrote, and its device wait. */
    private final class FcAttachment extends FcLocated implements Attachment {
        private final Deadline wait;
        private final List<String> scans = new ArrayList<>();
        private Set<String> before;
        private long start;
        private Duration nextScan = Duration.ZERO;
        private Optional<Long> firstScan = Optional.empty();
        private final Map<Integer, List<FcRemotePort>> ports = new java.util.HashMap<>();
        private long portsRead;

        FcAttachment(FcVolume volume, List<FcHba> hbas, AttachRequest request) {
            super(volume, hbas);
            this.wait = request.deadline().sub(request.config().deviceWait());
        }

        /** An HBA's remote ports, listed again once {@link #PORTS_FRESH} has passed or after a rescan. */
        private List<FcRemotePort> ports(int hostNumber) {
            if (clock.nanoTime() - portsRead >= PORTS_FRESH.toNanos()) {
                ports.clear();
                portsRead = clock.nanoTime();
            }
            return ports.computeIfAbsent(hostNumber, hbaReader::remotePorts);
        }

        @Override
        public Progress progress() {
            List<FcPath> paths = paths(volume, hbas, this::ports);
            if (before == null) {
                before = paths.stream().map(path -> path.device().name()).collect(Collectors.toUnmodifiableSet());
                start = clock.nanoTime();
            }
            List<Candidate> candidates = new ArrayList<>();
            Set<String> seen = new java.util.HashSet<>();
            boolean confirmed = false;
            for (FcPath path : paths) {
                BlockDevice device = path.device();
                if (!seen.add(device.name())) {
                    continue;
                }
                boolean fresh = !before.contains(device.name());
                candidates.add(new Candidate(device, fresh, Map.of("target", path.target().toString(),
                        "host", "host" + path.hba().hostNumber())));
                confirmed |= volume.expectedWwid().isPresent()
                        ? device.wwid().equals(volume.expectedWwid())
                        : fresh && device.wwid().isPresent();
            }
            boolean waited = wait.expired();
            // a rescan while no device of the volume's identity has appeared (a device there before is not proof)
            if (!waited && !confirmed && clock.nanoTime() - start >= nextScan.toNanos()) {
                rescanHosts();
                ports.clear();
                firstScan = firstScan.or(() -> Optional.of(clock.nanoTime()));
                Duration since = Duration.ofNanos(clock.nanoTime() - start);
                nextScan = since.compareTo(FIRST_RESCAN_INTERVAL) < 0 ? FIRST_RESCAN_INTERVAL : since.multipliedBy(2);
            }
            boolean graceOver = firstScan.isPresent() && clock.nanoTime() - firstScan.get() >= GRACE.toNanos();
            // never past the next rescan: the 0, 2, 4, 8 s schedule stays exact
            Duration untilScan = Duration.ofNanos(Math.max(0, start + nextScan.toNanos() - clock.nanoTime()));
            return new Progress(candidates, graceOver || waited, waited,
                    untilScan.isZero() ? Optional.empty() : Optional.of(untilScan));
        }

        private void rescanHosts() {
            List<FcRescan.Scan> planned = rescan.plan(hbas, volume);
            if (planned.isEmpty()) {
                log.debug("{}: nothing to scan (no HBA sees a port of the volume and wildcard scans are off, or the "
                        + "initiator_target_map names no HBA of this host)", volume.description());
            }
            for (FcRescan.Scan scan : rescan.run(planned, scanner, sleeper)) {
                scans.add(scan.toString());
                events.publish(EventType.SCAN, "host" + scan.hostNumber(), Map.of("lun", scan.lun().toString(),
                        "target", scan.wildcard() ? "- -" : scan.channel().getAsInt() + " " + scan.target().getAsInt()));
            }
        }

        @Override
        public void stop() {
            // nothing runs between two progress() calls
        }

        @Override
        public BrickException notFound() {
            Map<String, String> evidence = new LinkedHashMap<>();
            evidence.put("volume", volume.description());
            evidence.put("hbas", hbas.stream().map(FcHba::toString).collect(Collectors.joining(", ")));
            evidence.put("scans", scans.isEmpty() ? "none" : String.join(", ", scans));
            evidence.put("waited", Duration.ofNanos(clock.nanoTime() - start).toMillis() + " ms");
            List<FcPath> paths = paths(volume, hbas);
            if (!paths.isEmpty()) {
                evidence.put("undecided", paths.stream().map(path -> path.device().name()).collect(Collectors.joining(",")));
            }
            log.error("Fibre Channel volume device not found: {}", evidence);
            return new DeviceNotFoundException("Unable to find a Fibre Channel volume device for "
                    + volume.description() + " within " + evidence.get("waited") + " (scans: " + evidence.get("scans")
                    + ")", evidence);
        }
    }

    /** The first path's by-path link, once udev made it for that very device; else its kernel path. */
    @Override
    public DevicePath singlePath(FcVolume volume, BlockDevice device, Deadline deadline) {
        Optional<DevicePath> link = paths(volume, hbas()).stream().filter(path -> path.device().name().equals(device.name()))
                .findFirst().flatMap(FcPath::byPath);
        if (link.isEmpty()) {
            log.debug("{} has no by-path link (its HBA has no PCI function): returned by its kernel name", device.name());
            return device.path();
        }
        Deadline linkWait = deadline.sub(LINK_WAIT);
        Poll poll = Poll.within(linkWait);
        while (true) {
            Optional<String> target = topology.resolveDevLink(link.get());
            if (target.isPresent() && target.get().equals(device.name())) {
                return link.get();
            }
            if (linkWait.expired()) {
                log.warn("udev made no link {} for {} within {} s ({}): returning the kernel path", link.get(),
                        device.name(), LINK_WAIT_SECONDS,
                        target.map(name -> "it resolves to " + name).orElse("it does not exist"));
                return device.path();
            }
            sleeper.sleep(poll.next());
        }
    }

    @Override
    public MapNaming mapNaming() {
        return MapNaming.WWID_LINK;
    }

    /**
     * The by-path links of the volume's devices on this host (os-brick's {@code get_volume_paths}: the candidates
     * that exist), HBA by HBA; devices behind an HBA without a PCI function have none. Nothing is scanned.
     */
    @Override
    public List<DevicePath> volumePaths(FcVolume volume) {
        List<DevicePath> links = new ArrayList<>();
        for (FcPath path : paths(volume, hbas())) {
            path.byPath().filter(link -> !links.contains(link)).ifPresent(links::add);
        }
        return List.copyOf(links);
    }

    /**
     * os-brick's FC connector properties: {@code wwpns} and {@code wwnns} of the HBAs whose port is {@code Online}
     * (16 lower-case hex digits, no {@code 0x}; a key is left out when empty).
     */
    @Override
    public Map<String, Object> connectorProperties() {
        Map<String, Object> properties = new LinkedHashMap<>();
        List<FcHost> online = hbaReader.hosts().stream().filter(FcHost::online).toList();
        if (!online.isEmpty()) {
            properties.put("wwpns", online.stream().map(FcHost::portName).toList());
            properties.put("wwnns", online.stream().map(FcHost::nodeName).toList());
        }
        return properties;
    }

    /** Every HBA of the host, by host number. */
    private List<FcHba> hbas() {
        return hbaReader.hosts().stream().map(FcHba::of).toList();
    }

    /** The volume's devices on this host, HBA by HBA, target by target (see the class comment). */
    private List<FcPath> paths(FcVolume volume, List<FcHba> hbas) {
        return paths(volume, hbas, hbaReader::remotePorts);
    }

    /** The same, with each HBA's remote ports from {@code remotePorts} (by host number). */
    private List<FcPath> paths(FcVolume volume, List<FcHba> hbas, IntFunction<List<FcRemotePort>> remotePorts) {
        List<FcPath> paths = new ArrayList<>();
        for (FcHba hba : hbas) {
            List<FcRemotePort> ports = remotePorts.apply(hba.hostNumber());
            for (FcTarget target : volume.targets()) {
                for (FcRemotePort port : ports) {
                    if (!port.portName().equals(target.wwpn()) || port.scsiTargetId() < 0) {
                        continue;
                    }
                    Hctl hctl = new Hctl(hba.hostNumber(), port.channel(), port.scsiTargetId(), target.lun().value());
                    topology.deviceAt(hctl).ifPresent(device -> paths.add(new FcPath(hba, target, port, device)));
                }
            }
        }
        return List.copyOf(paths);
    }

    /** The lock of one (WWPN, LUN). */
    static String lockKey(FcTarget target) {
        return "fc-" + target.wwpn() + "-" + target.lun();
    }
}
