package io.brick.core.model;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * The {@code /dev/disk/by-id} link names of path devices, read while the devices still existed
 * ({@link io.brick.core.port.DeviceFlusher#linksOf}), so that their removal can delete only those links afterwards
 * instead of reading every link on the host ({@link io.brick.core.port.DeviceFlusher#removeStaleLinks}).
 *
 * @param links per kernel name ({@code sda}), in the order asked, the names of its links in {@code /dev/disk/by-id}
 *              ({@code scsi-36001405...}); a device whose links are unknown has an empty list
 */
public record DeviceLinks(Map<String, List<String>> links) {
    public DeviceLinks {
        requireNonNull(links, "links is null");
        Map<String, List<String>> copy = new LinkedHashMap<>();
        links.forEach((name, names) -> copy.put(requireNonNull(name, "a kernel name is null"), List.copyOf(names)));
        links = Collections.unmodifiableMap(copy);
    }

    /** Devices whose links are not known: a removal of their links removes none. */
    public static DeviceLinks unknown(Collection<String> kernelNames) {
        requireNonNull(kernelNames, "kernelNames is null");
        Map<String, List<String>> none = new LinkedHashMap<>();
        kernelNames.forEach(name -> none.put(name, List.of()));
        return new DeviceLinks(none);
    }

    /** The kernel names, in the order asked. */
    public List<String> kernelNames() {
        return List.copyOf(links.keySet());
    }

    /** The link names known for one device (none when it is not one of these). */
    public List<String> of(String kernelName) {
        return links.getOrDefault(kernelName, List.of());
    }
}
