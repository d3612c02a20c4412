package io.brick.core.transport;

import io.brick.core.model.BlockDevice;

import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * A device an attachment found at one of the volume's addresses; the engine judges whether it is the volume's.
 *
 * @param device the device as sysfs shows it now
 * @param fresh whether it appeared during this connect (a device that was there before may be a stale device of a
 *              reused address, and alone establishes the volume's identity only once the attachment is settled)
 * @param details what the transport says about where it was found, for the {@code DEVICE_FOUND} event
 *                ({@code portal}, {@code target}, {@code host})
 */
public record Candidate(BlockDevice device, boolean fresh, Map<String, String> details) {
    public Candidate {
        requireNonNull(device, "device is null");
        details = Map.copyOf(details);
    }
}
