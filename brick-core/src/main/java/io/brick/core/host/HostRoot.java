package io.brick.core.host;

import static java.util.Objects.requireNonNull;

/**
 * Where the host's {@code /sys}, {@code /dev}, {@code /etc} and {@code /run} are, as absolute path strings: {@code /} in
 * production, a temporary directory or a recorded snapshot in tests and with {@code brick --root DIR}, and
 * {@code /host} when brick runs in a container beside the host's file systems. Every adapter that reads the host
 * resolves its paths against this; nothing else names {@code /sys} or {@code /dev}.
 *
 * @param sys the directory that stands for {@code /sys}
 * @param dev the directory that stands for {@code /dev}
 * @param etc the directory that stands for {@code /etc}
 * @param run the directory that stands for {@code /run} (udev's database, {@code /run/udev/data})
 */
public record HostRoot(String sys, String dev, String etc, String run) {
    public HostRoot {
        requireNonNull(sys, "sys is null");
        requireNonNull(dev, "dev is null");
        requireNonNull(etc, "etc is null");
        requireNonNull(run, "run is null");
        for (String dir : new String[] {sys, dev, etc, run}) {
            if (!dir.startsWith("/")) {
                throw new IllegalArgumentException("host root directories are absolute: " + dir);
            }
        }
    }

    /** The running host itself: {@code /sys}, {@code /dev}, {@code /etc}, {@code /run}. */
    public static HostRoot system() {
        return new HostRoot("/sys", "/dev", "/etc", "/run");
    }

    /**
     * A host whose root file system is mounted at {@code root}: {@code root/sys}, {@code root/dev}, {@code root/etc},
     * {@code root/run}.
     */
    public static HostRoot under(String root) {
        String base = root.endsWith("/") ? root.substring(0, root.length() - 1) : root;
        return base.isEmpty() ? system()
                : new HostRoot(base + "/sys", base + "/dev", base + "/etc", base + "/run");
    }

    /**
     * Where brick keeps its state on this host, {@code /var/lib/brick} beside {@code etc} under the same root
     * ({@code ROOT/var/lib/brick} for {@code ROOT/etc}).
     */
    public String brickState() {
        return etc.substring(0, etc.lastIndexOf('/')) + "/var/lib/brick";
    }

    /** Whether this is the running host's own root. */
    public boolean isSystem() {
        return equals(system());
    }
}
