package io.brick.core.transport;

import io.brick.core.model.BlockDevice;
import io.brick.core.model.DevicePath;
import io.brick.core.volume.TransportCleanup;
import io.brick.core.volume.VolumeDevices;

import java.util.List;
import java.util.Optional;

/**
 * A volume's addresses on this host, as its transport knows them (the LUN in every session to its targets, the LUN
 * behind every remote port of its WWPNs, a namespace of its subsystem): what a disconnect, an extend and a failed
 * connect's cleanup work on. Finding it has no side effect: no command, no scan, no write.
 */
public interface Located {
    /**
     * The locks (threads and processes) the engine holds while it decides on and changes these addresses' devices,
     * one per target the transport serialises on ({@code iscsi-<portal>-<iqn>}, {@code fc-<wwpn>-<lun>}). The engine
     * takes them in sorted order.
     */
    List<String> lockKeys();

    /** The devices at the addresses now, in any order (read again at each call; never scanned). */
    List<BlockDevice> devices();

    /**
     * The transport's last step of a disconnect of these devices, after they are gone (iSCSI: log out of sessions no
     * other LUN uses), decided on the host's state when it runs.
     *
     * @param devices what the engine judged to be the volume's (its paths, by name and address)
     */
    TransportCleanup cleanup(VolumeDevices devices);

    /**
     * The device a link the caller was given names, when brick-core cannot resolve it itself (FC returns a by-path
     * link, which names one path). Empty when the transport has no such link or the link is gone.
     */
    default Optional<BlockDevice> deviceOf(DevicePath link) {
        return Optional.empty();
    }
}
