package io.brick.core.port;

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
     * Removes the links in {@code /dev/disk/by-id} that still point at these (removed) devices, as os-brick does so
     * the next connect does not read a stale WWID from them. Missing links are not an error; returns the names of the
     * links removed.
     */
    java.util.List<String> removeStaleLinks(Collection<String> kernelNames);

    /** Makes the kernel re-read a device's size ({@code 1} into {@code device/rescan}). */
    void rescan(String kernelName);
}
