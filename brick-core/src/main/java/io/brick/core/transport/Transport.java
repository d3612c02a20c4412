package io.brick.core.transport;

import io.brick.core.model.BlockDevice;
import io.brick.core.model.ConnectionProperties;
import io.brick.core.model.DevicePath;
import io.brick.core.model.Protocol;
import io.brick.core.model.Wwid;
import io.brick.core.time.Deadline;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What differs between transports; everything else of an operation is brick-core's operation engine, the same for
 * every transport (one budget, the events, the locks, the wait for devices, the identity verdict, the multipath step,
 * the disconnect pipeline, extend). A vendor's transport implements this, registers it with
 * {@code TransportBinder.addTransport}, and passes the transport contract of brick-testkit.
 *
 * @param <V> the transport's own parsed volume
 */
public interface Transport<V extends TransportVolume> {
    /** The protocols this transport serves. */
    Set<Protocol> protocols();

    /**
     * Parses the connection properties into the transport's volume; runs nothing.
     *
     * @throws io.brick.core.error.InvalidInputException when they are not valid for this transport
     */
    V parse(ConnectionProperties properties);

    /**
     * Starts attaching the volume's paths (login, connect, targeted scan). Whatever it needs before the first path
     * (discovery, checking the host has an HBA) is done here, within the request's deadline; it may throw.
     */
    Attachment attach(V volume, AttachRequest request);

    /**
     * The volume's addresses on this host now, for a disconnect, a plan, an extend: from the properties alone (and
     * the WWID, when known: arrays that give one target per portal are found by it). No side effect; never discovers.
     */
    Located locate(V volume, Optional<Wwid> wwid);

    /** The links a volume's devices would have, without logging in or scanning (os-brick's {@code get_volume_paths}). */
    List<DevicePath> volumePaths(V volume);

    /**
     * The path a connect returns for one device when no map is used: its kernel path, or a link the transport's
     * callers expect (FC: the udev by-path link, waited for within {@code deadline}).
     */
    default DevicePath singlePath(V volume, BlockDevice device, Deadline deadline) {
        return device.path();
    }

    /**
     * How the volume's paths are gathered into one device: by dm-multipath (multipathd's map, as for SCSI), or by the
     * kernel itself (NVMe with {@code nvme_core.multipath=Y}: one namespace head over every controller).
     */
    default Multipathing multipathing() {
        return Multipathing.DM_MULTIPATH;
    }

    /** How a connect names a map it returns. */
    default MapNaming mapNaming() {
        return MapNaming.KERNEL_NAME;
    }

    /**
     * What the storage side needs to know about this host for this transport ({@code initiator}, {@code wwpns});
     * the engine adds {@code multipath} and {@code host}.
     */
    Map<String, Object> connectorProperties();

    /** Who gathers a volume's paths into one device. */
    enum Multipathing {
        /** dm-multipath: the engine waits for multipathd's map over the paths (nudging it) and returns the map. */
        DM_MULTIPATH,
        /**
         * The kernel: the paths are one device already (a namespace head); the engine asks nothing of multipathd and
         * returns the device the attachment reports.
         */
        NATIVE
    }

    /** How a connect names a multipath map in its result. */
    enum MapNaming {
        /** {@code /dev/dm-N}, as os-brick's iSCSI connector returns it. */
        KERNEL_NAME,
        /**
         * {@code /dev/disk/by-id/dm-uuid-mpath-<wwid>} when that link names the map, else {@code /dev/mapper/<name>}:
         * os-brick's FC connector's choice (its bug #1897787), a name that cannot come to name another device.
         */
        WWID_LINK
    }
}
