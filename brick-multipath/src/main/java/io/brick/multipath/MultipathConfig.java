package io.brick.multipath;

import io.brick.core.time.RetryPolicy;

import java.time.Duration;

import static java.util.Objects.requireNonNull;

/**
 * How patient brick-multipath is. Every command's timeout is also capped by the operation's deadline.
 *
 * <p>The flush is retried far less patiently than os-brick's ({@code multipath -f}: 3 attempts, waiting 20 s then
 * 40 s, each up to 300 s): a map held open by a mounted file system or a VM rarely lets go within a minute, and a
 * disconnect has to stay bounded; the caller gets the evidence of what holds the map instead.
 *
 * @param flushAttempts how many times {@code multipath -f} is tried in all (default 3)
 * @param flushInterval the wait after the first failed flush (default 1 s)
 * @param flushBackoffRate by how much each further wait grows (default 2: 1 s, then 2 s)
 * @param commandTimeout the most a {@code multipathd} or {@code dmsetup} query may take; multipathd answers in
 *                       milliseconds (default 10 s)
 * @param flushTimeout the most one {@code multipath -f} or {@code dmsetup remove} may take: both wait for udev
 *                     (default 60 s)
 * @param resizeWindow how long {@code multipathd resize map} is retried while it answers {@code timeout}
 *                     (default 120 s, os-brick's {@code MULTIPATHD_RESIZE_TIMEOUT})
 * @param resizeInterval the wait between two resize attempts (default 1 s, as os-brick)
 */
public record MultipathConfig(int flushAttempts, Duration flushInterval, double flushBackoffRate,
                              Duration commandTimeout, Duration flushTimeout, Duration resizeWindow,
                              Duration resizeInterval) {
    public MultipathConfig {
        requireNonNull(flushInterval, "flushInterval is null");
        requireNonNull(commandTimeout, "commandTimeout is null");
        requireNonNull(flushTimeout, "flushTimeout is null");
        requireNonNull(resizeWindow, "resizeWindow is null");
        requireNonNull(resizeInterval, "resizeInterval is null");
        RetryPolicy.of(flushAttempts, flushInterval, flushBackoffRate);
        positive("commandTimeout", commandTimeout);
        positive("flushTimeout", flushTimeout);
        if (resizeWindow.isNegative()) {
            throw new IllegalArgumentException("resizeWindow is not negative: " + resizeWindow);
        }
        if (resizeInterval.isNegative()) {
            throw new IllegalArgumentException("resizeInterval is not negative: " + resizeInterval);
        }
    }

    /** The defaults: 3 flush attempts 1 s and 2 s apart, 10 s per multipathd command, 60 s per flush, 120 s resize. */
    public static MultipathConfig defaults() {
        return new MultipathConfig(3, Duration.ofSeconds(1), 2.0, Duration.ofSeconds(10), Duration.ofSeconds(60),
                Duration.ofSeconds(120), Duration.ofSeconds(1));
    }

    /** The retry policy of {@code multipath -f} and of a forced map removal. */
    RetryPolicy flushPolicy() {
        return RetryPolicy.of(flushAttempts, flushInterval, flushBackoffRate);
    }

    /** Retries of {@code multipathd resize map} every {@link #resizeInterval()}, bounded by the resize window. */
    RetryPolicy resizePolicy() {
        return new RetryPolicy(Integer.MAX_VALUE, resizeInterval, 1.0, resizeInterval, java.util.Optional.empty());
    }

    private static void positive(String name, Duration value) {
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " is positive: " + value);
        }
    }
}
