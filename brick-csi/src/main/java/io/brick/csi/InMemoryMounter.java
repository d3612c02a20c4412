package io.brick.csi;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * A {@link Mounter} that keeps the mount table and the devices' contents in memory: what brick-csi's tests (and a
 * vendor's) run the CSI services with on the simulated host, where nothing can really be mounted. It behaves as the
 * real tools do where brick-csi depends on it: mounting over a mount point or unmounting what is not mounted fails,
 * {@link #format} refuses a device that holds something, and a mount records its source, type and options for the
 * test to look at.
 *
 * <p>Thread-safe.
 */
public final class InMemoryMounter implements Mounter {
    private final Map<Path, Mount> mounts = new LinkedHashMap<>();
    private final Map<String, Content> contents = new HashMap<>();
    private final List<String> formatted = new ArrayList<>();
    private final List<String> resized = new ArrayList<>();
    private final Map<Path, Usage> usages = new HashMap<>();

    /**
     * One mount.
     *
     * @param source the device or directory mounted
     * @param fsType the file system's type; {@code bind} for a bind mount
     * @param options the mount options
     * @param readOnly whether it is mounted read-only
     */
    public record Mount(String source, String fsType, List<String> options, boolean readOnly) {
        public Mount {
            requireNonNull(source, "source is null");
            requireNonNull(fsType, "fsType is null");
            options = List.copyOf(options);
        }
    }

    /** A device that holds this content already (a file system made elsewhere, a partition table). */
    public synchronized InMemoryMounter holds(String device, Content content) {
        contents.put(requireNonNull(device, "device is null"), requireNonNull(content, "content is null"));
        return this;
    }

    /**
     * Forgets every device's content and the devices formatted (a test sharing one mounter between scenarios, where
     * the simulated host reuses device names once volumes are gone).
     *
     * @throws IllegalStateException when something is still mounted
     */
    public synchronized void reset() {
        if (!mounts.isEmpty()) {
            throw new IllegalStateException("still mounted: " + mounts.keySet());
        }
        contents.clear();
        formatted.clear();
        resized.clear();
        usages.clear();
    }

    /** The usage {@link #usage} reports for the file system mounted there. */
    public synchronized InMemoryMounter usage(Path mountPoint, Usage usage) {
        usages.put(key(mountPoint), requireNonNull(usage, "usage is null"));
        return this;
    }

    /** The devices {@link #resize} grew, in order. */
    public synchronized List<String> resized() {
        return List.copyOf(resized);
    }

    /** What is mounted at {@code target}, if anything. */
    public synchronized Optional<Mount> mountAt(Path target) {
        return Optional.ofNullable(mounts.get(key(target)));
    }

    /** Every mount, in the order made. */
    public synchronized Map<Path, Mount> mounts() {
        return Map.copyOf(mounts);
    }

    /** The devices {@link #format} made a file system on, in order. */
    public synchronized List<String> formatted() {
        return List.copyOf(formatted);
    }

    @Override
    public synchronized boolean isMounted(Path target) {
        return mounts.containsKey(key(target));
    }

    /** A device mount's source's last name ({@code /dev/dm-0} → {@code dm-0}); empty for a bind mount. */
    @Override
    public synchronized Optional<String> mountedDevice(Path target) {
        Mount mount = mounts.get(key(target));
        if (mount == null || mount.fsType().equals("bind") || !mount.source().startsWith("/dev/")) {
            return Optional.empty();
        }
        return Optional.of(mount.source().substring(mount.source().lastIndexOf('/') + 1));
    }

    @Override
    public synchronized void bind(String source, Path target, boolean readOnly) {
        add(target, new Mount(source, "bind", List.of(), readOnly));
    }

    @Override
    public synchronized void mount(String device, Path target, String fsType, List<String> options) {
        Content content = contents.get(device);
        if (content == null || content.partitionTable()) {
            throw new IllegalStateException("mount: " + device + " holds no file system");
        }
        if (!content.type().equals(fsType)) {
            throw new IllegalStateException("mount: " + device + " holds " + content.type() + ", not " + fsType);
        }
        add(target, new Mount(device, fsType, options, options.contains("ro")));
    }

    @Override
    public synchronized void unmount(Path target) {
        if (mounts.remove(key(target)) == null) {
            throw new IllegalStateException("umount: " + target + ": not mounted");
        }
    }

    @Override
    public synchronized Optional<Content> content(String device) {
        return Optional.ofNullable(contents.get(requireNonNull(device, "device is null")));
    }

    @Override
    public synchronized void format(String device, String fsType) {
        if (contents.containsKey(device)) {
            throw new IllegalStateException("mkfs." + fsType + ": " + device + " already holds " + contents.get(device).type());
        }
        contents.put(device, new Content(fsType, false));
        formatted.add(device);
    }

    @Override
    public synchronized void resize(String device, String fsType, Path mountPoint) {
        Mount mount = mounts.get(key(mountPoint));
        if (mount == null || !mount.source().equals(device) || !mount.fsType().equals(fsType)) {
            throw new IllegalStateException("resize: " + device + " (" + fsType + ") is not mounted at " + mountPoint);
        }
        resized.add(device);
    }

    /** The usage given with {@link #usage(Path, Usage)}; an empty file system of 1 GiB when none was. */
    @Override
    public synchronized Usage usage(Path mountPoint) {
        if (!mounts.containsKey(key(mountPoint))) {
            throw new IllegalStateException("statfs: nothing is mounted at " + mountPoint);
        }
        return usages.getOrDefault(key(mountPoint), new Usage(1L << 30, 1L << 30, 0, 65_536, 65_536));
    }

    private void add(Path target, Mount mount) {
        Path key = key(target);
        if (mounts.containsKey(key)) {
            // the real mount stacks a second mount; brick-csi must never ask for one
            throw new IllegalStateException("mount: " + target + " is a mount point already");
        }
        mounts.put(key, mount);
    }

    private static Path key(Path target) {
        return requireNonNull(target, "target is null").toAbsolutePath().normalize();
    }
}
