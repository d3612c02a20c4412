package io.brick.core.port;

import java.util.Optional;

/**
 * The host's configuration files, read-only: what other parties need to know about this host (os-brick's connector
 * properties). A transport reads its own configuration file ({@code iscsi/initiatorname.iscsi}, ...) through
 * {@link #etcFile} and parses it itself, without touching files.
 */
public interface HostConfiguration {
    /** The host's name ({@code /etc/hostname}, else the kernel's {@code /proc/sys/kernel/hostname}). */
    Optional<String> hostName();

    /**
     * The text of a configuration file under the host root's {@code /etc} ({@code "iscsi/initiatorname.iscsi"}), at
     * most 64 KiB of it, read without following a link at its own name; empty when it is missing or cannot be read.
     * The path is relative, with {@code /} between names; an absolute path, an empty name, {@code .} or {@code ..} is
     * an {@link IllegalArgumentException}.
     */
    Optional<String> etcFile(String path);
}
