package io.brick.reliability;

import io.brick.core.model.ConnectionProperties;
import io.brick.core.model.Protocol;
import io.brick.testkit.host.Latencies;
import io.brick.testkit.host.SimulatedHost;
import io.brick.testkit.sysfs.FakeSysfs;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * The storage layouts the campaign attaches from: iSCSI single path (multipath off), 2- and 4-portal multipath and
 * a shared target holding several volumes; Fibre Channel single path (multipath off), two fabrics (one HBA zoned
 * with one target port each) and four paths (two HBAs zoned with two target ports each). Each layout has more than
 * one volume, so an operation on one volume can be caught touching another.
 *
 * <p>A volume's {@code ports} are its iSCSI portals or, with Fibre Channel, its target ports' WWPNs; a fault's port
 * index points into {@link #ports()}.
 */
enum Topology {
    /** Multipath off; volume 0 behind portal 0, volume 1 on another target behind portal 1. */
    SINGLE_PATH(Protocol.ISCSI, false, List.of(), List.of(
            new Volume("iqn.2026-01.io.brick.campaign:single", List.of(address(1)), 1, wwid(1), 64L << 20),
            new Volume("iqn.2026-01.io.brick.campaign:other", List.of(address(2)), 1, wwid(2), 32L << 20))),
    /** Multipath; volume 0 behind two portals, volume 1 on another target behind one portal. */
    TWO_PORTALS(Protocol.ISCSI, true, List.of(), List.of(
            new Volume("iqn.2026-01.io.brick.campaign:two", List.of(address(1), address(2)), 1, wwid(3), 64L << 20),
            new Volume("iqn.2026-01.io.brick.campaign:other", List.of(address(3)), 1, wwid(4), 32L << 20))),
    /** Multipath; volume 0 behind four portals, volume 1 on another target behind two more. */
    FOUR_PORTALS(Protocol.ISCSI, true, List.of(), List.of(
            new Volume("iqn.2026-01.io.brick.campaign:four", List.of(address(1), address(2), address(3), address(4)), 1,
                    wwid(5), 64L << 20),
            new Volume("iqn.2026-01.io.brick.campaign:other", List.of(address(5), address(6)), 0, wwid(6), 32L << 20))),
    /** Multipath; three volumes, LUNs 0, 1 and 2 of one target behind two portals. */
    SHARED_TARGET(Protocol.ISCSI, true, List.of(), List.of(
            new Volume("iqn.2026-01.io.brick.campaign:shared", List.of(address(1), address(2)), 0, wwid(7), 64L << 20),
            new Volume("iqn.2026-01.io.brick.campaign:shared", List.of(address(1), address(2)), 1, wwid(8), 32L << 20),
            new Volume("iqn.2026-01.io.brick.campaign:shared", List.of(address(1), address(2)), 2, wwid(9), 16L << 20))),
    /** Fibre Channel, multipath off; one HBA zoned with one target port, volumes 0 and 1 are its LUNs 1 and 2. */
    FC_SINGLE_PATH(Protocol.FIBRE_CHANNEL, false, List.of(new Hba(6, hbaWwpn(6), List.of(targetPort(0)))), List.of(
            new Volume("", List.of(targetPort(0)), 1, fcWwid(1), 64L << 20),
            new Volume("", List.of(targetPort(0)), 2, fcWwid(2), 32L << 20))),
    /**
     * Fibre Channel multipath over two fabrics: host6 zoned with target port 0, host7 with target port 1; volume 0
     * (LUN 1) on both ports (two paths), volume 1 (LUN 2) on port 1 only.
     */
    FC_TWO_FABRICS(Protocol.FIBRE_CHANNEL, true, List.of(new Hba(6, hbaWwpn(6), List.of(targetPort(0))),
            new Hba(7, hbaWwpn(7), List.of(targetPort(1)))), List.of(
            new Volume("", List.of(targetPort(0), targetPort(1)), 1, fcWwid(3), 64L << 20),
            new Volume("", List.of(targetPort(1)), 2, fcWwid(4), 32L << 20))),
    /**
     * Fibre Channel multipath, four paths: host6 and host7 each zoned with target ports 0 and 1; volumes 0 and 1
     * (LUNs 1 and 2) on both ports.
     */
    FC_FOUR_PATHS(Protocol.FIBRE_CHANNEL, true, List.of(new Hba(6, hbaWwpn(6), List.of(targetPort(0), targetPort(1))),
            new Hba(7, hbaWwpn(7), List.of(targetPort(0), targetPort(1)))), List.of(
            new Volume("", List.of(targetPort(0), targetPort(1)), 1, fcWwid(5), 64L << 20),
            new Volume("", List.of(targetPort(0), targetPort(1)), 2, fcWwid(6), 32L << 20)));

    private final Protocol protocol;
    private final boolean multipath;
    private final List<Hba> hbas;
    private final List<Volume> volumes;
    private final List<String> ports;

    Topology(Protocol protocol, boolean multipath, List<Hba> hbas, List<Volume> volumes) {
        this.protocol = protocol;
        this.multipath = multipath;
        this.hbas = List.copyOf(hbas);
        this.volumes = List.copyOf(volumes);
        Set<String> all = new LinkedHashSet<>();
        volumes.forEach(volume -> all.addAll(volume.ports()));
        this.ports = List.copyOf(all);
    }

    /** {@code ISCSI} or {@code FIBRE_CHANNEL}: which connector attaches the volumes. */
    Protocol protocol() {
        return protocol;
    }

    boolean fibreChannel() {
        return protocol == Protocol.FIBRE_CHANNEL;
    }

    /** Whether the connector attaches through dm-multipath. */
    boolean multipath() {
        return multipath;
    }

    List<Volume> volumes() {
        return volumes;
    }

    /** The Fibre Channel HBAs (none for iSCSI). */
    List<Hba> hbas() {
        return hbas;
    }

    /** Every portal or target port, in order: a fault's port index points into this list (modulo its size). */
    List<String> ports() {
        return ports;
    }

    String port(int index) {
        return ports.get(index % ports.size());
    }

    Volume volume(int index) {
        return volumes.get(index % volumes.size());
    }

    /** Whether every volume has its own LUN number (what the duplicate-WWID check tells volumes apart by). */
    boolean distinctLuns() {
        return volumes.stream().map(Volume::lun).distinct().count() == volumes.size();
    }

    /**
     * Whether volume 1 shares a target (iSCSI) or a target port (Fibre Channel) with volume 0, and every volume has
     * its own LUN number: where a duplicate-WWID fault can make one LUN report another's WWID.
     */
    boolean duplicable() {
        return distinctLuns() && volumes.size() > 1 && shares(volume(1), volume(0));
    }

    private boolean shares(Volume one, Volume other) {
        return fibreChannel() ? one.ports().stream().anyMatch(other.ports()::contains)
                : one.target().equals(other.target());
    }

    /**
     * A volume's LUN reports {@code original}'s WWID from now on (on every target port the two share, with Fibre
     * Channel).
     */
    void duplicate(SimulatedHost host, Volume volume, Volume original) {
        if (!shares(volume, original)) {
            throw new IllegalArgumentException(volume + " shares no target with " + original);
        }
        if (fibreChannel()) {
            volume.ports().stream().filter(original.ports()::contains).forEach(port ->
                    host.faults().fcDuplicateWwid(port, original.lun(), volume.lun()));
        } else {
            host.faults().duplicateWwid(volume.target(), original.lun(), volume.lun());
        }
    }

    /**
     * A simulated host with this layout's storage, realistic latencies, random choices from {@code seed}, showing the
     * files brick reads and writes ({@link FakeSysfs.Detail#READERS}: a campaign makes and removes devices thousands
     * of times, and brick reads the same topology from that tree as from a full one). Fibre
     * Channel LUNs are mapped after the HBAs logged in, so only a scan makes their devices (until a remote port logs
     * in again: the kernel then scans it for every LUN it may see).
     */
    SimulatedHost host(Path dir, long seed) {
        SimulatedHost host = SimulatedHost.builder(dir).seed(seed).latencies(Latencies.realistic())
                .detail(FakeSysfs.Detail.READERS).build();
        if (fibreChannel()) {
            for (Hba hba : hbas) {
                host.fabric().hba(hba.hostNumber(), hba.wwpn(), "2" + hba.wwpn().substring(1));
            }
            for (Hba hba : hbas) {
                host.fabric().zone(hba.wwpn(), hba.zonedWith().toArray(String[]::new));
            }
            for (Volume volume : volumes) {
                volume.ports().forEach(port -> host.fabric().targetPort(port).lun(volume.lun(), volume.wwid(),
                        volume.sizeBytes()));
            }
            return host;
        }
        for (Volume volume : volumes) {
            io.brick.testkit.host.Target target = host.storage().target(volume.target());
            volume.ports().forEach(target::portal);
            target.lun(volume.lun(), volume.wwid(), volume.sizeBytes());
        }
        return host;
    }

    /** Grows or shrinks a volume's LUN on the storage (every target port of it, with Fibre Channel). */
    void resize(SimulatedHost host, Volume volume, long sizeBytes) {
        if (fibreChannel()) {
            volume.ports().forEach(port -> host.fabric().targetPort(port).resizeLun(volume.lun(), sizeBytes));
        } else {
            host.storage().target(volume.target()).resizeLun(volume.lun(), sizeBytes);
        }
    }

    /** The array gives a volume's LUN number to a new volume of WWID {@code newWwid} (same size). */
    void reuse(SimulatedHost host, Volume volume, String newWwid) {
        if (fibreChannel()) {
            volume.ports().forEach(port -> host.faults().fcReuseLun(port, volume.lun(), newWwid));
        } else {
            host.faults().reuseLun(volume.target(), volume.lun(), newWwid);
        }
    }

    /** The connection properties of a volume of WWID {@code wwid} (or none): plural keys with multipath. */
    ConnectionProperties properties(Volume volume, Optional<String> wwid) {
        Map<String, Object> data = new LinkedHashMap<>();
        if (fibreChannel()) {
            data.put("target_wwn", volume.ports().size() == 1 ? volume.ports().get(0) : volume.ports());
            data.put("target_lun", volume.lun());
        } else if (multipath) {
            List<String> iqns = new ArrayList<>();
            List<Integer> luns = new ArrayList<>();
            for (int i = 0; i < volume.ports().size(); i++) {
                iqns.add(volume.target());
                luns.add(volume.lun());
            }
            data.put("target_portals", volume.ports());
            data.put("target_iqns", iqns);
            data.put("target_luns", luns);
        } else {
            data.put("target_portal", volume.ports().get(0));
            data.put("target_iqn", volume.target());
            data.put("target_lun", volume.lun());
        }
        wwid.ifPresent(value -> data.put("scsi_wwn", value));
        return ConnectionProperties.of(data);
    }

    /** The connection properties of a volume as the topology makes it, with or without its WWID. */
    ConnectionProperties properties(Volume volume, boolean withWwid) {
        return properties(volume, withWwid ? Optional.of(volume.wwid()) : Optional.empty());
    }

    private static String address(int n) {
        return "127.0.0." + n + ":3260";
    }

    private static String wwid(int n) {
        return String.format(Locale.ROOT, "36001405ca%023x", n);
    }

    private static String fcWwid(int n) {
        return String.format(Locale.ROOT, "3600a0980ca%022x", n);
    }

    private static String targetPort(int n) {
        return String.format(Locale.ROOT, "514f0c50023f6c%02x", n);
    }

    private static String hbaWwpn(int host) {
        return String.format(Locale.ROOT, "50014380186af8%02x", host);
    }

    /**
     * A WWID for the volume the array puts at a reused LUN: the old WWID with its last digits replaced by the
     * generation, so it stays a valid NAA WWID of the same length.
     */
    static String reusedWwid(String wwid, int generation) {
        String suffix = String.format(Locale.ROOT, "f%03x", generation);
        return wwid.substring(0, wwid.length() - suffix.length()) + suffix;
    }

    /**
     * One volume of a layout.
     *
     * @param target its iSCSI target's IQN; empty with Fibre Channel
     * @param ports the portals it is reached through, or its target ports' WWPNs
     * @param lun its LUN number
     * @param wwid its WWID
     * @param sizeBytes its size at the start
     */
    record Volume(String target, List<String> ports, int lun, String wwid, long sizeBytes) {
        Volume {
            requireNonNull(target, "target is null");
            ports = List.copyOf(ports);
            requireNonNull(wwid, "wwid is null");
        }
    }

    /**
     * One Fibre Channel HBA of a layout.
     *
     * @param hostNumber its SCSI host number
     * @param wwpn its port name
     * @param zonedWith the target ports it is zoned with
     */
    record Hba(int hostNumber, String wwpn, List<String> zonedWith) {
        Hba {
            requireNonNull(wwpn, "wwpn is null");
            zonedWith = List.copyOf(zonedWith);
        }
    }
}
