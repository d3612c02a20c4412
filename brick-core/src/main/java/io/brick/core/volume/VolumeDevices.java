package io.brick.core.volume;

import io.brick.core.model.BlockDevice;
import io.brick.core.model.MultipathMap;
import io.brick.core.model.Wwid;

import java.util.List;
import java.util.Optional;

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

    /** Whether nothing of the volume is on the host. */
    public boolean isEmpty() {
        return paths.isEmpty() && map.isEmpty();
    }
}
