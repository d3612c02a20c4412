package io.brick.testkit.host;

import java.time.Duration;
import java.util.function.Supplier;

import static java.util.Objects.requireNonNull;

/**
 * A parsed command: how long it takes (in simulated time) and what it does once that time has passed.
 *
 * @param latency its duration; {@link #FOREVER} for one that hangs
 * @param effect applies its effects under the host's lock and says what it printed
 */
record Invocation(Duration latency, Supplier<Output> effect) {
    static final Duration FOREVER = Duration.ofDays(3650);

    Invocation {
        requireNonNull(latency, "latency is null");
        requireNonNull(effect, "effect is null");
    }

    /** What a command printed and its exit code. */
    record Output(int exitCode, String stdout, String stderr) {
        Output {
            requireNonNull(stdout, "stdout is null");
            requireNonNull(stderr, "stderr is null");
        }

        static Output ok(String stdout) {
            return new Output(0, stdout, "");
        }

        static Output fail(int exitCode, String stderr) {
            return new Output(exitCode, "", stderr);
        }
    }
}
