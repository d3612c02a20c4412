package io.brick.core.host;

import static java.util.Objects.requireNonNull;

/**
 * The directory holding brick's inter-process lock files. Every process that must serialise with another (two
 * agents, an agent and the CLI) uses the same directory. Default {@code /run/lock/brick}: on tmpfs, so no stale
 * lock survives a reboot, and a lock file held by a dead process is released by the kernel.
 *
 * @param path an absolute path
 */
public record LockDirectory(String path) {
    public static final String DEFAULT = "/run/lock/brick";

    public LockDirectory {
        requireNonNull(path, "path is null");
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("the lock directory is an absolute path: " + path);
        }
    }

    public static LockDirectory defaultDirectory() {
        return new LockDirectory(DEFAULT);
    }
}
