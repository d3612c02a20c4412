package io.brick.core.port;

import io.brick.core.model.DeviceLinks;
import io.brick.core.model.DevicePath;
import io.brick.core.time.Deadline;

import java.util.Collection;

/**
 * Flushes and removes SCSI block devices.
 */
public interface DeviceFlusher {
    /**
     * Flushes a block device's buffers ({@code blockdev --flushbufs}).
     *
     * @throws io.brick.core.error.FlushFailedException when the device could not be flushed
     */
    void flushBuffers(DevicePath device, Deadline deadline);

    /**
     * Removes SCSI devices by kernel name ({@code 1} into {@code device/delete}), all at once, and waits until every
     * {@code /sys/block/NAME} is gone. Names already gone count as removed.
     *
     * @throws io.brick.core.error.OperationTimeoutException when some are still there at the deadline (named in the evidence)
     */
    void removeDevices(Collection<String> kernelNames, Deadline deadline);

    /**
     * The {@code /dev/disk/by-id} links of these devices, read while they exist (before {@link #removeDevices}), for
     * {@link #removeStaleLinks} to remove after: what it costs does not grow with the links on the host. A device
     * that is not there, or whose links cannot be told, has none.
     */
    DeviceLinks linksOf(Collection<String> kernelNames);

    /**
     * Removes those of the links read before ({@link #linksOf}) that still point at their (removed) devices, as
     * os-brick does so the next connect does not read a stale WWID from them: a link of a device the kernel still
     * has, or one that now points at another device, is kept. Missing links are not an error; returns the names of
     * the links removed.
     */
    java.util.List<String> removeStaleLinks(DeviceLinks links);

    /** Makes the kernel re-read a device's size ({@code 1} into {@code device/rescan}). */
    void rescan(String kernelName);
}
