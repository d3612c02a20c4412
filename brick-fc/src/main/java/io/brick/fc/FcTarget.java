package io.brick.fc;

import io.brick.core.error.InvalidInputException;
import io.brick.core.model.Lun;

import java.util.Locale;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * One path of a Fibre Channel volume as the storage names it: a target port's WWPN and the LUN it presents the
 * volume as (os-brick's {@code (wwpn, lun)} pairs of {@code targets}).
 *
 * @param wwpn the target port's WWPN: 16 lower-case hex digits, without {@code 0x} or colons
 * @param lun the LUN as the kernel sees it (after the volume's {@code addressing_mode})
 */
public record FcTarget(String wwpn, Lun lun) {
    private static final Pattern WWN = Pattern.compile("[0-9a-f]{16}");

    public FcTarget {
        requireNonNull(wwpn, "wwpn is null");
        requireNonNull(lun, "lun is null");
        if (!WWN.matcher(wwpn).matches()) {
            throw new IllegalArgumentException("not a normalised WWPN: " + wwpn);
        }
    }

    /**
     * A WWN as os-brick's callers write it, normalised: surrounding blanks, a {@code 0x} prefix and colons
     * ({@code 20:21:00:02:ac:00:38:3d}) removed, lower case. Anything but 16 hex digits is invalid input naming
     * {@code key}: a WWPN is later compared with sysfs and written into by-path names, never handed to a shell.
     */
    public static String wwn(String text, String key) {
        requireNonNull(text, "text is null");
        requireNonNull(key, "key is null");
        String value = text.strip().toLowerCase(Locale.ROOT);
        if (value.startsWith("0x")) {
            value = value.substring(2);
        }
        value = value.replace(":", "");
        if (!WWN.matcher(value).matches()) {
            throw new InvalidInputException(key, quoted(text) + " is not a WWN (16 hex digits)");
        }
        return value;
    }

    /** Input text for a message: quoted, control and non-ASCII characters escaped, at most 40 characters. */
    static String quoted(String text) {
        StringBuilder out = new StringBuilder("'");
        for (int i = 0; i < Math.min(text.length(), 40); i++) {
            char c = text.charAt(i);
            out.append(c < 0x20 || c >= 0x7f ? String.format(Locale.ROOT, "\\u%04x", (int) c) : String.valueOf(c));
        }
        return out.append(text.length() > 40 ? "...'" : "'").toString();
    }

    @Override
    public String toString() {
        return "0x" + wwpn + " LUN " + lun;
    }
}
