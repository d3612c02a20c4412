package io.brick.iscsi;

import java.time.Duration;

import static java.util.Objects.requireNonNull;

/**
 * Time limits of the iscsiadm commands brick runs. Each command gets the smaller of its limit here and what is left
 * of the operation's deadline.
 *
 * @param iscsiadmTimeout node record commands ({@code --op new/update/delete}) and {@code -m node} listings
 *                        (default 20 s)
 * @param loginTimeout one {@code --login} (default 30 s: open-iscsi itself gives up after
 *                     {@code node.conn[0].timeo.login_timeout} = 15 s per attempt, times
 *                     {@code node.session.initial_login_retry_max})
 * @param logoutTimeout one {@code --logout} (default 30 s)
 * @param discoveryTimeout one sendtargets discovery (default 30 s: a discovery logs in to the portal too)
 */
public record IscsiConfig(Duration iscsiadmTimeout, Duration loginTimeout, Duration logoutTimeout,
                          Duration discoveryTimeout) {
    /** The longest limit accepted for any command. */
    public static final Duration MAX_TIMEOUT = Duration.ofHours(1);

    public IscsiConfig {
        check(iscsiadmTimeout, "iscsiadmTimeout");
        check(loginTimeout, "loginTimeout");
        check(logoutTimeout, "logoutTimeout");
        check(discoveryTimeout, "discoveryTimeout");
    }

    /** The defaults: 20 s for record commands, 30 s for login, logout and discovery. */
    public static IscsiConfig defaults() {
        return new IscsiConfig(Duration.ofSeconds(20), Duration.ofSeconds(30), Duration.ofSeconds(30),
                Duration.ofSeconds(30));
    }

    /** The same limits with another login timeout. */
    public IscsiConfig withLoginTimeout(Duration value) {
        return new IscsiConfig(iscsiadmTimeout, value, logoutTimeout, discoveryTimeout);
    }

    private static void check(Duration value, String name) {
        requireNonNull(value, name + " is null");
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive: " + value);
        }
        if (value.compareTo(MAX_TIMEOUT) > 0) {
            throw new IllegalArgumentException(name + " must be at most " + MAX_TIMEOUT + ": " + value);
        }
    }
}
