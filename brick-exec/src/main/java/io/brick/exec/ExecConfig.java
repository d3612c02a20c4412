package io.brick.exec;

import java.time.Duration;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * How brick-exec runs processes.
 *
 * @param captureLimitBytes how many bytes of each of stdout and stderr are kept; the rest is read and dropped, and
 *                          the result is marked truncated
 * @param killGracePeriod how long a process tree that was sent TERM (at its timeout, or on an interrupt) may take to
 *                        exit before whatever survives is sent KILL; zero sends KILL at once
 * @param extraEnvironment variables added to the JVM's environment for every command; {@code LC_ALL} and
 *                         {@code LANG} are not allowed here because every command runs with both set to {@code C}
 */
public record ExecConfig(int captureLimitBytes, Duration killGracePeriod, Map<String, String> extraEnvironment) {
    /** One MiB per stream. */
    public static final int DEFAULT_CAPTURE_LIMIT_BYTES = 1024 * 1024;
    /** Two seconds between TERM and KILL. */
    public static final Duration DEFAULT_KILL_GRACE_PERIOD = Duration.ofSeconds(2);

    public ExecConfig {
        if (captureLimitBytes <= 0) {
            throw new IllegalArgumentException("the capture limit must be positive: " + captureLimitBytes);
        }
        requireNonNull(killGracePeriod, "killGracePeriod is null");
        if (killGracePeriod.isNegative()) {
            throw new IllegalArgumentException("the kill grace period cannot be negative: " + killGracePeriod);
        }
        requireNonNull(extraEnvironment, "extraEnvironment is null");
        extraEnvironment.forEach(ExecConfig::checkVariable);
        extraEnvironment = Map.copyOf(extraEnvironment);
    }

    /** The defaults: {@value #DEFAULT_CAPTURE_LIMIT_BYTES} bytes per stream, a 2 s grace period, no extra variables. */
    public static ExecConfig defaults() {
        return new ExecConfig(DEFAULT_CAPTURE_LIMIT_BYTES, DEFAULT_KILL_GRACE_PERIOD, Map.of());
    }

    /** This configuration with another capture limit. */
    public ExecConfig withCaptureLimitBytes(int limit) {
        return new ExecConfig(limit, killGracePeriod, extraEnvironment);
    }

    /** This configuration with another grace period between TERM and KILL. */
    public ExecConfig withKillGracePeriod(Duration grace) {
        return new ExecConfig(captureLimitBytes, grace, extraEnvironment);
    }

    /** This configuration with other extra environment variables. */
    public ExecConfig withExtraEnvironment(Map<String, String> environment) {
        return new ExecConfig(captureLimitBytes, killGracePeriod, environment);
    }

    private static void checkVariable(String name, String value) {
        requireNonNull(name, "an environment variable's name is null");
        requireNonNull(value, "the value of environment variable " + name + " is null");
        if (name.isEmpty() || name.indexOf('=') >= 0 || name.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("not an environment variable name: '" + name + "'");
        }
        if (value.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("environment variable " + name + " holds a NUL character");
        }
        if (name.equals("LC_ALL") || name.equals("LANG")) {
            throw new IllegalArgumentException(name + " cannot be set: every command runs with LC_ALL=C and LANG=C");
        }
    }
}
