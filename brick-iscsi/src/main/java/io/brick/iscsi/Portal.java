package io.brick.iscsi;

import static java.util.Objects.requireNonNull;

/**
 * An iSCSI portal: an IPv4 address, an IPv6 address or a host name, and a TCP port (3260 when not given).
 *
 * <p>Parsing accepts {@code host}, {@code host:port}, {@code [v6]}, {@code [v6]:port} and any of those followed by
 * {@code ,tpgt} (which is dropped: see {@link #parseTpgt(String)}); an unbracketed IPv6 address (two or more
 * {@code :}) is taken whole as the host, with the default port. Host names and IPv6 addresses are kept in lower
 * case, so portals compare case-insensitively everywhere; IPv6 addresses are otherwise kept as written (not
 * compressed), since iscsiadm's node records are keyed by the text. The host must be an IPv4 dotted quad, an IPv6
 * address or an RFC 1123 host name; anything else is an {@link io.brick.core.error.InvalidInputException} naming
 * the key ({@code target_portal}, or the one given to {@link #parse(String, String)}).
 *
 * @param host the address or host name, without brackets, lower case
 * @param port the TCP port, 1 to 65535
 */
public record Portal(String host, int port) {
    public static final int DEFAULT_PORT = 3260;

    public Portal {
        requireNonNull(host, "host is null");
        PortalSyntax.checkHost(host, "target_portal");
        host = host.toLowerCase(java.util.Locale.ROOT);
        PortalSyntax.checkPort(port, "target_portal");
    }

    /** Parses a portal as os-brick receives it; {@code key} names the input key in errors. */
    public static Portal parse(String text, String key) {
        return PortalSyntax.parse(text, key);
    }

    public static Portal parse(String text) {
        return parse(text, "target_portal");
    }

    /** The target portal group tag after a {@code ,} in {@code host:port,tpgt}, if any ({@code -1} is allowed). */
    public static java.util.OptionalInt parseTpgt(String text) {
        return parseTpgt(text, "target_portal");
    }

    /** {@link #parseTpgt(String)}, naming {@code key} in errors: the tag must be an integer from -1 to 65535. */
    public static java.util.OptionalInt parseTpgt(String text, String key) {
        return PortalSyntax.tpgt(text, key);
    }

    /** Whether the host is an IPv6 address. */
    public boolean isIpv6() {
        return host.indexOf(':') >= 0;
    }

    /** {@code host:port}, with brackets around an IPv6 address: the form iscsiadm takes with {@code -p}. */
    @Override
    public String toString() {
        return (isIpv6() ? "[" + host + "]" : host) + ":" + port;
    }

    /** {@code host:port} without brackets: the form udev writes in {@code /dev/disk/by-path/ip-...} names. */
    public String byPathForm() {
        return host + ":" + port;
    }
}
