package io.brick.testkit.host;

import java.time.Duration;

import static java.util.Objects.requireNonNull;

/**
 * Unflushed writes were thrown away: a device or map holding them was removed, or a dirty map lost its last path.
 *
 * @param at simulated time since the host was built
 * @param device the kernel name of the device or map ({@code sdb}, {@code dm-0})
 * @param wwid its WWID
 * @param cause what removed it ({@code "delete write"}, {@code "logout"}, {@code "dmsetup remove --force"}, ...)
 * @param forced whether it came through a forcing command ({@code dmsetup remove --force}, removal of a map after
 *               its flush failed, a flush after queueing was disabled), as a disconnect with {@code force} does
 */
public record DataLossEvent(Duration at, String device, String wwid, String cause, boolean forced) {
    public DataLossEvent {
        requireNonNull(at, "at is null");
        requireNonNull(device, "device is null");
        requireNonNull(wwid, "wwid is null");
        requireNonNull(cause, "cause is null");
    }
}
