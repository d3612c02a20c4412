package io.brick.fc;

import io.brick.core.model.ScsiTarget;

import static java.util.Objects.requireNonNull;

/**
 * A SCSI target of a Fibre Channel HBA as the FC transport lists it ({@code /sys/class/fc_transport/targetH:C:T}).
 * The kernel lists a target there only once it has a LUN on this host; a remote port without LUNs yet is found in
 * {@code fc_remote_ports} instead ({@link FcRemotePort}).
 *
 * @param target the SCSI target {@code H:C:T}
 * @param portName the remote port's WWPN, 16 lower-case hex digits without {@code 0x}
 * @param nodeName the remote node's WWNN, 16 lower-case hex digits without {@code 0x}
 */
public record FcTransportTarget(ScsiTarget target, String portName, String nodeName) {
    public FcTransportTarget {
        requireNonNull(target, "target is null");
        requireNonNull(portName, "portName is null");
        requireNonNull(nodeName, "nodeName is null");
    }
}
