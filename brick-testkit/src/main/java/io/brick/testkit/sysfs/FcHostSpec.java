package io.brick.testkit.sysfs;

import static java.util.Objects.requireNonNull;

/**
 * What {@link FakeSysfs#fcHost} writes for one Fibre Channel HBA port: where it sits on the PCI bus, its WWPN and
 * WWNN ({@code fc_host/hostN/port_name}, {@code node_name}, written {@code 0x} + 16 hex digits) and its state.
 */
public final class FcHostSpec {
    String pciPath;
    String portName = "0x500143802426baf4";
    String nodeName = "0x500143802426baf5";
    String portState = "Online";
    String driver = "qla2xxx";
    String speed = "16 Gbit";
    String fabricName = "0x100000051ee8e329";

    FcHostSpec() {
    }

    /**
     * The HBA's device path under {@code /sys/devices}, e.g. {@code pci0000:00/0000:00:03.0/0000:05:00.2} (the
     * last element is the PCI address in the {@code /dev/disk/by-path/pci-...-fc-...} names).
     */
    public FcHostSpec pciPath(String value) {
        this.pciPath = requireNonNull(value, "value is null");
        return this;
    }

    /** The port's WWPN; 16 hex digits, with or without {@code 0x}. */
    public FcHostSpec portName(String wwpn) {
        this.portName = FakeSysfs.wwn(wwpn);
        return this;
    }

    /** The node's WWNN; 16 hex digits, with or without {@code 0x}. */
    public FcHostSpec nodeName(String wwnn) {
        this.nodeName = FakeSysfs.wwn(wwnn);
        return this;
    }

    /** {@code Online}, {@code Linkdown}, {@code Offline}, ... */
    public FcHostSpec portState(String value) {
        this.portState = requireNonNull(value, "value is null");
        return this;
    }

    /** The driver ({@code scsi_host/hostN/proc_name}): {@code qla2xxx}, {@code lpfc}, ... */
    public FcHostSpec driver(String value) {
        this.driver = requireNonNull(value, "value is null");
        return this;
    }

    /** The link speed ({@code speed}). */
    public FcHostSpec speed(String value) {
        this.speed = requireNonNull(value, "value is null");
        return this;
    }

    /** The fabric's name ({@code fabric_name}); 16 hex digits, with or without {@code 0x}. */
    public FcHostSpec fabricName(String wwn) {
        this.fabricName = FakeSysfs.wwn(wwn);
        return this;
    }
}
