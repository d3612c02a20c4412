package io.brick.core.connector;

import java.time.Duration;

import static java.util.Objects.requireNonNull;

/**
 * How a connector attaches and detaches: whether it uses dm-multipath, and its time budgets. One shape for every
 * transport; each transport's plugin takes its own instance, so each protocol is configured separately (brick-iscsi
 * binds it as {@code @Named("iscsi")}, brick-fc as {@code @Named("fc")}, each a default a caller may replace).
 *
 * @param useMultipath attach through dm-multipath (os-brick's connector-level {@code use_multipath}); for iSCSI
 *                     without plural target keys, the targets then come from sendtargets discovery
 * @param connectTimeout the whole connect's budget, logins and waits included
 * @param deviceWait how long a connect waits for the volume's devices: iSCSI, one portal after its login (rescans at
 *                   1, 2, 4, 8 ... s); FC, the whole volume (rescans at 0, 2, 4, 8 ... s; os-brick: 3 rescans 2 s
 *                   apart, about 6 s)
 * @param mapWait how long a multipath connect waits for multipathd to form the map once a device of the volume exists,
 *                before it returns the single path with a warning (os-brick's iSCSI: 10 s after every login ended)
 * @param nudgeAfter how long into that wait multipathd is told about the WWID and the paths
 *                   ({@code multipath -a}, {@code multipathd add path}; needed with {@code find_multipaths yes})
 * @param disconnectTimeout the whole disconnect's budget
 * @param extendTimeout the whole extend's budget
 */
public record ConnectorConfig(boolean useMultipath, Duration connectTimeout, Duration deviceWait, Duration mapWait,
                              Duration nudgeAfter, Duration disconnectTimeout, Duration extendTimeout) {
    public ConnectorConfig {
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

    /**
     * Multipath on; connect 120 s, devices 30 s (iSCSI: per portal), map 10 s (nudge at 2 s); disconnect 120 s;
     * extend 120 s.
     */
    public static ConnectorConfig defaults() {
        return new ConnectorConfig(true, Duration.ofSeconds(120), Duration.ofSeconds(30), Duration.ofSeconds(10),
                Duration.ofSeconds(2), Duration.ofSeconds(120), Duration.ofSeconds(120));
    }

    public ConnectorConfig withUseMultipath(boolean value) {
        return new ConnectorConfig(value, connectTimeout, deviceWait, mapWait, nudgeAfter, disconnectTimeout,
                extendTimeout);
    }

    public ConnectorConfig withConnectTimeout(Duration value) {
        return new ConnectorConfig(useMultipath, value, deviceWait, mapWait, nudgeAfter, disconnectTimeout,
                extendTimeout);
    }

    public ConnectorConfig withDeviceWait(Duration value) {
        return new ConnectorConfig(useMultipath, connectTimeout, value, mapWait, nudgeAfter, disconnectTimeout,
                extendTimeout);
    }

    public ConnectorConfig withMapWait(Duration value) {
        return new ConnectorConfig(useMultipath, connectTimeout, deviceWait, value, nudgeAfter, disconnectTimeout,
                extendTimeout);
    }

    /**
     * The settings with every whole-operation budget set to {@code timeout}, and the waits inside an operation
     * (devices, map, multipathd nudge) cut down to it when they are longer (the CLI's {@code --timeout}).
     */
    public ConnectorConfig withTimeout(Duration timeout) {
        positive(timeout, "timeout");
        return new ConnectorConfig(useMultipath, timeout, min(deviceWait, timeout), min(mapWait, timeout),
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
