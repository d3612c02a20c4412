package io.brick.core.model;

import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * A device-mapper multipath map as sysfs shows it.
 *
 * @param kernelName {@code dm-N}
 * @param name the map name ({@code dm/name}): the WWID with {@code user_friendly_names no}, else e.g. {@code mpatha}
 * @param wwid the WWID from {@code dm/uuid} ({@code mpath-<wwid>}); empty for a dm device that is not a multipath map
 * @param slaves kernel names of its path devices, sorted
 * @param sizeBytes size in bytes
 */
public record MultipathMap(String kernelName, String name, Optional<Wwid> wwid, List<String> slaves, long sizeBytes) {
    public MultipathMap {
        requireNonNull(kernelName, "kernelName is null");
        requireNonNull(name, "name is null");
        requireNonNull(wwid, "wwid is null");
        slaves = List.copyOf(slaves);
    }

    public DevicePath path() {
        return DevicePath.ofKernelName(kernelName);
    }
}
