package io.brick.core.port;

import io.brick.core.model.BlockDevice;
import io.brick.core.model.DevicePath;
import io.brick.core.model.Hctl;
import io.brick.core.model.KernelNames;
import io.brick.core.model.MultipathMap;
import io.brick.core.model.Topology;
import io.brick.core.model.Wwid;

import java.util.List;
import java.util.Optional;

/**
 * A read-only view of the host's storage state, answered from the kernel's own view (sysfs), never from a tool.
 *
 * <p>It answers only what every transport shares (block devices, WWIDs, holders, dm maps, links); a transport reads
 * its own kernel objects (sessions, HBAs, controllers) through {@link SysfsAccess}.
 *
 * <p>Lookups are targeted: each follows the direct path for its question (a device's address, holders; a map's
 * slaves) and never walks every device of the host, so their cost does not grow
 * with the number of LUNs. Only {@link #topology()} and the whole-host listings read everything. A device or map
 * that disappears while it is read is reported as absent, not as an error.
 */
public interface TopologyProvider {
    /** The block device at a SCSI address, if there is one. */
    Optional<BlockDevice> deviceAt(Hctl hctl);

    /** A block device by kernel name ({@code sda}); empty for unknown names and for non-SCSI devices. */
    Optional<BlockDevice> device(String kernelName);

    /** A device's WWID in udev form ({@code device/wwid}, {@code vpd_pg83} as fallback). */
    Optional<Wwid> wwid(String kernelName);

    /**
     * The multipath map holding a device, if any: {@link #holders} and, for each holder in order, {@link
     * #holderMap(String, String)}, the first that is a multipath map listing the device.
     */
    default Optional<MultipathMap> holderMap(String kernelName) {
        // two steps, so that a path without holders costs one listing and no map is read but the one asked for
        for (String holder : holders(kernelName)) {
            Optional<MultipathMap> map = holderMap(kernelName, holder);
            if (map.isPresent()) {
                return map;
            }
        }
        return Optional.empty();
    }

    /**
     * The device-mapper devices holding a device ({@code dm-N}, from its {@code holders/}), sorted in
     * {@link KernelNames#ORDER}: names only, without reading any of them (one directory listing in
     * sysfs). Whether one is a multipath map of the device is {@link #holderMap(String, String)}'s question, asked
     * only where a caller needs the map.
     */
    default List<String> holders(String kernelName) {
        return device(kernelName).map(BlockDevice::holders).orElse(List.of()).stream()
                .filter(KernelNames::isDeviceMapper).sorted(KernelNames.ORDER).toList();
    }

    /**
     * The multipath map {@code holder} (a name {@link #holders} gave for {@code kernelName}), if it is a multipath map
     * and lists {@code kernelName} among its slaves (the other half of the link the kernel makes).
     */
    default Optional<MultipathMap> holderMap(String kernelName, String holder) {
        return multipathMap(holder).filter(map -> map.wwid().isPresent() && map.slaves().contains(kernelName));
    }

    /** A device-mapper device by kernel name ({@code dm-0}). */
    Optional<MultipathMap> multipathMap(String kernelName);

    /** The multipath map of a WWID, found through its {@code /dev/disk/by-id/dm-uuid-mpath-<wwid>} link. */
    Optional<MultipathMap> multipathMapByWwid(Wwid wwid);

    /** Every multipath map, sorted by kernel name. */
    List<MultipathMap> multipathMaps();

    /** Whether the kernel still has this block device ({@code /sys/block/NAME}). */
    boolean blockDeviceExists(String kernelName);

    /** Names of the links in {@code /dev/disk/by-id} that resolve to this device, sorted. */
    List<String> diskByIdLinks(String kernelName);

    /**
     * The kernel name of the device a {@code /dev} link resolves to ({@code /dev/disk/by-path/pci-...-lun-1} →
     * {@code sdc}), if the link exists and resolves to a device directly under {@code /dev}. Providers that do not
     * read {@code /dev} answer empty.
     */
    default Optional<String> resolveDevLink(DevicePath link) {
        return Optional.empty();
    }

    /** Everything at once. */
    Topology topology();
}
