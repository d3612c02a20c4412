package io.brick.core.model;

import java.util.Locale;

/**
 * Input text as error messages show it: in quotes, control and non-ASCII characters escaped, cut after 80
 * characters (a damaged sysfs attribute can hold 64 KiB). Only for values that are not secrets (names, addresses,
 * numbers, attribute contents).
 */
public final class Quoted {
    private static final int MAX_SHOWN = 80;

    private Quoted() {
    }

    /** {@code text} quoted, escaped and cut as described above. */
    public static String of(String text) {
        StringBuilder out = new StringBuilder("'");
        int shown = Math.min(text.length(), MAX_SHOWN);
        for (int i = 0; i < shown; i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c >= 0x7f) {
                out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        out.append('\'');
        if (text.length() > MAX_SHOWN) {
            out.append(" (cut, ").append(text.length()).append(" characters)");
        }
        return out.toString();
    }
}
