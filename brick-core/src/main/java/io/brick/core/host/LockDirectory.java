package io.brick.core.host;

import static java.util.Objects.requireNonNull;

/**
 * The directory holding brick's inter-process lock files. Every process that must serialise with another (two
 * agents, an agent and the CLI) uses the same directory. Default {@code /run/brick/locks}: on tmpfs, so no stale
 * lock survives a reboot, and a lock file held by a dead process is released by the kernel. Not
 * {@code /run/lock/brick}: {@code /run/lock} is writable by every user, so any local user could create that
 * directory before brick does (brick would refuse it, and every operation would fail); only root can create a name
 * in {@code /run}. The directory must be brick's own (owned by its user, mode 0700, no link): brick creates it, and
 * refuses one it did not make safely.
 *
 * @param path an absolute path
 */
public record LockDirectory(String path) {
    public static final String DEFAULT = "/run/brick/locks";

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
