package io.brick.core.model;

import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * A SCSI block device as sysfs shows it: kernel name ({@code sda}), SCSI address, WWID, size, state,
 * vendor/model, and the names of its holders ({@code dm-0}).
 *
 * @param name kernel name, e.g. {@code sda}
 * @param hctl the SCSI address of the device
 * @param wwid udev-form WWID from {@code device/wwid} (or {@code vpd_pg83}); empty when the kernel has none
 * @param sizeBytes size in bytes ({@code size} is in 512-byte sectors)
 * @param state the SCSI device state
 * @param vendor the vendor string, stripped
 * @param model the model string, stripped
 * @param holders kernel names of the devices holding this one, sorted
 */
public record BlockDevice(String name, Hctl hctl, Optional<Wwid> wwid, long sizeBytes, DeviceState state,
                          String vendor, String model, List<String> holders) {
    public BlockDevice {
        requireNonNull(name, "name is null");
        requireNonNull(hctl, "hctl is null");
        requireNonNull(wwid, "wwid is null");
        requireNonNull(state, "state is null");
        requireNonNull(vendor, "vendor is null");
        requireNonNull(model, "model is null");
        holders = List.copyOf(holders);
    }

    public DevicePath path() {
        return DevicePath.ofKernelName(name);
    }
}
