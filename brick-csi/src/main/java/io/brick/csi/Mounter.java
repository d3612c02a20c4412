package io.brick.csi;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The node's mount table and file-system tools, as brick-csi needs them: bind a device or a directory, mount and
 * unmount, say what a device holds, make a file system. A port, so the CSI services run on the simulated host with
 * {@link InMemoryMounter} and on a real node with {@link #commands} (mount, umount, blkid, mkfs through brick's
 * {@link io.brick.core.port.CommandRunner}).
 *
 * <p>Implementations are thread-safe. Paths are the node's own (the CO's target and staging paths, {@code /dev/...}).
 */
public interface Mounter {
    /** Whether something is mounted at {@code target} (the target itself is a mount point). */
    boolean isMounted(Path target);

    /**
     * The kernel name ({@code sdb}, {@code dm-0}) of the block device whose file system is mounted at {@code target};
     * empty when nothing is mounted there or what is mounted is not a block device the host shows (a tmpfs, a device
     * gone from sysfs). A stage compares it with the volume's device: a staging path still mounted from a device of
     * an earlier connect is a stale mount, never the volume's.
     */
    Optional<String> mountedDevice(Path target);

    /** Bind-mounts {@code source} (a device or a directory) onto {@code target}, read-only when asked. */
    void bind(String source, Path target, boolean readOnly);

    /** Mounts the file system {@code fsType} on {@code device} at {@code target} with the given options. */
    void mount(String device, Path target, String fsType, List<String> options);

    /** Unmounts {@code target}; nothing mounted there is an error (callers ask {@link #isMounted} first). */
    void unmount(Path target);

    /**
     * What the device holds, as blkid names it: a file system's type ({@code ext4}, {@code xfs}) or a partition
     * table's ({@code dos}, {@code gpt}, in {@link Content#partitionTable}); empty when it holds neither.
     */
    Optional<Content> content(String device);

    /** Makes a file system of {@code fsType} on the device; never called on a device that holds anything. */
    void format(String device, String fsType);

    /** Grows the file system {@code fsType} on {@code device}, mounted at {@code mountPoint}, to the device's size. */
    void resize(String device, String fsType, Path mountPoint);

    /** The usage of the file system mounted at {@code mountPoint}, as statfs reports it. */
    Usage usage(Path mountPoint);

    /**
     * A mounted file system's usage.
     *
     * @param totalBytes its size
     * @param availableBytes what an unprivileged writer may still use
     * @param usedBytes what is in use
     * @param totalInodes its inodes
     * @param freeInodes the inodes free
     */
    record Usage(long totalBytes, long availableBytes, long usedBytes, long totalInodes, long freeInodes) {
    }

    /**
     * What blkid found on a device.
     *
     * @param type the file system's or the partition table's type
     * @param partitionTable whether it is a partition table rather than a file system
     */
    record Content(String type, boolean partitionTable) {
        public Content {
            java.util.Objects.requireNonNull(type, "type is null");
        }
    }

    /** The real node's mounter: the tools run by brick's command runner, the mount table read from mountinfo. */
    static Mounter commands(io.brick.core.port.CommandRunner runner, Path mountInfo) {
        return new CommandMounter(runner, mountInfo, Path.of("/sys/dev/block"));
    }
}
