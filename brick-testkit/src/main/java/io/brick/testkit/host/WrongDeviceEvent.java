package io.brick.testkit.host;

import java.time.Duration;

import static java.util.Objects.requireNonNull;

/**
 * A destructive command or sysfs write aimed at a device that is not the volume's: its WWID is not one the test
 * declared with {@link Oracle#operatingOn}, or it is a stale device (its LUN now holds another volume).
 *
 * @param at simulated time since the host was built
 * @param device the kernel name of the device or map
 * @param wwid the WWID the device has
 * @param action what was done ({@code "delete"}, {@code "multipath -f"}, {@code "rescan"}, ...)
 * @param reason why it is the wrong device
 */
public record WrongDeviceEvent(Duration at, String device, String wwid, String action, String reason) {
    public WrongDeviceEvent {
        requireNonNull(at, "at is null");
        requireNonNull(device, "device is null");
        requireNonNull(wwid, "wwid is null");
        requireNonNull(action, "action is null");
        requireNonNull(reason, "reason is null");
    }
}
