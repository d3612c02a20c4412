package io.brick.core.volume;

import io.brick.core.model.AttachedVolume;
import io.brick.core.model.BlockDevice;
import io.brick.core.model.DevicePath;
import io.brick.core.port.TopologyProvider;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * Which single path devices must be flushed before removal when a volume has no multipath map: os-brick's
 * {@code requires_flush}, decided without reading a link (brick-core has no file access).
 *
 * <ul>
 *   <li>No connect result: nothing (os-brick: no {@code path_used}, no flush).</li>
 *   <li>{@code /dev/sdX} (a kernel name): that path, if it is one of the volume's; otherwise nothing (another
 *   device directly under {@code /dev}).</li>
 *   <li>A {@code /dev/disk/by-id} link that resolves to one of the paths ({@link TopologyProvider#resolveDevLink};
 *   for a provider that does not resolve links, one that {@link TopologyProvider#diskByIdLinks} lists for a path):
 *   that path.</li>
 *   <li>A multipath path ({@code /dev/dm-N}, a name holding {@code mpath}, {@code /dev/mapper/<the volume's WWID>}, or
 *   a connect result with a {@code multipath_id}): nothing, the map is gone (os-brick's {@code was_multipath}).</li>
 *   <li>Any other path is a link over the device (a {@code by-path} link, a {@code /dev/mapper/crypt-...} device over a
 *   single path, an unresolved {@code by-id} link): it cannot be resolved here, so every path is flushed
 *   (conservative: a flush too many costs time, a flush too few loses data).</li>
 * </ul>
 */
final class UsedPath {
    private static final Pattern KERNEL_DEVICE = Pattern.compile("/dev/[^/]+");
    private static final Pattern DM_DEVICE = Pattern.compile("/dev/dm-[0-9]+");
    private static final String BY_ID = "/dev/disk/by-id/";
    private static final String MAPPER = "/dev/mapper/";

    /**
     * The decision.
     *
     * @param flush the paths to flush
     * @param reason why, for the plan and the logs
     */
    record Decision(List<BlockDevice> flush, String reason) {
        Decision {
            flush = List.copyOf(flush);
            requireNonNull(reason, "reason is null");
        }
    }

    private UsedPath() {
    }

    static Decision decide(VolumeDevices volume, Optional<AttachedVolume> attached, TopologyProvider topology) {
        if (attached.isEmpty()) {
            return new Decision(List.of(), "no connect result: the used path is unknown, nothing is flushed");
        }
        if (volume.paths().isEmpty()) {
            return new Decision(List.of(), "no path device left");
        }
        DevicePath used = attached.get().path();
        String path = used.path();
        for (BlockDevice device : volume.paths()) {
            if (device.path().equals(used)) {
                return new Decision(List.of(device), path + " is the path used");
            }
        }
        if (path.startsWith(BY_ID)) {
            String link = used.name();
            // the link's own target first: one lookup, where listing every device's links walks all of by-id
            Optional<String> target = path.equals(BY_ID + link) ? topology.resolveDevLink(used) : Optional.empty();
            if (target.isPresent()) {
                for (BlockDevice device : volume.paths()) {
                    if (device.name().equals(target.get())) {
                        return new Decision(List.of(device), path + " resolves to " + device.name());
                    }
                }
            }
            for (BlockDevice device : target.isPresent() ? List.<BlockDevice>of() : volume.paths()) {
                if (topology.diskByIdLinks(device.name()).contains(link)) {
                    return new Decision(List.of(device), path + " resolves to " + device.name());
                }
            }
        }
        if (wasMultipath(volume, attached.get())) {
            return new Decision(List.of(), path + " was a multipath map, which is gone: no single path to flush");
        }
        if (KERNEL_DEVICE.matcher(path).matches()) {
            return new Decision(List.of(), path + " is not one of the volume's paths");
        }
        return new Decision(volume.paths(), path + " is a link over the device that cannot be resolved here: every path "
                + "is flushed");
    }

    /**
     * The path to flush after the volume's map: the one path device the caller used directly ({@code attached.path()}
     * is exactly that device), whose own buffers a map flush does not write; none otherwise.
     */
    static Decision underMap(VolumeDevices volume, Optional<AttachedVolume> attached) {
        if (attached.isPresent() && !attached.get().multipath()) {
            for (BlockDevice device : volume.paths()) {
                if (device.path().equals(attached.get().path())) {
                    return new Decision(List.of(device), device.path().path()
                            + " is the path used directly, under the map: its own buffers are flushed too");
                }
            }
        }
        return new Decision(List.of(), "the map was used, or no path of it");
    }

    private static boolean wasMultipath(VolumeDevices volume, AttachedVolume attached) {
        String path = attached.path().path();
        if (attached.multipath() || DM_DEVICE.matcher(path).matches()
                || path.toLowerCase(Locale.ROOT).contains("mpath")) {
            return true;
        }
        return volume.wwid().isPresent() && path.equals(MAPPER + volume.wwid().get().value());
    }
}
