package io.brick.core.volume;

import io.brick.core.error.IdentityMismatchException;
import io.brick.core.model.BlockDevice;
import io.brick.core.model.Hctl;
import io.brick.core.model.MultipathMap;
import io.brick.core.model.Wwid;
import io.brick.core.port.TopologyProvider;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * What a volume has on this host, as a transport found it in sysfs: its path devices (every session, every portal),
 * the multipath map holding them, and its WWID. Only devices that are the volume's: a stale device of a reused LUN
 * found at one of its addresses is listed in {@code rejected}, never in {@code paths}.
 *
 * @param description how to name the volume in messages ({@code iqn...:target1 LUN 1})
 * @param wwid the volume's WWID, when known
 * @param paths the volume's path devices, sorted by H:C:T:L
 * @param map the multipath map holding them, if any
 * @param rejected devices found at the volume's addresses that are not the volume's (another WWID)
 */
public record VolumeDevices(String description, Optional<Wwid> wwid, List<BlockDevice> paths,
                            Optional<MultipathMap> map, List<BlockDevice> rejected) {
    public VolumeDevices {
        requireNonNull(description, "description is null");
        requireNonNull(wwid, "wwid is null");
        paths = List.copyOf(paths);
        requireNonNull(map, "map is null");
        rejected = List.copyOf(rejected);
    }

    /**
     * Judges the devices a transport found at the volume's addresses (its LUN in every session, on every HBA) and
     * finds the map holding them: the one step every transport's disconnect and extend starts from.
     * <ul>
     *     <li>Devices of two WWIDs with no caller's WWID to tell them apart: {@link IdentityMismatchException}.</li>
     *     <li>Devices of another WWID than the caller's (or than the others'): {@code rejected}, never paths.</li>
     *     <li>Devices whose WWID cannot be read: kept as paths (undecided), as they sit at the volume's address.</li>
     *     <li>The map: the first path's holder of the volume's WWID; failing that, the map of the WWID itself, unless
     *     the devices at the addresses have another WWID and that map has paths elsewhere
     *     ({@link IdentityGuard#mapOfWwid}).</li>
     * </ul>
     *
     * @param description how to name the volume in messages
     * @param found the devices found, in any order, possibly repeated
     * @param expected the caller's WWID ({@code scsi_wwn} / {@code multipath_id}), if given
     * @param topology where to look for the maps
     * @throws IdentityMismatchException when the devices disagree on their WWID and nothing says which is right
     */
    public static VolumeDevices judge(String description, List<BlockDevice> found, Optional<Wwid> expected,
                                      TopologyProvider topology) {
        requireNonNull(description, "description is null");
        requireNonNull(found, "found is null");
        requireNonNull(expected, "expected is null");
        requireNonNull(topology, "topology is null");
        Map<String, BlockDevice> byName = new LinkedHashMap<>();
        found.stream().sorted(Comparator.comparing(BlockDevice::name))
                .forEach(device -> byName.putIfAbsent(device.name(), device));
        List<BlockDevice> devices = List.copyOf(byName.values());
        IdentityGuard.Verdict verdict = IdentityGuard.judge(devices, Set.of(), expected);
        if (verdict.conflict().isPresent()) {
            BlockDevice first = devices.get(0);
            throw new IdentityMismatchException(expected.map(Wwid::value).orElse("one WWID for every path"),
                    verdict.conflict().get(), first.address().toString(), first.name());
        }
        List<BlockDevice> paths = new ArrayList<>(verdict.accepted());
        paths.addAll(verdict.undecided());
        paths.sort(VolumeDevices::byAddress);
        Optional<Wwid> wwid = verdict.wwid().or(() -> expected);
        Optional<MultipathMap> map = Optional.empty();
        for (BlockDevice path : paths) {
            map = topology.holderMap(path.name()).filter(candidate -> wwid.isEmpty() || candidate.wwid().equals(wwid));
            if (map.isPresent()) {
                break;
            }
        }
        if (map.isEmpty() && wwid.isPresent()) {
            map = IdentityGuard.mapOfWwid(topology, wwid.get(), verdict.rejected());
        }
        return new VolumeDevices(description, wwid, paths, map, verdict.rejected());
    }

    /** SCSI paths by H:C:T:L (numerically, the LUN unsigned), before paths of other kinds by kind and address. */
    private static int byAddress(BlockDevice a, BlockDevice b) {
        if (a.address() instanceof Hctl x && b.address() instanceof Hctl y) {
            return Comparator.comparingInt(Hctl::host).thenComparingInt(Hctl::channel).thenComparingInt(Hctl::target)
                    .thenComparing(Hctl::lun, Long::compareUnsigned).compare(x, y);
        }
        if (a.scsi() != b.scsi()) {
            return a.scsi() ? -1 : 1;
        }
        return Comparator.comparing((BlockDevice device) -> device.address().kind())
                .thenComparing(device -> device.address().toString()).compare(a, b);
    }

    /** Whether nothing of the volume is on the host. */
    public boolean isEmpty() {
        return paths.isEmpty() && map.isEmpty();
    }

    /**
     * What a failed connect may remove of these: only the paths that appeared during it ({@code made}, by kernel
     * name), and the map only when every path it holds is one of those. A path or a map that was there before the
     * connect belongs to an attachment that already existed (the same volume attached before, its paths down and its
     * I/O queued): a cleanup never flushes or removes it. A map that shows no path in sysfs is never the connect's:
     * its {@code slaves/} is empty for a moment while its table is reloaded, and it may then hold an existing
     * attachment's paths (issue 18, item 6). Rejected devices stay listed (they are never removed).
     *
     * @param made kernel names of the devices that appeared during the connect
     */
    public VolumeDevices madeBy(Set<String> made) {
        requireNonNull(made, "made is null");
        List<BlockDevice> madePaths = paths.stream().filter(path -> made.contains(path.name())).toList();
        Optional<MultipathMap> madeMap = map.filter(each -> !each.slaves().isEmpty() && made.containsAll(each.slaves()));
        return new VolumeDevices(description, wwid, madePaths, madeMap, rejected);
    }
}
