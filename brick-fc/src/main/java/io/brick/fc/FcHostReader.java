package io.brick.fc;

import io.brick.core.error.HostStateException;
import io.brick.core.model.KernelNames;
import io.brick.core.model.ScsiTarget;
import io.brick.core.port.SysfsAccess;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * The host's Fibre Channel HBAs and what they see, read through {@link SysfsAccess}: {@code class/fc_host/hostN},
 * {@code class/fc_remote_ports/rport-H:C-N} and {@code class/fc_transport/targetH:C:T}. An HBA or remote port whose
 * names cannot be read is skipped with a warning, as os-brick does; one that disappears while it is read is absent.
 * Lookups of one HBA read only the entries named after its host number.
 */
public final class FcHostReader {
    private static final Logger log = LoggerFactory.getLogger(FcHostReader.class);

    private static final Pattern HOST = Pattern.compile("host(\\d{1,9})");
    private static final Pattern TARGET = Pattern.compile("target(\\d{1,9}):(\\d{1,9}):(\\d{1,9})");
    private static final Pattern RPORT = Pattern.compile("rport-(\\d{1,9}):(\\d{1,9})-(\\d{1,9})");
    private static final Comparator<FcRemotePort> RPORT_ORDER = Comparator.comparingInt(FcRemotePort::hostNumber)
            .thenComparingInt(FcRemotePort::channel).thenComparing(FcRemotePort::name, KernelNames.ORDER);

    private static final List<String> NAMES = List.of("port_name", "node_name");
    private static final List<String> NAMES_AND_STATE = List.of("port_name", "node_name", "port_state");
    private static final List<String> SCSI_TARGET_ID = List.of("scsi_target_id");

    private final SysfsAccess sysfs;

    /** A reader of the host's sysfs. */
    public FcHostReader(SysfsAccess sysfs) {
        this.sysfs = requireNonNull(sysfs, "sysfs is null");
    }

    /** All Fibre Channel HBAs, sorted by host number. */
    public List<FcHost> hosts() {
        List<FcHost> hosts = new ArrayList<>();
        for (SysfsAccess.Entry entry : sysfs.entries("class/fc_host", HOST.asMatchPredicate())) {
            int hostNumber = Integer.parseInt(entry.name().substring("host".length()));
            Optional<SysfsAccess.Entry> host = entry.name().equals("host" + hostNumber) ? Optional.of(entry)
                    : sysfs.entry("class/fc_host/host" + hostNumber); // "host01": the HBA it numbers
            host.flatMap(dir -> readHost(hostNumber, dir)).ifPresent(hosts::add);
        }
        hosts.sort(Comparator.comparingInt(FcHost::hostNumber));
        return List.copyOf(hosts);
    }

    /** One HBA; one whose names cannot be read is skipped with a warning (as os-brick does). */
    private Optional<FcHost> readHost(int hostNumber, SysfsAccess.Entry entry) {
        String dir = entry.path();
        Optional<Names> names = names(entry, "Fibre Channel host" + hostNumber, true);
        // .../hostN/fc_host/hostN: the device directory is hostN two levels up
        String device = parent(parent(dir));
        return names.map(read -> new FcHost(hostNumber, read.port(), read.node(), read.state(),
                device.isEmpty() ? "/sys/" + dir : "/sys/" + device));
    }

    /** The remote ports one HBA sees, sorted by name. */
    public List<FcRemotePort> remotePorts(int hostNumber) {
        return ports(hostNumber);
    }

    /** The remote ports of every HBA, sorted by host, channel and name. */
    public List<FcRemotePort> remotePorts() {
        return ports(-1);
    }

    /** Remote ports of one host, or of every host when {@code hostNumber} is negative. */
    private List<FcRemotePort> ports(int hostNumber) {
        List<FcRemotePort> ports = new ArrayList<>();
        for (SysfsAccess.Entry entry : sysfs.entries("class/fc_remote_ports",
                name -> ofHost(RPORT, name, hostNumber))) {
            Matcher matcher = RPORT.matcher(entry.name());
            if (matcher.matches()) {
                readRemotePort(entry, Integer.parseInt(matcher.group(1)), Integer.parseInt(matcher.group(2)))
                        .ifPresent(ports::add);
            }
        }
        ports.sort(RPORT_ORDER);
        return List.copyOf(ports);
    }

    /** Whether a name matches the pattern and its first number is the host's (any host when it is negative). */
    private static boolean ofHost(Pattern pattern, String name, int hostNumber) {
        Matcher matcher = pattern.matcher(name);
        return matcher.matches() && (hostNumber < 0 || Integer.parseInt(matcher.group(1)) == hostNumber);
    }

    private Optional<FcRemotePort> readRemotePort(SysfsAccess.Entry entry, int hostNumber, int channel) {
        String name = entry.name();
        return names(entry, "Fibre Channel remote port " + name, true).map(read -> new FcRemotePort(name,
                hostNumber, channel, read.port(), read.node(), read.state(), scsiTargetId(entry)));
    }

    /**
     * A remote port's {@code scsi_target_id}; {@code -1} (not a SCSI target) when it is missing, unreadable or not a
     * number, as os-brick treats an unreadable one: the port is then simply not used for a targeted scan.
     */
    private int scsiTargetId(SysfsAccess.Entry entry) {
        String dir = entry.path();
        Optional<String> text;
        try {
            text = Optional.ofNullable(entry.readAll(SCSI_TARGET_ID).get("scsi_target_id"));
        } catch (HostStateException e) {
            log.debug("{}/scsi_target_id not readable: {}", dir, e.getMessage());
            return -1;
        }
        if (text.isEmpty()) {
            return -1;
        }
        try {
            return Integer.parseInt(text.get().strip());
        } catch (NumberFormatException e) {
            log.debug("{}/scsi_target_id holds '{}', not a number: not a SCSI target", dir, text.get().strip());
            return -1;
        }
    }

    /**
     * The SCSI targets of one HBA as {@code class/fc_transport/targetH:C:T} lists them (only targets that have a LUN on
     * this host), sorted by channel and target.
     */
    public List<FcTransportTarget> transportTargets(int hostNumber) {
        List<FcTransportTarget> targets = new ArrayList<>();
        for (SysfsAccess.Entry entry : sysfs.entries("class/fc_transport",
                name -> hostNumber >= 0 && ofHost(TARGET, name, hostNumber))) {
            Matcher matcher = TARGET.matcher(entry.name());
            if (matcher.matches()) {
                ScsiTarget target = new ScsiTarget(hostNumber, Integer.parseInt(matcher.group(2)),
                        Integer.parseInt(matcher.group(3)));
                names(entry, "Fibre Channel target " + entry.name(), false)
                        .map(read -> new FcTransportTarget(target, read.port(), read.node())).ifPresent(targets::add);
            }
        }
        targets.sort(Comparator.comparing(FcTransportTarget::target, Comparator.comparingInt(ScsiTarget::channel)
                .thenComparingInt(ScsiTarget::target)));
        return List.copyOf(targets);
    }

    /** A port's names (and state, where it has one). */
    private record Names(String port, String node, String state) {
    }

    /**
     * Reads {@code port_name}, {@code node_name} and (with {@code withState}) {@code port_state}; empty, with a
     * warning for an HBA or remote port and a debug line for a target, when one cannot be read, and empty without a
     * word when the object went away while it was read.
     */
    private Optional<Names> names(SysfsAccess.Entry entry, String what, boolean withState) {
        String dir = entry.path();
        String failure;
        try {
            Map<String, String> values = entry.readAll(withState ? NAMES_AND_STATE : NAMES);
            String port = values.get("port_name");
            String node = values.get("node_name");
            String state = withState ? values.get("port_state") : "";
            if (port != null && node != null && state != null) {
                return Optional.of(new Names(wwn(port), wwn(node), state.strip()));
            }
            failure = "missing";
        } catch (HostStateException e) {
            failure = e.getMessage();
        }
        if (!sysfs.exists(dir)) {
            log.debug("{} disappeared while it was read: absent", dir);
            return Optional.empty();
        }
        if (withState) {
            log.warn("{} skipped: {} (/sys/{})", what, failure, dir);
        } else {
            log.debug("{} skipped: {} (/sys/{})", what, failure, dir);
        }
        return Optional.empty();
    }

    /** {@code 0x50014380242B9750} → {@code 50014380242b9750}. */
    private static String wwn(String text) {
        String value = text.strip().toLowerCase(Locale.ROOT);
        return value.startsWith("0x") ? value.substring(2) : value;
    }

    private static String parent(String path) {
        int slash = path.lastIndexOf('/');
        return slash < 0 ? "" : path.substring(0, slash);
    }
}
