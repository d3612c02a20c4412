package io.brick.fc;

import static java.util.Objects.requireNonNull;

/**
 * A Fibre Channel remote port seen by an HBA ({@code /sys/class/fc_remote_ports/rport-H:C-N}).
 *
 * @param name {@code rport-H:C-N}
 * @param hostNumber H
 * @param channel C
 * @param portName WWPN, 16 lower-case hex digits without {@code 0x}
 * @param nodeName WWNN, 16 lower-case hex digits without {@code 0x}
 * @param portState {@code Online}, {@code Blocked}, ...
 * @param scsiTargetId the SCSI target id, {@code -1} when the port is not a SCSI target
 */
public record FcRemotePort(String name, int hostNumber, int channel, String portName, String nodeName, String portState,
                           int scsiTargetId) {
    public FcRemotePort {
        requireNonNull(name, "name is null");
        requireNonNull(portName, "portName is null");
        requireNonNull(nodeName, "nodeName is null");
        requireNonNull(portState, "portState is null");
    }
}
