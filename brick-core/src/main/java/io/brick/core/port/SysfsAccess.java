package io.brick.core.port;

import java.util.List;
import java.util.Optional;

/**
 * Read-only access to the kernel objects under the host's {@code /sys}, confined to it: how a transport reads its own
 * kernel objects ({@code class/nvme-fabrics}, {@code class/fc_host}, {@code class/iscsi_session}, ...) without
 * touching files itself and without brick-sysfs knowing them.
 *
 * <p>Paths are relative to {@code /sys} ({@code "class/nvme/nvme0/subsysnqn"}), with {@code /} between names; an
 * absolute path, an empty name, {@code .} or {@code ..} is an {@link IllegalArgumentException}. Links are followed
 * only while they stay inside {@code /sys}; a path that leads outside, or that does not exist, is absent. An object
 * that disappears while it is read is absent, not an error (devices come and go); a file that exists but cannot be
 * read is a {@link io.brick.core.error.HostStateException}. Attributes are read without following a link at their
 * own name and at most 64 KiB of each.
 */
public interface SysfsAccess {
    /** The names in a directory ({@code "class/nvme"}), sorted; empty when it is missing or not a directory. */
    List<String> list(String directory);

    /** An attribute's text with trailing white space stripped ({@code "class/nvme/nvme0/state"} → {@code live}). */
    Optional<String> read(String attribute);

    /**
     * Where a path leads once every link on the way is followed, relative to {@code /sys}
     * ({@code "class/nvme/nvme0"} → {@code devices/virtual/nvme-fabrics/ctl/nvme0}); empty when it is missing or
     * leads outside {@code /sys}.
     */
    Optional<String> resolve(String path);

    /** Whether the path exists (inside {@code /sys}). */
    default boolean exists(String path) {
        return resolve(path).isPresent();
    }
}
