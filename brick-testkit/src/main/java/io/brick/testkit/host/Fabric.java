package io.brick.testkit.host;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * The Fibre Channel side of a {@link SimulatedHost}: the host's HBAs, the storage's target ports, and the zoning
 * between them. The kernel follows it as a real one does:
 * <ul>
 *   <li>an HBA ({@link #hba}) is a SCSI host {@code hostH} with {@code fc_host/hostH} under its PCI path
 *   (an FCoE HBA's path runs through {@code net/...}, a SPARC one's through {@code platform/...});</li>
 *   <li>an HBA whose link is up logs in to every target port it is zoned with ({@link #zone}) that is up: a remote
 *   port {@code rport-H:0-N} with SCSI target id N appears; with {@link #scanOnLogin(boolean) scan on login} (the
 *   kernel's default) the FC transport then scans it for every LUN the HBA may see, as the kernel does when a remote
 *   port appears;</li>
 *   <li>a write of {@code "C T L"} into {@code scsi_host/hostH/scan} creates the device of LUN L behind the remote
 *   port of channel C and target id T, if the LUN is masked to that HBA ({@link FcTargetPort#maskLun}); {@code "- - L"}
 *   scans every remote port of the host; a {@code -} LUN is a bus-wide scan (recorded by the oracle, never made by
 *   brick); the devices appear after the scan latency (and any slow-udev fault);</li>
 *   <li>{@code fc_transport/targetH:C:T} exists while the target has a LUN on the host (as in the kernel), so a
 *   remote port without LUNs is found only in {@code fc_remote_ports}.</li>
 * </ul>
 * Faults: a target port going down ({@link Faults#fcPortDown}: remote ports {@code Blocked}, devices
 * {@code blocked}, {@code transport-offline} after 5 s, removed at {@code dev_loss_tmo} = 60 s), an HBA's link going
 * down ({@link #hbaLinkDown}), a LUN reused ({@link Faults#fcReuseLun}), slow devices ({@link Faults#slowUdev}).
 * <pre>{@code
 * host.fabric().hba(6, "50014380186af83c", "50014380186af83d")
 *     .zone("50014380186af83c", "514f0c50023f6c00");
 * host.fabric().targetPort("514f0c50023f6c00").lun(1, "3514f0c5a51600001", 1L << 30);
 * }</pre>
 */
public final class Fabric {
    private final Object lock;
    private final Map<String, FcTargetPort> ports = new LinkedHashMap<>();
    private final Map<String, Set<String>> zones = new LinkedHashMap<>();
    private Kernel kernel;

    Fabric(Object lock) {
        this.lock = requireNonNull(lock, "lock is null");
    }

    void kernel(Kernel value) {
        this.kernel = value;
    }

    /**
     * Adds an HBA as SCSI host {@code hostNumber} on PCI function {@code 0000:05:00.<hostNumber % 8>} (device path
     * {@code /sys/devices/pci0000:00/0000:00:03.0/0000:05:00.N/hostH}), link up.
     */
    public Fabric hba(int hostNumber, String wwpn, String wwnn) {
        return hba(hostNumber, wwpn, wwnn, String.format(Locale.ROOT, "pci0000:00/0000:00:03.0/0000:05:00.%d",
                hostNumber % 8));
    }

    /**
     * Adds an HBA as SCSI host {@code hostNumber} whose device path under {@code /sys/devices} is {@code devicePath}
     * (e.g. {@code pci0000:20/0000:20:03.0/0000:21:00.2/net/ens2f2/ctlr_2} for FCoE; a path that names no PCI
     * function, such as {@code virtual/fc_vport/host3}, gives its LUNs no by-path link), link up; it logs in to the
     * target ports it is zoned with.
     *
     * @throws IllegalStateException when the host number is taken
     */
    public Fabric hba(int hostNumber, String wwpn, String wwnn, String devicePath) {
        String port = FcTargetPort.normalise(wwpn);
        String node = FcTargetPort.normalise(wwnn);
        requireNonNull(devicePath, "devicePath is null");
        synchronized (lock) {
            kernel.processWrites();
            kernel.addHba(hostNumber, port, node, devicePath);
        }
        return this;
    }

    /** The target port with that WWPN, made (with no LUN, zoned with no HBA) on first use. */
    public FcTargetPort targetPort(String wwpn) {
        String port = FcTargetPort.normalise(wwpn);
        synchronized (lock) {
            return ports.computeIfAbsent(port, name -> new FcTargetPort(lock, name));
        }
    }

    /** Zones an initiator (an HBA's WWPN) with target ports: the HBA logs in to them when both are up. */
    public Fabric zone(String initiatorWwpn, String... targetWwpns) {
        String initiator = FcTargetPort.normalise(initiatorWwpn);
        synchronized (lock) {
            for (String each : targetWwpns) {
                String target = FcTargetPort.normalise(each);
                ports.computeIfAbsent(target, name -> new FcTargetPort(lock, name));
                zones.computeIfAbsent(initiator, key -> new LinkedHashSet<>()).add(target);
            }
            kernel.processWrites();
            kernel.fabricChanged();
        }
        return this;
    }

    /**
     * Whether a remote port that appears is scanned for its LUNs at once (the kernel's default, {@code true}); off,
     * as with {@code scsi_mod.scan=manual}, only explicit scans make devices.
     */
    public Fabric scanOnLogin(boolean value) {
        synchronized (lock) {
            kernel.fcScanOnLogin = value;
        }
        return this;
    }

    /** The HBA's link goes down: {@code port_state} {@code Linkdown}, its remote ports blocked (see {@link Faults#fcPortDown}). */
    public Fabric hbaLinkDown(int hostNumber) {
        synchronized (lock) {
            kernel.processWrites();
            kernel.oracle.fire(FaultKind.PATH_DOWN, "host" + hostNumber + " link");
            kernel.hbaLink(hostNumber, false);
        }
        return this;
    }

    /** The HBA's link is back: {@code Online}, it logs in to its target ports again. */
    public Fabric hbaLinkUp(int hostNumber) {
        synchronized (lock) {
            kernel.processWrites();
            kernel.oracle.fire(FaultKind.PATH_UP, "host" + hostNumber + " link");
            kernel.hbaLink(hostNumber, true);
        }
        return this;
    }

    /** The target ports, in the order they were made. */
    public List<FcTargetPort> targetPorts() {
        synchronized (lock) {
            return List.copyOf(ports.values());
        }
    }

    // ------------------------------------------------------------------------------------------- package-private

    Optional<FcTargetPort> find(String wwpn) {
        return Optional.ofNullable(ports.get(wwpn));
    }

    /** The target ports zoned with an initiator, in the order they were zoned. */
    List<FcTargetPort> zonedWith(String initiatorWwpn) {
        return zones.getOrDefault(initiatorWwpn, Set.of()).stream().map(ports::get).toList();
    }

    /** The target ports that have a LUN of that WWID. */
    List<FcTargetPort> holding(String wwid) {
        return ports.values().stream().filter(port -> port.lunNumbers().stream()
                .anyMatch(number -> port.lunState(number).map(lun -> lun.wwid().equals(wwid)
                        || lun.reportedWwid().equals(wwid)).orElse(false))).toList();
    }
}
