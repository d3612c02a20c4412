package io.brick.core.time;

import java.time.Duration;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * How often and how patiently to try something again (os-brick's {@code utils.retry}): at most {@code attempts}
 * tries; the wait before attempt <i>n</i>+1 is {@code interval × backoffRate^(n-1)}, at most {@code maxInterval}. With
 * os-brick's defaults ({@link #defaults()}: 3 attempts, 1 s, rate 2) that is 1 s, then 2 s.
 *
 * @param attempts how many times to try in all, at least 1
 * @param interval the wait after the first failed attempt, not negative
 * @param backoffRate by how much each further wait grows, at least 1 (1 = fixed interval)
 * @param maxInterval the longest single wait, not negative
 * @param attemptTimeout the most one attempt may take (a child deadline of the operation's), if limited
 */
public record RetryPolicy(int attempts, Duration interval, double backoffRate, Duration maxInterval,
                          Optional<Duration> attemptTimeout) {
    /** The longest single wait of a policy made with {@link #of}. */
    public static final Duration DEFAULT_MAX_INTERVAL = Duration.ofMinutes(1);

    public RetryPolicy {
        requireNonNull(interval, "interval is null");
        requireNonNull(maxInterval, "maxInterval is null");
        requireNonNull(attemptTimeout, "attemptTimeout is null");
        if (attempts < 1) {
            throw new IllegalArgumentException("attempts is at least 1: " + attempts);
        }
        if (interval.isNegative()) {
            throw new IllegalArgumentException("interval is not negative: " + interval);
        }
        if (!(backoffRate >= 1.0) || Double.isInfinite(backoffRate)) {
            throw new IllegalArgumentException("backoffRate is a finite number of at least 1: " + backoffRate);
        }
        if (maxInterval.isNegative()) {
            throw new IllegalArgumentException("maxInterval is not negative: " + maxInterval);
        }
        attemptTimeout.ifPresent(timeout -> {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("attemptTimeout is positive: " + timeout);
            }
        });
    }

    /** {@code attempts} tries, waiting {@code interval × backoffRate^(n-1)} (at most a minute), no per-attempt limit. */
    public static RetryPolicy of(int attempts, Duration interval, double backoffRate) {
        return new RetryPolicy(attempts, interval, backoffRate, DEFAULT_MAX_INTERVAL, Optional.empty());
    }

    /** os-brick's {@code utils.retry} defaults: 3 attempts, waiting 1 s then 2 s. */
    public static RetryPolicy defaults() {
        return of(3, Duration.ofSeconds(1), 2.0);
    }

    /** A single attempt: no retry. */
    public static RetryPolicy once() {
        return of(1, Duration.ZERO, 1.0);
    }

    /** This policy with another cap on a single wait. */
    public RetryPolicy withMaxInterval(Duration max) {
        return new RetryPolicy(attempts, interval, backoffRate, max, attemptTimeout);
    }

    /** This policy with each attempt limited to {@code timeout} (within the operation's deadline). */
    public RetryPolicy withAttemptTimeout(Duration timeout) {
        return new RetryPolicy(attempts, interval, backoffRate, maxInterval, Optional.of(requireNonNull(timeout, "timeout is null")));
    }

    /**
     * The wait after failed attempt {@code attempt} (1-based) and before the next one:
     * {@code interval × backoffRate^(attempt-1)}, at most {@link #maxInterval()}.
     *
     * @throws IllegalArgumentException when {@code attempt} is below 1
     */
    public Duration waitAfter(int attempt) {
        if (attempt < 1) {
            throw new IllegalArgumentException("attempts are counted from 1: " + attempt);
        }
        double nanos = interval.toNanos() * Math.pow(backoffRate, attempt - 1);
        if (!(nanos < maxInterval.toNanos())) {
            return maxInterval;
        }
        return Duration.ofNanos((long) nanos);
    }
}
