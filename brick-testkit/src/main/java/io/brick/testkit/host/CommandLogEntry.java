package io.brick.testkit.host;

import java.time.Duration;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * One command the simulated host ran.
 *
 * @param start simulated time since the host was built, when it started
 * @param argv the argv, secret arguments as {@code ***}
 * @param exitCode its exit code ({@code -1} when it timed out)
 * @param timedOut whether it ran into its timeout
 * @param duration how long it took, in simulated time
 */
public record CommandLogEntry(Duration start, List<String> argv, int exitCode, boolean timedOut, Duration duration) {
    public CommandLogEntry {
        requireNonNull(start, "start is null");
        argv = List.copyOf(argv);
        requireNonNull(duration, "duration is null");
    }

    /** The command line as shown: arguments joined by spaces. */
    public String display() {
        return String.join(" ", argv);
    }
}
