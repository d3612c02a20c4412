package io.brick.testkit.sysfs;

import io.brick.core.model.DeviceState;

import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * What {@link FakeSysfs#scsiDevice} writes for one SCSI disk: its identity (WWID, serial, vendor, model), size and
 * state. Defaults are a Linux-IO (LIO) target's disk: vendor {@code LIO-ORG}, model {@code lun<L>}, revision
 * {@code 4.0}, 1 GiB, {@code running}. The WWID has no default; set it with {@link #wwid(String)}.
 */
public final class ScsiDeviceSpec {
    String wwid;
    Optional<String> sysfsWwid = Optional.empty();
    Optional<String> serial = Optional.empty();
    String vendor = "LIO-ORG";
    Optional<String> model = Optional.empty();
    String rev = "4.0";
    long sizeBytes = 1L << 30;
    DeviceState state = DeviceState.RUNNING;
    int queueDepth = 32;
    boolean readOnly;

    ScsiDeviceSpec() {
    }

    /**
     * The WWID in udev form ({@code 36001405...}: {@code 3} NAA, {@code 2} EUI-64, {@code 1} T10 vendor id). The
     * kernel's {@code device/wwid} is derived from it ({@code naa.6001405...}), as are the NAA designator in
     * {@code vpd_pg83} and the {@code /dev/disk/by-id/scsi-}/{@code wwn-} links.
     */
    public ScsiDeviceSpec wwid(String udevWwid) {
        requireNonNull(udevWwid, "udevWwid is null");
        if (udevWwid.length() < 2) {
            throw new IllegalArgumentException("not a udev WWID: '" + udevWwid + "'");
        }
        this.wwid = udevWwid;
        return this;
    }

    /** Overrides the text of {@code device/wwid} (e.g. a {@code t10.} name), which {@link #wwid} derives otherwise. */
    public ScsiDeviceSpec sysfsWwid(String text) {
        this.sysfsWwid = Optional.of(requireNonNull(text, "text is null"));
        return this;
    }

    /**
     * The unit serial number ({@code vpd_pg80}, the T10 designator, {@code scsi-S...}). By default LIO's: for a WWID
     * {@code 36001405} + 25 hex digits, those digits and {@code 0000001} as a UUID
     * ({@code 3b8c2d61-19a4-14f0-b8e2-75d1c0000001}); otherwise the WWID without its type digit.
     */
    public ScsiDeviceSpec serial(String value) {
        this.serial = Optional.of(requireNonNull(value, "value is null"));
        return this;
    }

    /** The vendor ({@code vendor}, written padded to 8 characters). */
    public ScsiDeviceSpec vendor(String value) {
        this.vendor = requireNonNull(value, "value is null");
        return this;
    }

    /** The model ({@code model}, written padded to 16 characters); {@code lun<L>} by default, as LIO names backstores here. */
    public ScsiDeviceSpec model(String value) {
        this.model = Optional.of(requireNonNull(value, "value is null"));
        return this;
    }

    /** The revision ({@code rev}, padded to 4 characters). */
    public ScsiDeviceSpec rev(String value) {
        this.rev = requireNonNull(value, "value is null");
        return this;
    }

    /** The size in bytes; {@code block/sdX/size} holds it in 512-byte sectors. */
    public ScsiDeviceSpec sizeBytes(long bytes) {
        if (bytes < 0 || bytes % 512 != 0) {
            throw new IllegalArgumentException("a disk's size is a multiple of 512 bytes: " + bytes);
        }
        this.sizeBytes = bytes;
        return this;
    }

    /** The SCSI device state ({@code device/state}). */
    public ScsiDeviceSpec state(DeviceState value) {
        this.state = requireNonNull(value, "value is null");
        return this;
    }

    /** The device's {@code queue_depth}. */
    public ScsiDeviceSpec queueDepth(int value) {
        this.queueDepth = value;
        return this;
    }

    /** Whether the block device is read-only ({@code ro}). */
    public ScsiDeviceSpec readOnly(boolean value) {
        this.readOnly = value;
        return this;
    }
}
