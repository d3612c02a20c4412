package io.brick.fc;

import io.brick.core.error.BrickException;
import io.brick.core.error.OperationInterruptedException;
import io.brick.core.model.Lun;
import io.brick.core.port.ScsiScanner;
import io.brick.core.time.Sleeper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;

import static java.util.Objects.requireNonNull;

/**
 * Targeted rescans of Fibre Channel HBAs (os-brick's {@code LinuxFibreChannel.rescan_hosts}), planned from sysfs and
 * written through the {@link ScsiScanner}:
 * <ol>
 *   <li>with an {@code initiator_target_map}, only the HBAs it names scan, each for its own targets;</li>
 *   <li>for each (WWPN, LUN) the HBA scans for, the channel and target number come from
 *   {@code fc_transport/targetH:C:T} (targets that already have a LUN here), else from the remote port
 *   {@code fc_remote_ports/rport-H:C-N} of that WWPN ({@code scsi_target_id}; {@code -1} is no SCSI target): a
 *   {@code C T L} scan; every remote port of the WWPN counts (os-brick's shell {@code grep} mishandles several);</li>
 *   <li>only when no HBA found any port for the volume, and {@code enable_wildcard_scan} allows it, each HBA gets
 *   {@code - - L} for the LUNs it found no port for;</li>
 *   <li>never {@code - - -}, nor a wildcard LUN.</li>
 * </ol>
 * A failed sysfs lookup counts as not found (and a failed {@code fc_transport} lookup still tries the remote
 * ports).
 */
final class FcRescan {
    private static final Logger log = LoggerFactory.getLogger(FcRescan.class);

    /**
     * One scan to write: {@code C T L}, or {@code - - L} when channel and target are empty.
     *
     * @param hostNumber the HBA's SCSI host
     * @param channel C
     * @param target T
     * @param lun L (the kernel's)
     */
    record Scan(int hostNumber, OptionalInt channel, OptionalInt target, Lun lun) {
        Scan {
            requireNonNull(channel, "channel is null");
            requireNonNull(target, "target is null");
            requireNonNull(lun, "lun is null");
        }

        boolean wildcard() {
            return channel.isEmpty();
        }

        /** What is written into {@code scan}: {@code 0 1 1}, {@code - - 1}. */
        String text() {
            return (channel.isPresent() ? channel.getAsInt() + " " + target.getAsInt() : "- -") + " " + lun;
        }

        @Override
        public String toString() {
            return "host" + hostNumber + " '" + text() + "'";
        }
    }

    /**
     * What one HBA found for its targets (os-brick's {@code _get_hba_channel_scsi_target_lun}).
     *
     * @param found the {@code C T L} scans for the targets whose port it sees
     * @param notFound the LUNs of the targets whose port it does not see, sorted
     */
    record Located(List<Scan> found, Set<Lun> notFound) {
        Located {
            found = List.copyOf(found);
            notFound = Set.copyOf(notFound);
        }
    }

    private final FcHostReader hbas;

    FcRescan(FcHostReader hbas) {
        this.hbas = requireNonNull(hbas, "hbas is null");
    }

    /** The channel and target of each target the HBA sees, and the LUNs of those it does not see. */
    Located locate(FcHba hba, List<FcTarget> targets) {
        int host = hba.hostNumber();
        List<FcTransportTarget> transport = lookup("fc_transport of host" + host, () -> hbas.transportTargets(host));
        Optional<List<FcRemotePort>> remotePorts = Optional.empty();
        List<Scan> found = new ArrayList<>();
        Set<Lun> notFound = new TreeSet<>();
        for (FcTarget target : targets) {
            List<Scan> scans = new ArrayList<>();
            for (FcTransportTarget each : transport) {
                if (each.portName().equals(target.wwpn())) {
                    scans.add(new Scan(host, OptionalInt.of(each.target().channel()),
                            OptionalInt.of(each.target().target()), target.lun()));
                }
            }
            if (scans.isEmpty()) {
                if (remotePorts.isEmpty()) {
                    remotePorts = Optional.of(lookup("fc_remote_ports of host" + host,
                            () -> hbas.remotePorts(host)));
                }
                for (FcRemotePort port : remotePorts.get()) {
                    if (port.portName().equals(target.wwpn()) && port.scsiTargetId() >= 0) {
                        scans.add(new Scan(host, OptionalInt.of(port.channel()), OptionalInt.of(port.scsiTargetId()),
                                target.lun()));
                    }
                }
            }
            if (scans.isEmpty()) {
                log.debug("Could not get HBA channel and SCSI target ID of {} on host{}: no fc_transport target nor "
                        + "remote port of that WWPN", target, host);
                notFound.add(target.lun());
            }
            scans.stream().filter(scan -> !found.contains(scan)).forEach(found::add);
        }
        return new Located(found, notFound);
    }

    /** The scans os-brick's {@code rescan_hosts} would make now, in HBA order. */
    List<Scan> plan(List<FcHba> hbas, FcVolume volume) {
        List<Scan> targeted = new ArrayList<>();
        List<Scan> wildcards = new ArrayList<>();
        for (FcHba hba : hbas) {
            if (!volume.scans(hba.wwpn())) {
                log.debug("Skipping HBA {}: not an initiator of the initiator_target_map", hba);
                continue;
            }
            Located located = locate(hba, volume.targetsFor(hba.wwpn()));
            if (!located.found().isEmpty()) {
                targeted.addAll(located.found());
            } else if (!volume.wildcardScan()) {
                log.debug("Skipping HBA {}, nothing to scan, target port not connected to initiator", hba);
            } else {
                Set<Lun> luns = new LinkedHashSet<>(located.notFound());
                luns.forEach(lun -> wildcards.add(new Scan(hba.hostNumber(), OptionalInt.empty(), OptionalInt.empty(),
                        lun)));
            }
        }
        return targeted.isEmpty() ? List.copyOf(wildcards) : List.copyOf(targeted);
    }

    /**
     * Writes the scans; a host that cannot be scanned (gone meanwhile) is logged and skipped. An HBA often gets
     * several scans (one per target port): each write is followed by a zero-length pause, a yield point where
     * whatever watches sysfs picks the write up before the next one lands in the same file (the kernel handles a scan
     * within its write; a simulated kernel at its next settle point).
     */
    List<Scan> run(List<Scan> scans, ScsiScanner scanner, Sleeper sleeper) {
        List<Scan> written = new ArrayList<>();
        for (Scan scan : scans) {
            try {
                scanner.scan(scan.hostNumber(), scan.channel(), scan.target(), scan.lun());
                sleeper.sleep(Duration.ZERO);
                written.add(scan);
            } catch (OperationInterruptedException e) {
                throw e;
            } catch (BrickException e) {
                log.warn("Fibre Channel scan {} failed: {}", scan, e.getMessage());
            }
        }
        return written;
    }

    private static <T> List<T> lookup(String what, java.util.function.Supplier<List<T>> read) {
        try {
            return read.get();
        } catch (OperationInterruptedException e) {
            throw e;
        } catch (BrickException e) {
            log.debug("Could not read {}: {}", what, e.getMessage());
            return List.of();
        }
    }
}
