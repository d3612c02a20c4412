package io.brick.core.model;

import java.util.Comparator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The order brick lists kernel object names in ({@code dm-2} before {@code dm-10}, {@code rport-5:0-2} before
 * {@code rport-5:0-10}): names that share a prefix and end in a number compare by that number; any other pair compares
 * as strings. One rule for every reader, so the topology, the transports and their tests list alike.
 */
public final class KernelNames {
    /** A name's prefix and its number suffix (at most nine digits, so it fits an {@code int}). */
    private static final Pattern NAME_NUMBER = Pattern.compile("(.*?)(\\d{1,9})");

    /** {@link #compare} as a comparator. */
    public static final Comparator<String> ORDER = KernelNames::compare;

    private KernelNames() {
    }

    /**
     * Compares two kernel names: by the number suffix where both have one after the same prefix, otherwise as strings.
     *
     * @return negative, zero or positive as {@code left} sorts before, with or after {@code right}
     */
    public static int compare(String left, String right) {
        Matcher a = NAME_NUMBER.matcher(left);
        Matcher b = NAME_NUMBER.matcher(right);
        if (a.matches() && b.matches() && a.group(1).equals(b.group(1))) {
            return Integer.compare(Integer.parseInt(a.group(2)), Integer.parseInt(b.group(2)));
        }
        return left.compareTo(right);
    }

    /** Whether a name is a device-mapper device's kernel name: {@code dm-} and a number of at most nine digits. */
    public static boolean isDeviceMapper(String name) {
        if (name == null || name.length() < 4 || name.length() > 12 || !name.startsWith("dm-")) {
            return false;
        }
        for (int index = 3; index < name.length(); index++) {
            char each = name.charAt(index);
            if (each < '0' || each > '9') {
                return false;
            }
        }
        return true;
    }
}
