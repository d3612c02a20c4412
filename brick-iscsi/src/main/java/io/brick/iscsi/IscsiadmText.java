package io.brick.iscsi;

import io.brick.core.error.InvalidInputException;

import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Pattern;

/**
 * Small pieces shared by the iscsiadm output parsers (lines and fields are core's {@code ToolText}): portals with
 * tags and iSCSI names as iscsiadm prints them. Nothing here throws on malformed text: it answers empty, and the parser
 * decides what to log.
 */
final class IscsiadmText {
    /** The largest target portal group tag (a 16-bit value). */
    static final int MAX_TPGT = 65535;
    /** What iscsiadm prints for a value that is not set. */
    static final String EMPTY_VALUE = "<empty>";
    /** How node lists print a tpgt of -1 (as an unsigned 32-bit number). */
    private static final long UNSIGNED_MINUS_ONE = 4294967295L;
    private static final Pattern DIGITS = Pattern.compile("[0-9]{1,10}");

    private IscsiadmText() {
    }

    /**
     * {@code address:port,tpgt} as iscsiadm prints it: {@code 10.0.0.1:3260,1}, {@code [2001:db8::1]:3260,-1},
     * {@code host:3260,4294967295}. Empty when any part is missing or invalid (e.g. the corrupt {@code []:port3,-1}).
     */
    static Optional<TaggedPortal> taggedPortal(String text) {
        int comma = text.lastIndexOf(',');
        if (comma < 0) {
            return Optional.empty();
        }
        OptionalInt tpgt = tpgt(text.substring(comma + 1));
        if (tpgt.isEmpty()) {
            return Optional.empty();
        }
        return portal(text.substring(0, comma)).map(portal -> new TaggedPortal(portal, tpgt.getAsInt()));
    }

    /**
     * {@code address:port} as iscsiadm prints it: an IPv6 address in brackets, anything else unbracketed with the
     * port after the last {@code :} (iscsiadm always prints the port). Empty when it is not a valid portal.
     */
    static Optional<Portal> portal(String text) {
        try {
            if (text.startsWith("[")) {
                return Optional.of(Portal.parse(text, "portal"));
            }
            int colon = text.lastIndexOf(':');
            if (colon <= 0) {
                return Optional.empty();
            }
            OptionalInt port = number(text.substring(colon + 1));
            if (port.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(new Portal(text.substring(0, colon), port.getAsInt()));
        } catch (InvalidInputException e) {
            return Optional.empty();
        }
    }

    /** A portal group tag: -1 to 65535, with the unsigned form of -1 ({@code 4294967295}) read as -1. */
    static OptionalInt tpgt(String text) {
        if (text.equals("-1")) {
            return OptionalInt.of(-1);
        }
        if (!DIGITS.matcher(text).matches()) {
            return OptionalInt.empty();
        }
        long value = Long.parseLong(text);
        if (value == UNSIGNED_MINUS_ONE) {
            return OptionalInt.of(-1);
        }
        return value <= MAX_TPGT ? OptionalInt.of((int) value) : OptionalInt.empty();
    }

    /** A non-negative decimal int (up to 10 digits), or empty. */
    static OptionalInt number(String text) {
        if (!DIGITS.matcher(text).matches()) {
            return OptionalInt.empty();
        }
        long value = Long.parseLong(text);
        return value <= Integer.MAX_VALUE ? OptionalInt.of((int) value) : OptionalInt.empty();
    }

    /** The name as an {@link Iqn} when it is a valid iSCSI name ({@code iqn.}, {@code eui.}, {@code naa.}). */
    static Optional<Iqn> iscsiName(String name) {
        try {
            return Optional.of(Iqn.of(name));
        } catch (InvalidInputException e) {
            return Optional.empty();
        }
    }

    /** Whether the name has an iSCSI name's prefix ({@code iqn.}, {@code eui.}, {@code naa.}, any case). */
    static boolean hasIscsiNamePrefix(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.startsWith("iqn.") || lower.startsWith("eui.") || lower.startsWith("naa.");
    }

    /** A value as iscsiadm prints it, with {@code <empty>} (and blank) read as absent. */
    static Optional<String> value(String text) {
        String stripped = text.strip();
        return stripped.isEmpty() || stripped.equals(EMPTY_VALUE) ? Optional.empty() : Optional.of(stripped);
    }

    /** Whether a key names a secret (CHAP passwords): its value is never logged. */
    static boolean isSecretKey(String key) {
        return key.toLowerCase(Locale.ROOT).contains("password");
    }
}
