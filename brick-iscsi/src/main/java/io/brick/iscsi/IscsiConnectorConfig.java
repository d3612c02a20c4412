package io.brick.iscsi;

import java.time.Duration;

import static java.util.Objects.requireNonNull;

/**
 * How the iSCSI connector attaches and detaches: whether it uses dm-multipath, and its time budgets.
 *
 * @param useMultipath attach through dm-multipath (os-brick's connector-level {@code use_multipath}); without
 *                     plural target keys, the targets then come from sendtargets discovery
 * @param connectTimeout the whole connect's budget, logins and waits included
 * @param deviceWait how long one portal waits for the LUN's device after its login (rescans at 1, 2, 4, 8 ... s)
 * @param mapWait how long a multipath connect waits for multipathd to form the map once a good path exists, before it
 *                returns the single path with a warning (os-brick: 10 s after every login ended)
 * @param nudgeAfter how long into that wait multipathd is told about the WWID and the paths
 *                   ({@code multipath -a}, {@code multipathd add path}; needed with {@code find_multipaths yes})
 * @param disconnectTimeout the whole disconnect's budget
 * @param extendTimeout the whole extend's budget
 */
public record IscsiConnectorConfig(boolean useMultipath, Duration connectTimeout, Duration deviceWait, Duration mapWait,
                                   Duration nudgeAfter, Duration disconnectTimeout, Duration extendTimeout) {
    public IscsiConnectorConfig {
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

    /** Multipath on; connect 120 s, device 30 s per portal, map 10 s (nudge at 2 s); disconnect 120 s; extend 120 s. */
    public static IscsiConnectorConfig defaults() {
        return new IscsiConnectorConfig(true, Duration.ofSeconds(120), Duration.ofSeconds(30), Duration.ofSeconds(10),
                Duration.ofSeconds(2), Duration.ofSeconds(120), Duration.ofSeconds(120));
    }

    public IscsiConnectorConfig withUseMultipath(boolean value) {
        return new IscsiConnectorConfig(value, connectTimeout, deviceWait, mapWait, nudgeAfter, disconnectTimeout,
                extendTimeout);
    }

    public IscsiConnectorConfig withConnectTimeout(Duration value) {
        return new IscsiConnectorConfig(useMultipath, value, deviceWait, mapWait, nudgeAfter, disconnectTimeout,
                extendTimeout);
    }

    public IscsiConnectorConfig withDeviceWait(Duration value) {
        return new IscsiConnectorConfig(useMultipath, connectTimeout, value, mapWait, nudgeAfter, disconnectTimeout,
                extendTimeout);
    }

    public IscsiConnectorConfig withMapWait(Duration value) {
        return new IscsiConnectorConfig(useMultipath, connectTimeout, deviceWait, value, nudgeAfter, disconnectTimeout,
                extendTimeout);
    }

    private static void positive(Duration value, String name) {
        requireNonNull(value, name + " is null");
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive: " + value);
        }
    }
}
