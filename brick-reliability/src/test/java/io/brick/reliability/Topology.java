package io.brick.reliability;

import io.brick.core.model.ConnectionProperties;
import io.brick.testkit.host.Latencies;
import io.brick.testkit.host.SimulatedHost;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * The storage layouts the campaign attaches from: iSCSI single path (multipath off), 2- and 4-portal multipath, and
 * a shared target holding several volumes. Each layout has more than one volume, so an operation on one volume can
 * be caught touching another.
 */
enum Topology {
    /** Multipath off; volume 0 behind portal 0, volume 1 on another target behind portal 1. */
    SINGLE_PATH(false, List.of(
            new Volume("iqn.2026-01.io.brick.campaign:single", List.of(address(1)), 1, wwid(1), 64L << 20),
            new Volume("iqn.2026-01.io.brick.campaign:other", List.of(address(2)), 1, wwid(2), 32L << 20))),
    /** Multipath; volume 0 behind two portals, volume 1 on another target behind one portal. */
    TWO_PORTALS(true, List.of(
            new Volume("iqn.2026-01.io.brick.campaign:two", List.of(address(1), address(2)), 1, wwid(3), 64L << 20),
            new Volume("iqn.2026-01.io.brick.campaign:other", List.of(address(3)), 1, wwid(4), 32L << 20))),
    /** Multipath; volume 0 behind four portals, volume 1 on another target behind two more. */
    FOUR_PORTALS(true, List.of(
            new Volume("iqn.2026-01.io.brick.campaign:four", List.of(address(1), address(2), address(3), address(4)), 1,
                    wwid(5), 64L << 20),
            new Volume("iqn.2026-01.io.brick.campaign:other", List.of(address(5), address(6)), 0, wwid(6), 32L << 20))),
    /** Multipath; three volumes, LUNs 0, 1 and 2 of one target behind two portals. */
    SHARED_TARGET(true, List.of(
            new Volume("iqn.2026-01.io.brick.campaign:shared", List.of(address(1), address(2)), 0, wwid(7), 64L << 20),
            new Volume("iqn.2026-01.io.brick.campaign:shared", List.of(address(1), address(2)), 1, wwid(8), 32L << 20),
            new Volume("iqn.2026-01.io.brick.campaign:shared", List.of(address(1), address(2)), 2, wwid(9), 16L << 20)));

    private final boolean multipath;
    private final List<Volume> volumes;
    private final List<String> portals;

    Topology(boolean multipath, List<Volume> volumes) {
        this.multipath = multipath;
        this.volumes = List.copyOf(volumes);
        Set<String> all = new LinkedHashSet<>();
        volumes.forEach(volume -> all.addAll(volume.portals()));
        this.portals = List.copyOf(all);
    }

    /** Whether the connector attaches through dm-multipath. */
    boolean multipath() {
        return multipath;
    }

    List<Volume> volumes() {
        return volumes;
    }

    /** Every portal, in order: a fault's portal index points into this list (modulo its size). */
    List<String> portals() {
        return portals;
    }

    String portal(int index) {
        return portals.get(index % portals.size());
    }

    Volume volume(int index) {
        return volumes.get(index % volumes.size());
    }

    /** A simulated host with this layout's storage, realistic latencies, random choices from {@code seed}. */
    SimulatedHost host(Path dir, long seed) {
        SimulatedHost host = SimulatedHost.builder(dir).seed(seed).latencies(Latencies.realistic()).build();
        for (Volume volume : volumes) {
            io.brick.testkit.host.Target target = host.storage().target(volume.iqn());
            volume.portals().forEach(target::portal);
            target.lun(volume.lun(), volume.wwid(), volume.sizeBytes());
        }
        return host;
    }

    /** The connection properties of a volume: plural keys with multipath, singular without. */
    ConnectionProperties properties(Volume volume, boolean withWwid) {
        Map<String, Object> data = new LinkedHashMap<>();
        if (multipath) {
            List<String> iqns = new ArrayList<>();
            List<Integer> luns = new ArrayList<>();
            for (int i = 0; i < volume.portals().size(); i++) {
                iqns.add(volume.iqn());
                luns.add(volume.lun());
            }
            data.put("target_portals", volume.portals());
            data.put("target_iqns", iqns);
            data.put("target_luns", luns);
        } else {
            data.put("target_portal", volume.portals().get(0));
            data.put("target_iqn", volume.iqn());
            data.put("target_lun", volume.lun());
        }
        if (withWwid) {
            data.put("scsi_wwn", volume.wwid());
        }
        return ConnectionProperties.of(data);
    }

    private static String address(int n) {
        return "127.0.0." + n + ":3260";
    }

    private static String wwid(int n) {
        return String.format(Locale.ROOT, "36001405ca%023x", n);
    }

    /**
     * One volume of a layout.
     *
     * @param iqn its target
     * @param portals the portals it is reached through
     * @param lun its LUN number
     * @param wwid its WWID
     * @param sizeBytes its size at the start
     */
    record Volume(String iqn, List<String> portals, int lun, String wwid, long sizeBytes) {
        Volume {
            requireNonNull(iqn, "iqn is null");
            portals = List.copyOf(portals);
            requireNonNull(wwid, "wwid is null");
        }
    }
}
