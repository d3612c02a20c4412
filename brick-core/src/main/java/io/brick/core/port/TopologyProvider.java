package io.brick.core.port;

import io.brick.core.model.BlockDevice;
import io.brick.core.model.FcHost;
import io.brick.core.model.DevicePath;
import io.brick.core.model.FcRemotePort;
import io.brick.core.model.FcTransportTarget;
import io.brick.core.model.Hctl;
import io.brick.core.model.Iqn;
import io.brick.core.model.IscsiSession;
import io.brick.core.model.Lun;
import io.brick.core.model.MultipathMap;
import io.brick.core.model.ScsiTarget;
import io.brick.core.model.Topology;
import io.brick.core.model.Wwid;

import java.util.List;
import java.util.Optional;

/**
 * A read-only view of the host's storage state, answered from the kernel's own view (sysfs), never from a tool.
 *
 * <p>Lookups are targeted: each follows the direct path for its question (a session's own directory, its target,
 * the LUN; a device's holders; a map's slaves) and never walks every device of the host, so their cost does not grow
 * with the number of LUNs. Only {@link #topology()} and the whole-host listings read everything. A device or map
 * that disappears while it is read is reported as absent, not as an error.
 */
public interface TopologyProvider {
    /** All iSCSI sessions, sorted by id. */
    List<IscsiSession> iscsiSessions();

    /**
     * The sessions to one target ({@link Iqn#matches}: IQNs compare case-insensitively), logged in or not, sorted by
     * id. The same sessions as {@link #iscsiSessions()} filtered by target name; a provider can answer it without
     * reading every session in full (sysfs reads each session's target name, then only the matching sessions).
     */
    default List<IscsiSession> iscsiSessions(Iqn target) {
        java.util.Objects.requireNonNull(target, "target is null");
        return iscsiSessions().stream().filter(session -> session.targetName().matches(target)).toList();
    }

    /** The session {@code sessionN}, if it exists. */
    Optional<IscsiSession> iscsiSession(int sessionId);

    /** The session's SCSI target ({@code targetH:C:T}), once the kernel has created it (after the first LUN scan). */
    Optional<ScsiTarget> sessionTarget(int sessionId);

    /** The block device of one LUN of one session, if the kernel has it. */
    Optional<BlockDevice> sessionDevice(int sessionId, Lun lun);

    /** Every block device of one session, sorted by H:C:T:L. */
    List<BlockDevice> sessionDevices(int sessionId);

    /** The block device at a SCSI address, if there is one. */
    Optional<BlockDevice> deviceAt(Hctl hctl);

    /** A block device by kernel name ({@code sda}); empty for unknown names and for non-SCSI devices. */
    Optional<BlockDevice> device(String kernelName);

    /** A device's WWID in udev form ({@code device/wwid}, {@code vpd_pg83} as fallback). */
    Optional<Wwid> wwid(String kernelName);

    /** The multipath map holding a device, if any. */
    Optional<MultipathMap> holderMap(String kernelName);

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

    /** All Fibre Channel HBAs, sorted by host number. */
    List<FcHost> fcHosts();

    /** The remote ports one HBA sees, sorted by name. */
    List<FcRemotePort> fcRemotePorts(int hostNumber);

    /**
     * The SCSI targets of one HBA as {@code /sys/class/fc_transport/targetH:C:T} lists them (only targets that have a
     * LUN on this host), sorted by channel and target. Providers that do not read {@code fc_transport} answer with an
     * empty list; a Fibre Channel connector then finds the targets through {@link #fcRemotePorts(int)}.
     */
    default List<FcTransportTarget> fcTransportTargets(int hostNumber) {
        return List.of();
    }

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
