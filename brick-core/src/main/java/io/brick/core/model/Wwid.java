package io.brick.core.model;

import io.brick.core.error.InvalidInputException;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * A device's world-wide identifier in udev's form, the form multipath names maps by and os-brick returns as
 * {@code scsi_wwn}: a type digit then the identifier ({@code 3} NAA, {@code 1} T10 vendor id, {@code 2} EUI-64,
 * {@code 8} SCSI name string), e.g. {@code 360014053b8c2d6119a414f0b8e275d1c}. Printable ASCII without spaces,
 * {@code /} or {@code \}, since WWIDs become parts of {@code /dev/disk/by-id} and {@code /dev/mapper} names.
 */
public record Wwid(String value) {
    /** The longest WWID taken. */
    private static final int MAX_LENGTH = 512;
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");
    private static final Pattern NOT_UDEV_SAFE = Pattern.compile("[^0-9A-Za-z#+\\-.:=@_]");

    public Wwid {
        requireNonNull(value, "value is null");
        if (!wellFormed(value)) {
            throw new InvalidInputException("wwid", Quoted.of(value)
                    + " is not a WWID (2 to 512 printable ASCII characters without spaces or '/', starting with a letter or digit)");
        }
    }

    /**
     * 2 to 512 characters, the first an ASCII letter or digit, the others printable ASCII but {@code /} and {@code \}:
     * written out rather than as a pattern, since a connect checks every line of multipath's wwids file with it (tens
     * of thousands on a big host).
     */
    private static boolean wellFormed(String value) {
        int length = value.length();
        if (length < 2 || length > MAX_LENGTH) {
            return false;
        }
        char first = value.charAt(0);
        if (!((first >= '0' && first <= '9') || (first >= 'a' && first <= 'z') || (first >= 'A' && first <= 'Z'))) {
            return false;
        }
        for (int i = 1; i < length; i++) {
            char c = value.charAt(i);
            if (c < 0x21 || c > 0x7e || c == '/' || c == '\\') {
                return false;
            }
        }
        return true;
    }

    public static Wwid of(String value) {
        return new Wwid(value);
    }

    /**
     * The udev form of what the kernel writes in {@code device/wwid}: {@code naa.} becomes {@code 3}, {@code t10.}
     * {@code 1}, {@code eui.} {@code 2}, anything else {@code 8} in place of its 4-character prefix (as os-brick and
     * udev's scsi_id do). As udev does, runs of whitespace become one {@code _} (T10 vendor ids are space-padded)
     * and characters udev does not keep in names become {@code _}. Text of four characters or less has no WWID.
     */
    public static Optional<Wwid> fromSysfs(String sysfsWwid) {
        String text = sysfsWwid.strip();
        if (text.length() <= 4) {
            return Optional.empty();
        }
        String prefix = text.substring(0, 4).toLowerCase(Locale.ROOT);
        String digit = switch (prefix) {
            case "naa." -> "3";
            case "t10." -> "1";
            case "eui." -> "2";
            default -> "8";
        };
        String rest = NOT_UDEV_SAFE.matcher(WHITESPACE.matcher(text.substring(4).strip()).replaceAll("_"))
                .replaceAll("_");
        if (rest.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Wwid(digit + rest));
    }

    @Override
    public String toString() {
        return value;
    }
}
