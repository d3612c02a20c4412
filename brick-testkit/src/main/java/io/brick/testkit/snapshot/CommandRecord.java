package io.brick.testkit.snapshot;

import java.time.Duration;

import static java.util.Objects.requireNonNull;

/**
 * What one tool said on the recorded host, at the moment the sysfs tree was recorded (an element of
 * {@code commands.json}).
 *
 * @param cmd the command line as it was run, e.g. {@code iscsiadm -m session -P 3}
 * @param rc its exit code
 * @param stdout its standard output
 * @param stderr its standard error
 * @param seconds how long it ran, in seconds
 */
public record CommandRecord(String cmd, int rc, String stdout, String stderr, double seconds) {
    public CommandRecord {
        requireNonNull(cmd, "cmd is null");
        requireNonNull(stdout, "stdout is null");
        requireNonNull(stderr, "stderr is null");
    }

    /** Whether the command exited with 0. */
    public boolean succeeded() {
        return rc == 0;
    }

    /** {@link #seconds()} as a duration (millisecond precision). */
    public Duration elapsed() {
        return Duration.ofMillis(Math.round(seconds * 1000));
    }
}
