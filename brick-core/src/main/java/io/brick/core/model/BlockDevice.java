package io.brick.core.model;

import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * A path block device as sysfs shows it: kernel name ({@code sda}, {@code nvme0n1}), path address, WWID, size, state,
 * vendor/model, and the names of its holders ({@code dm-0}).
 *
 * @param name kernel name, e.g. {@code sda}
 * @param address where the path sits: a SCSI {@link Hctl}, or another kind ({@link NamespaceAddress})
 * @param wwid udev-form WWID from {@code device/wwid} (or {@code vpd_pg83}); empty when the kernel has none
 * @param sizeBytes size in bytes ({@code size} is in 512-byte sectors)
 * @param state the SCSI device state
 * @param vendor the vendor string, stripped
 * @param model the model string, stripped
 * @param holders kernel names of the devices holding this one, sorted
 */
public record BlockDevice(String name, PathAddress address, Optional<Wwid> wwid, long sizeBytes, DeviceState state,
                          String vendor, String model, List<String> holders) {
    public BlockDevice {
        requireNonNull(name, "name is null");
        requireNonNull(address, "address is null");
        requireNonNull(wwid, "wwid is null");
        requireNonNull(state, "state is null");
        requireNonNull(vendor, "vendor is null");
        requireNonNull(model, "model is null");
        holders = List.copyOf(holders);
    }

    /** Whether the path is a SCSI device (its address an {@link Hctl}). */
    public boolean scsi() {
        return address instanceof Hctl;
    }

    /**
     * The SCSI address, for the code of a SCSI transport.
     *
     * @throws IllegalStateException for a device of another kind (see {@link #address()})
     */
    public Hctl hctl() {
        if (address instanceof Hctl hctl) {
            return hctl;
        }
        throw new IllegalStateException(name + " is not a SCSI device: its address is " + address.kind() + " "
                + address);
    }

    /** The kernel's path of the device ({@code /dev/sda}). */
    public DevicePath path() {
        return DevicePath.ofKernelName(name);
    }
}
