package io.brick.testkit.host;

import java.time.Duration;

import static java.util.Objects.requireNonNull;

/**
 * How long the simulated host takes for each thing, in simulated time.
 *
 * @param iscsiadmLogin an {@code iscsiadm --login}
 * @param iscsiadmLogout an {@code iscsiadm --logout}
 * @param iscsiadmDiscovery a sendtargets discovery
 * @param iscsiadmOther any other iscsiadm call (node, session, iface)
 * @param scan from a write into {@code scan} (or an automatic scan at login) until the device is there
 * @param mapFormation from a WWID becoming eligible for a map (its first path, or its second with
 *                     {@code find_multipaths yes}) until multipathd has made the map
 * @param pathJoin from a later path appearing until multipathd has added it to its map
 * @param multipathFlush a {@code multipath -f}
 * @param multipathOther any other multipath, multipathd or dmsetup call
 * @param blockdev a {@code blockdev} call
 * @param deviceRemoval from a write into {@code delete} until the device is gone
 */
public record Latencies(Duration iscsiadmLogin, Duration iscsiadmLogout, Duration iscsiadmDiscovery,
                        Duration iscsiadmOther, Duration scan, Duration mapFormation, Duration pathJoin,
                        Duration multipathFlush, Duration multipathOther, Duration blockdev,
                        Duration deviceRemoval) {
    public Latencies {
        for (Duration each : new Duration[] {iscsiadmLogin, iscsiadmLogout, iscsiadmDiscovery, iscsiadmOther, scan,
                mapFormation, pathJoin, multipathFlush, multipathOther, blockdev, deviceRemoval}) {
            requireNonNull(each, "a latency is null");
            if (each.isNegative()) {
                throw new IllegalArgumentException("a latency is not negative: " + each);
            }
        }
    }

    /**
     * Close to a real host's (the recordings' timings): login and logout 0.2 s, discovery 0.2 s, other iscsiadm calls
     * 0.05 s, a scanned device appears after 0.3 s, a map ≈1 s after its first path and later paths join after
     * 0.1 s, {@code multipath -f} 0.1 s, other multipath tools 0.05 s, blockdev 0.01 s, a deleted device is gone after
     * 0.05 s.
     */
    public static Latencies realistic() {
        return new Latencies(millis(200), millis(200), millis(200), millis(50), millis(300), millis(1000), millis(100),
                millis(100), millis(50), millis(10), millis(50));
    }

    /** Everything at once (events still run in the order they were caused). */
    public static Latencies zero() {
        Duration zero = Duration.ZERO;
        return new Latencies(zero, zero, zero, zero, zero, zero, zero, zero, zero, zero, zero);
    }

    private static Duration millis(long value) {
        return Duration.ofMillis(value);
    }
}
