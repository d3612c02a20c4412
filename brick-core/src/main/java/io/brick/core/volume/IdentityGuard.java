package io.brick.core.volume;

import io.brick.core.error.IdentityMismatchException;
import io.brick.core.model.BlockDevice;
import io.brick.core.model.MultipathMap;
import io.brick.core.model.Wwid;
import io.brick.core.port.TopologyProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import static java.util.Objects.requireNonNull;

/**
 * DESIGN §1 promise 2, in one place: which of the devices found at a volume's addresses are the volume's.
 *
 * <ul>
 *   <li>With an expected WWID (the caller's, or the one a connect already established): exactly the devices of that
 *   WWID; every other is rejected (a stale device of a reused LUN, or the wrong volume).</li>
 *   <li>Without: the WWID of the devices that appeared during this operation ({@code fresh}) wins; pre-existing
 *   devices of another WWID are rejected as stale. If fresh devices disagree among themselves, or (no fresh device)
 *   pre-existing ones disagree, nothing is accepted: the caller raises
 *   {@link io.brick.core.error.IdentityMismatchException}.</li>
 *   <li>A device without a readable WWID is accepted only when no device has one and no WWID is expected (os-brick
 *   returns such a device with an empty {@code scsi_wwn}); otherwise it is held back (neither accepted nor rejected)
 *   until it has one.</li>
 * </ul>
 * In a conflict, every device with a WWID is listed as rejected (none can be trusted, so none is removed as the
 * volume's) and {@link #requireConsistent} raises the mismatch.
 */
public final class IdentityGuard {
    private static final Logger log = LoggerFactory.getLogger(IdentityGuard.class);

    private IdentityGuard() {
    }

    /**
     * The verdict on a set of devices.
     *
     * @param wwid the volume's WWID, when it could be established
     * @param accepted the volume's devices
     * @param rejected devices of another WWID (never returned, never removed as the volume's)
     * @param undecided devices without a WWID yet
     * @param conflict a description of the disagreement when nothing could be accepted for that reason
     */
    public record Verdict(Optional<Wwid> wwid, List<BlockDevice> accepted, List<BlockDevice> rejected,
                          List<BlockDevice> undecided, Optional<String> conflict) {
        public Verdict {
            accepted = List.copyOf(accepted);
            rejected = List.copyOf(rejected);
            undecided = List.copyOf(undecided);
        }
    }

    /**
     * Judges the devices.
     *
     * @param devices every device found at the volume's addresses
     * @param fresh kernel names of the devices that appeared during this operation
     * @param expected the WWID the volume must have, if known
     */
    public static Verdict judge(List<BlockDevice> devices, Set<String> fresh, Optional<Wwid> expected) {
        requireNonNull(devices, "devices is null");
        requireNonNull(fresh, "fresh is null");
        requireNonNull(expected, "expected is null");
        List<BlockDevice> identified = devices.stream().filter(device -> device.wwid().isPresent()).toList();
        List<BlockDevice> unidentified = devices.stream().filter(device -> device.wwid().isEmpty()).toList();
        if (expected.isPresent()) {
            return split(expected.get(), identified, unidentified);
        }
        if (identified.isEmpty()) {
            // os-brick returns such devices with an empty scsi_wwn: nothing contradicts them
            return new Verdict(Optional.empty(), unidentified, List.of(), List.of(), Optional.empty());
        }
        List<BlockDevice> freshIdentified = identified.stream().filter(device -> fresh.contains(device.name())).toList();
        List<BlockDevice> deciding = freshIdentified.isEmpty() ? identified : freshIdentified;
        Set<Wwid> wwids = deciding.stream().map(device -> device.wwid().get()).collect(Collectors.toCollection(LinkedHashSet::new));
        if (wwids.size() > 1) {
            String conflict = (freshIdentified.isEmpty() ? "pre-existing" : "new") + " devices disagree on the WWID: "
                    + deciding.stream().map(IdentityGuard::describe).collect(Collectors.joining(", "));
            return new Verdict(Optional.empty(), List.of(), identified, unidentified, Optional.of(conflict));
        }
        return split(wwids.iterator().next(), identified, unidentified);
    }

    /**
     * Throws when a verdict leaves the caller nothing it can trust: a conflict, or no accepted device while a device of
     * another WWID was found.
     *
     * @param verdict the verdict of {@link #judge}
     * @param volume how to name the volume in the log
     * @throws IdentityMismatchException naming the expected WWID, the WWID found, and the device and H:C:T:L that
     *         carried it
     */
    public static void requireConsistent(Verdict verdict, String volume) {
        requireNonNull(verdict, "verdict is null");
        requireNonNull(volume, "volume is null");
        if (verdict.conflict().isPresent()) {
            List<BlockDevice> disagreeing = verdict.rejected();
            BlockDevice first = disagreeing.get(0);
            Wwid firstWwid = first.wwid().orElseThrow();
            BlockDevice other = disagreeing.stream().filter(device -> !device.wwid().orElseThrow().equals(firstWwid))
                    .findFirst().orElse(first);
            log.debug("{}: {}", volume, verdict.conflict().get());
            throw new IdentityMismatchException(firstWwid.value(),
                    other.wwid().orElseThrow().value(), other.address().toString(), other.name());
        }
        if (verdict.accepted().isEmpty() && !verdict.rejected().isEmpty()) {
            BlockDevice stale = verdict.rejected().get(0);
            log.debug("{}: no device has the volume's WWID {}; rejected {}", volume,
                    verdict.wwid().map(Wwid::value).orElse("(unknown)"),
                    verdict.rejected().stream().map(IdentityGuard::describe).collect(Collectors.joining(", ")));
            throw new IdentityMismatchException(verdict.wwid().map(Wwid::value).orElse("(unknown)"),
                    stale.wwid().map(Wwid::value).orElse("(none)"), stale.address().toString(), stale.name());
        }
    }

    private static Verdict split(Wwid wwid, List<BlockDevice> identified, List<BlockDevice> unidentified) {
        List<BlockDevice> accepted = new ArrayList<>();
        List<BlockDevice> rejected = new ArrayList<>();
        for (BlockDevice device : identified) {
            (device.wwid().get().equals(wwid) ? accepted : rejected).add(device);
        }
        return new Verdict(Optional.of(wwid), accepted, rejected, unidentified, Optional.empty());
    }

    private static String describe(BlockDevice device) {
        return device.name() + " at " + device.address() + " has " + device.wwid().map(Wwid::value).orElse("no WWID");
    }

    /**
     * The map of the volume's WWID, for a disconnect in which none of the volume's paths leads to a map (a map left
     * by an earlier, partial disconnect: its paths already removed). Refused when devices of another WWID sit at the
     * volume's addresses and the map of the WWID has paths, which are then at other addresses: the connection
     * properties and the WWID the caller gave ({@code device_info}, {@code scsi_wwn}) name two different volumes, and
     * acting on either could remove another volume's map. (The kernel lane met it: four parallel detaches whose
     * inputs were crossed flushed each other's maps.)
     *
     * @param topology where to look the map up
     * @param wwid the volume's WWID
     * @param rejected the devices found at the volume's addresses that are not of that WWID
     * @throws IdentityMismatchException when the two name different volumes
     */
    public static Optional<MultipathMap> mapOfWwid(TopologyProvider topology, Wwid wwid, List<BlockDevice> rejected) {
        requireNonNull(topology, "topology is null");
        requireNonNull(wwid, "wwid is null");
        requireNonNull(rejected, "rejected is null");
        Optional<MultipathMap> map = topology.multipathMapByWwid(wwid);
        if (map.isPresent() && !map.get().slaves().isEmpty() && !rejected.isEmpty()) {
            BlockDevice there = rejected.get(0);
            log.warn("{} at {} has WWID {}, but the volume's WWID is {}, whose map {} holds {} at other addresses: "
                    + "the properties and the WWID given name two volumes; nothing is touched", there.name(),
                    there.address(), there.wwid().map(Wwid::value).orElse("none"), wwid.value(), map.get().kernelName(),
                    map.get().slaves());
            throw new IdentityMismatchException(wwid.value(), there.wwid().map(Wwid::value).orElse("none"),
                    there.address().toString(), there.name());
        }
        return map;
    }
}
