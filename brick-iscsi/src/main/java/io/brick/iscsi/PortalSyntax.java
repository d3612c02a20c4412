package io.brick.iscsi;

import io.brick.core.error.InvalidInputException;
import io.brick.core.model.Quoted;

import java.util.OptionalInt;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * Parsing and checks behind {@link Portal}.
 *
 * <p>Accepted: {@code host}, {@code host:port}, {@code [v6]}, {@code [v6]:port}, and an unbracketed IPv6 address
 * (two or more {@code :}) with the default port; each optionally followed by {@code ,tpgt} ({@code -1} to 65535).
 * The host is an IPv4 dotted quad (when it is all digits and dots), an IPv6 address (hex groups, one {@code ::},
 * an optional trailing dotted quad, an optional {@code %zone}) or an RFC 1123 host name. Nothing else (spaces,
 * {@code ;}, {@code /}, ...) is let through.
 */
final class PortalSyntax {
    private static final Pattern DIGITS = Pattern.compile("[0-9]+");
    private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");
    private static final Pattern HEX_GROUP = Pattern.compile("[0-9A-Fa-f]{1,4}");
    private static final Pattern ZONE = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
    private static final int MAX_HOST_NAME = 253;
    private static final int MAX_TPGT = 65535;

    private PortalSyntax() {
    }

    static Portal parse(String text, String key) {
        requireNonNull(text, "text is null");
        requireNonNull(key, "key is null");
        int comma = text.indexOf(',');
        if (comma >= 0) {
            tpgt(text, key);
        }
        String address = comma < 0 ? text : text.substring(0, comma);
        if (address.isEmpty()) {
            throw new InvalidInputException(key, "portal " + Quoted.of(text) + " has no host");
        }
        String host;
        int port;
        if (address.charAt(0) == '[') {
            int close = address.indexOf(']');
            if (close < 0) {
                throw invalid(text, key, "'[' without a closing ']'");
            }
            host = address.substring(1, close);
            if (host.isEmpty()) {
                throw new InvalidInputException(key, "portal " + Quoted.of(text) + " has no host");
            }
            if (host.indexOf(':') < 0) {
                throw invalid(text, key, "only an IPv6 address goes between '[' and ']'");
            }
            String after = address.substring(close + 1);
            if (after.isEmpty()) {
                port = Portal.DEFAULT_PORT;
            } else if (after.charAt(0) == ':') {
                port = port(after.substring(1), text, key);
            } else {
                throw invalid(text, key, "only ':port' may follow ']'");
            }
        } else {
            int first = address.indexOf(':');
            int last = address.lastIndexOf(':');
            if (first < 0) {
                host = address;
                port = Portal.DEFAULT_PORT;
            } else if (first == last) {
                host = address.substring(0, first);
                if (host.isEmpty()) {
                    throw new InvalidInputException(key, "portal " + Quoted.of(text) + " has no host");
                }
                port = port(address.substring(first + 1), text, key);
            } else {
                // an unbracketed IPv6 address: all of it is the host, the port is the default
                host = address;
                port = Portal.DEFAULT_PORT;
            }
        }
        checkHost(host, key);
        return new Portal(host, port);
    }

    static OptionalInt tpgt(String text, String key) {
        requireNonNull(text, "text is null");
        int comma = text.indexOf(',');
        if (comma < 0) {
            return OptionalInt.empty();
        }
        String tag = text.substring(comma + 1);
        boolean negative = tag.startsWith("-");
        String digits = negative ? tag.substring(1) : tag;
        if (!DIGITS.matcher(digits).matches() || digits.length() > 5) {
            throw invalid(text, key, "the portal group tag after ',' must be an integer from -1 to " + MAX_TPGT);
        }
        int value = Integer.parseInt(digits) * (negative ? -1 : 1);
        if (value < -1 || value > MAX_TPGT) {
            throw invalid(text, key, "the portal group tag " + value + " is not from -1 to " + MAX_TPGT);
        }
        return OptionalInt.of(value);
    }

    private static int port(String text, String portal, String key) {
        if (text.isEmpty()) {
            throw invalid(portal, key, "nothing follows the ':' (expected a port)");
        }
        if (!DIGITS.matcher(text).matches()) {
            throw invalid(portal, key, "port " + Quoted.of(text) + " is not a number");
        }
        if (text.length() > 5) {
            throw new InvalidInputException(key, "port " + Quoted.of(text) + " of portal " + Quoted.of(portal)
                    + " is not between 1 and 65535");
        }
        int port = Integer.parseInt(text);
        if (port < 1 || port > 65535) {
            throw new InvalidInputException(key, "port " + port + " of portal " + Quoted.of(portal)
                    + " is not between 1 and 65535");
        }
        return port;
    }

    static void checkHost(String host, String key) {
        requireNonNull(host, "host is null");
        if (host.isEmpty()) {
            throw new InvalidInputException(key, "portal has no host");
        }
        if (host.indexOf(':') >= 0) {
            if (!isIpv6(host)) {
                throw new InvalidInputException(key, Quoted.of(host) + " is not an IPv6 address");
            }
        } else if (looksNumeric(host)) {
            if (!isIpv4(host)) {
                throw new InvalidInputException(key, Quoted.of(host)
                        + " is not an IPv4 address (four decimal numbers 0 to 255, no leading zeros)");
            }
        } else if (!isHostName(host)) {
            throw new InvalidInputException(key, Quoted.of(host) + " is not a host name or an IP address");
        }
    }

    static void checkPort(int port, String key) {
        if (port < 1 || port > 65535) {
            throw new InvalidInputException(key, "port " + port + " is not between 1 and 65535");
        }
    }

    private static InvalidInputException invalid(String portal, String key, String why) {
        return new InvalidInputException(key, Quoted.of(portal) + " is not a portal: " + why);
    }

    private static boolean looksNumeric(String host) {
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            if (c != '.' && (c < '0' || c > '9')) {
                return false;
            }
        }
        return true;
    }

    static boolean isIpv4(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 3 || !DIGITS.matcher(part).matches()
                    || (part.length() > 1 && part.charAt(0) == '0') || Integer.parseInt(part) > 255) {
                return false;
            }
        }
        return true;
    }

    static boolean isIpv6(String text) {
        String address = text;
        int percent = text.indexOf('%');
        if (percent >= 0) {
            if (!ZONE.matcher(text.substring(percent + 1)).matches()) {
                return false;
            }
            address = text.substring(0, percent);
        }
        int doubleColon = address.indexOf("::");
        if (doubleColon >= 0 && address.indexOf("::", doubleColon + 1) >= 0) {
            return false;
        }
        int groups;
        if (doubleColon >= 0) {
            String head = address.substring(0, doubleColon);
            String tail = address.substring(doubleColon + 2);
            int headGroups = groups(head, false);
            int tailGroups = groups(tail, true);
            if (headGroups < 0 || tailGroups < 0) {
                return false;
            }
            groups = headGroups + tailGroups;
            return groups <= 7;
        }
        groups = groups(address, true);
        return groups == 8;
    }

    /**
     * Counts the 16-bit groups of a run of {@code h16:h16:...} (an empty run has none); a dotted quad at the end,
     * when allowed, counts as two. Returns -1 when the run is malformed.
     */
    private static int groups(String run, boolean ipv4Allowed) {
        if (run.isEmpty()) {
            return 0;
        }
        String[] parts = run.split(":", -1);
        int count = 0;
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i];
            if (i == parts.length - 1 && ipv4Allowed && part.indexOf('.') >= 0) {
                if (!isIpv4(part)) {
                    return -1;
                }
                count += 2;
            } else if (HEX_GROUP.matcher(part).matches()) {
                count++;
            } else {
                return -1;
            }
        }
        return count;
    }

    static boolean isHostName(String text) {
        if (text.length() > MAX_HOST_NAME) {
            return false;
        }
        for (String label : text.split("\\.", -1)) {
            if (!LABEL.matcher(label).matches()) {
                return false;
            }
        }
        return true;
    }
}
