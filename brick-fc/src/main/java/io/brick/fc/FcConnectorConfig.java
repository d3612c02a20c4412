package io.brick.fc;

import java.time.Duration;

import static java.util.Objects.requireNonNull;

/**
 * How the Fibre Channel connector attaches and detaches: whether it uses dm-multipath, and its time budgets.
 *
 * @param useMultipath attach through dm-multipath (os-brick's connector-level {@code use_multipath})
 * @param connectTimeout the whole connect's budget
 * @param deviceWait how long a connect waits for the volume's devices, rescanning at 0, 2, 4, 8 ... s (os-brick: 3
 *                   rescans 2 s apart, about 6 s)
 * @param mapWait how long a multipath connect waits for multipathd's map once a device of the volume exists, before it
 *                returns the single path with a warning
 * @param nudgeAfter how long into that wait multipathd is told about the WWID and the paths
 * @param disconnectTimeout the whole disconnect's budget
 * @param extendTimeout the whole extend's budget
 */
public record FcConnectorConfig(boolean useMultipath, Duration connectTimeout, Duration deviceWait, Duration mapWait,
                                Duration nudgeAfter, Duration disconnectTimeout, Duration extendTimeout) {
    public FcConnectorConfig {
        positive(connectTimeout, "connectTimeout");
        positive(deviceWait, "deviceWait");
        positive(mapWait, "mapWait");
        requireNonNull(nudgeAfter, "nudgeAfter is null");
        if (nudgeAfter.isNegative()) {
            throw new IllegalArgumentException("nudgeAfter is negative: " + nudgeAfter);
        }
        positive(disconnectTimeout, "disconnectTimeout");
        positive(extendTimeout, "extendTimeout");
    }

    /** Multipath on; connect 120 s, devices 30 s, map 10 s (nudge at 2 s); disconnect 120 s; extend 120 s. */
    public static FcConnectorConfig defaults() {
        return new FcConnectorConfig(true, Duration.ofSeconds(120), Duration.ofSeconds(30), Duration.ofSeconds(10),
                Duration.ofSeconds(2), Duration.ofSeconds(120), Duration.ofSeconds(120));
    }

    public FcConnectorConfig withUseMultipath(boolean value) {
        return new FcConnectorConfig(value, connectTimeout, deviceWait, mapWait, nudgeAfter, disconnectTimeout,
                extendTimeout);
    }

    public FcConnectorConfig withDeviceWait(Duration value) {
        return new FcConnectorConfig(useMultipath, connectTimeout, value, mapWait, nudgeAfter, disconnectTimeout,
                extendTimeout);
    }

    public FcConnectorConfig withMapWait(Duration value) {
        return new FcConnectorConfig(useMultipath, connectTimeout, deviceWait, value, nudgeAfter, disconnectTimeout,
                extendTimeout);
    }

    /**
     * The settings with every whole-operation budget set to {@code timeout}, and the waits inside an operation cut
     * down to it when they are longer (the CLI's {@code --timeout}).
     */
    public FcConnectorConfig withTimeout(Duration timeout) {
        positive(timeout, "timeout");
        return new FcConnectorConfig(useMultipath, timeout, min(deviceWait, timeout), min(mapWait, timeout),
                min(nudgeAfter, timeout), timeout, timeout);
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static void positive(Duration value, String name) {
        requireNonNull(value, name + " is null");
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive: " + value);
        }
    }
}
