package io.brick.testkit.sysfs;

import static java.util.Objects.requireNonNull;

/**
 * What {@link FakeSysfs#fcRemotePort} writes for one remote port an HBA sees ({@code fc_remote_ports/rport-H:C-N})
 * and for its SCSI target ({@code fc_transport/targetH:C:T}): WWPN, WWNN, state and SCSI target id.
 */
public final class FcRemotePortSpec {
    String portName = "0x500a098188f8a5b1";
    String nodeName = "0x500a098088f8a5b1";
    String portState = "Online";
    String portId = "0x010200";
    String roles = "FCP Target";
    int scsiTargetId;
    int devLossTmo = 60;
    String fastIoFailTmo = "5";

    FcRemotePortSpec() {
    }

    /** The remote port's WWPN; 16 hex digits, with or without {@code 0x}. */
    public FcRemotePortSpec portName(String wwpn) {
        this.portName = FakeSysfs.wwn(wwpn);
        return this;
    }

    /** The remote node's WWNN; 16 hex digits, with or without {@code 0x}. */
    public FcRemotePortSpec nodeName(String wwnn) {
        this.nodeName = FakeSysfs.wwn(wwnn);
        return this;
    }

    /** {@code Online}, {@code Blocked}, {@code Not Present}, ... */
    public FcRemotePortSpec portState(String value) {
        this.portState = requireNonNull(value, "value is null");
        return this;
    }

    /** The FC address ({@code port_id}), e.g. {@code 0x010200}. */
    public FcRemotePortSpec portId(String value) {
        this.portId = requireNonNull(value, "value is null");
        return this;
    }

    /** {@code FCP Target}, {@code FCP Initiator}, ... */
    public FcRemotePortSpec roles(String value) {
        this.roles = requireNonNull(value, "value is null");
        return this;
    }

    /** The SCSI target id T of its LUNs' H:C:T:L; {@code -1} for a port that is no SCSI target (no target directory). */
    public FcRemotePortSpec scsiTargetId(int value) {
        this.scsiTargetId = value;
        return this;
    }

    /** {@code dev_loss_tmo} in seconds. */
    public FcRemotePortSpec devLossTmo(int seconds) {
        this.devLossTmo = seconds;
        return this;
    }

    /** {@code fast_io_fail_tmo}: seconds or {@code off}. */
    public FcRemotePortSpec fastIoFailTmo(String value) {
        this.fastIoFailTmo = requireNonNull(value, "value is null");
        return this;
    }
}
