package io.brick.core.port;

import java.time.Duration;

import static java.util.Objects.requireNonNull;

/**
 * What a finished command said.
 *
 * @param command the command line as shown (secrets masked)
 * @param exitCode the exit code
 * @param stdout standard output, decoded as UTF-8, at most the runner's capture limit
 * @param stderr standard error, likewise
 * @param elapsed how long it ran
 * @param truncated whether either stream was cut at the capture limit
 */
public record CommandResult(String command, int exitCode, String stdout, String stderr, Duration elapsed, boolean truncated) {
    public CommandResult {
        requireNonNull(command, "command is null");
        requireNonNull(stdout, "stdout is null");
        requireNonNull(stderr, "stderr is null");
        requireNonNull(elapsed, "elapsed is null");
    }
}
