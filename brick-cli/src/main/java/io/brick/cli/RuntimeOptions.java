package io.brick.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * The global options that shape a brick runtime.
 *
 * @param root     the host root ({@code --root}), empty for the running host's {@code /}
 * @param lockDir  the inter-process lock directory ({@code --lock-dir}), empty for the default
 * @param timeout  the connector's time budget ({@code --timeout}), empty for the connector's defaults
 */
record RuntimeOptions(Optional<Path> root, Optional<Path> lockDir, Optional<Duration> timeout) {
    RuntimeOptions {
        requireNonNull(root, "root is null");
        requireNonNull(lockDir, "lockDir is null");
        requireNonNull(timeout, "timeout is null");
    }
}
