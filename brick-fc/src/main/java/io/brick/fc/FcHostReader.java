package io.brick.fc;

import io.brick.core.error.HostStateException;
import io.brick.core.model.ScsiTarget;
import io.brick.core.port.SysfsAccess;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
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
    private static final Pattern NAME_NUMBER = Pattern.compile("(.*?)(\\d{1,9})");
    private static final Comparator<String> KERNEL_NAME_ORDER = FcHostReader::compareKernelNames;
    private static final Comparator<FcRemotePort> RPORT_ORDER = Comparator.comparingInt(FcRemotePort::hostNumber)
            .thenComparingInt(FcRemotePort::channel).thenComparing(FcRemotePort::name, KERNEL_NAME_ORDER);

    private final SysfsAccess sysfs;

    /** A reader of the host's sysfs. */
    public FcHostReader(SysfsAccess sysfs) {
        this.sysfs = requireNonNull(sysfs, "sysfs is null");
    }

    /** All Fibre Channel HBAs, sorted by host number. */
    public List<FcHost> hosts() {
        List<FcHost> hosts = new ArrayList<>();
        for (String name : sysfs.list("class/fc_host")) {
            Matcher matcher = HOST.matcher(name);
            if (matcher.matches()) {
                readHost(Integer.parseInt(matcher.group(1))).ifPresent(hosts::add);
            }
        }
        hosts.sort(Comparator.comparingInt(FcHost::hostNumber));
        return List.copyOf(hosts);
    }

    /** One HBA; one whose names cannot be read is skipped with a warning (as os-brick does). */
    private Optional<FcHost> readHost(int hostNumber) {
        Optional<String> dir = sysfs.resolve("class/fc_host/host" + hostNumber);
        if (dir.isEmpty()) {
            return Optional.empty();
        }
        Optional<Names> names = names(dir.get(), "Fibre Channel host" + hostNumber, true);
        // .../hostN/fc_host/hostN: the device directory is hostN two levels up
        String device = parent(parent(dir.get()));
        return names.map(read -> new FcHost(hostNumber, read.port(), read.node(), read.state(),
                device.isEmpty() ? "/sys/" + dir.get() : "/sys/" + device));
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
        for (String name : sysfs.list("class/fc_remote_ports")) {
            Matcher matcher = RPORT.matcher(name);
            if (matcher.matches() && (hostNumber < 0 || Integer.parseInt(matcher.group(1)) == hostNumber)) {
                readRemotePort(name, Integer.parseInt(matcher.group(1)), Integer.parseInt(matcher.group(2)))
                        .ifPresent(ports::add);
            }
        }
        ports.sort(RPORT_ORDER);
        return List.copyOf(ports);
    }

    private Optional<FcRemotePort> readRemotePort(String name, int hostNumber, int channel) {
        Optional<String> dir = sysfs.resolve("class/fc_remote_ports/" + name);
        if (dir.isEmpty()) {
            return Optional.empty();
        }
        return names(dir.get(), "Fibre Channel remote port " + name, true).map(read -> new FcRemotePort(name,
                hostNumber, channel, read.port(), read.node(), read.state(), scsiTargetId(dir.get())));
    }

    /**
     * A remote port's {@code scsi_target_id}; {@code -1} (not a SCSI target) when it is missing, unreadable or not a
     * number, as os-brick treats an unreadable one: the port is then simply not used for a targeted scan.
     */
    private int scsiTargetId(String dir) {
        Optional<String> text;
        try {
            text = sysfs.read(dir + "/scsi_target_id");
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
        for (String name : sysfs.list("class/fc_transport")) {
            Matcher matcher = TARGET.matcher(name);
            if (matcher.matches() && Integer.parseInt(matcher.group(1)) == hostNumber) {
                ScsiTarget target = new ScsiTarget(hostNumber, Integer.parseInt(matcher.group(2)),
                        Integer.parseInt(matcher.group(3)));
                readTransportTarget(name, target).ifPresent(targets::add);
            }
        }
        targets.sort(Comparator.comparing(FcTransportTarget::target, Comparator.comparingInt(ScsiTarget::channel)
                .thenComparingInt(ScsiTarget::target)));
        return List.copyOf(targets);
    }

    private Optional<FcTransportTarget> readTransportTarget(String name, ScsiTarget target) {
        Optional<String> dir = sysfs.resolve("class/fc_transport/" + name);
        if (dir.isEmpty()) {
            return Optional.empty();
        }
        return names(dir.get(), "Fibre Channel target " + name, false)
                .map(read -> new FcTransportTarget(target, read.port(), read.node()));
    }

    /** A port's names (and state, where it has one). */
    private record Names(String port, String node, String state) {
    }

    /**
     * Reads {@code port_name}, {@code node_name} and (with {@code withState}) {@code port_state}; empty, with a
     * warning for an HBA or remote port and a debug line for a target, when one cannot be read, and empty without a
     * word when the object went away while it was read.
     */
    private Optional<Names> names(String dir, String what, boolean withState) {
        String failure;
        try {
            Optional<String> port = sysfs.read(dir + "/port_name");
            Optional<String> node = port.isEmpty() ? Optional.empty() : sysfs.read(dir + "/node_name");
            Optional<String> state = node.isEmpty() || !withState ? node : sysfs.read(dir + "/port_state");
            if (port.isPresent() && node.isPresent() && state.isPresent()) {
                return Optional.of(new Names(wwn(port.get()), wwn(node.get()), withState ? state.get().strip() : ""));
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

    /** {@code rport-5:0-2} before {@code rport-5:0-10}; names without a number suffix as strings. */
    private static int compareKernelNames(String left, String right) {
        Matcher a = NAME_NUMBER.matcher(left);
        Matcher b = NAME_NUMBER.matcher(right);
        if (a.matches() && b.matches() && a.group(1).equals(b.group(1))) {
            return Integer.compare(Integer.parseInt(a.group(2)), Integer.parseInt(b.group(2)));
        }
        return left.compareTo(right);
    }
}
