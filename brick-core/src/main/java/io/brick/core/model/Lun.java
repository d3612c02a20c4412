package io.brick.core.model;

import io.brick.core.error.InvalidInputException;

import java.math.BigInteger;
import java.util.Locale;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * A logical unit number, 0 to 2^64-1 (held as an unsigned {@code long}: every {@code long} is a LUN, values with
 * the top bit set are the LUNs from 2^63 up). Ordered and printed as unsigned.
 */
public record Lun(long value) implements Comparable<Lun> {
    private static final BigInteger MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);
    private static final Pattern DIGITS = Pattern.compile("[0-9]+");
    private static final long FLAT_OFFSET = 16384;

    /** A LUN from a non-negative number; negative values are invalid input under key {@code target_lun}. */
    public static Lun of(long value) {
        if (value < 0) {
            throw new InvalidInputException("target_lun", "LUN " + value + " is negative");
        }
        return new Lun(value);
    }

    /** A LUN from the unsigned 64-bit pattern the kernel uses. */
    public static Lun ofUnsigned(long bits) {
        return new Lun(bits);
    }

    /** A LUN from an integer; negative or over 2^64-1 is invalid input naming {@code key}. */
    public static Lun parse(BigInteger value, String key) {
        requireNonNull(value, "value is null");
        requireNonNull(key, "key is null");
        if (value.signum() < 0) {
            throw new InvalidInputException(key, "LUN " + value + " is negative");
        }
        if (value.compareTo(MAX) > 0) {
            throw new InvalidInputException(key, "LUN " + value + " is over 2^64-1");
        }
        return new Lun(value.longValue());
    }

    /**
     * A LUN from decimal digits (os-brick's tests send {@code "1"}): only ASCII digits, no sign, no spaces;
     * {@code "-1"} is reported as negative. Errors name {@code key}.
     */
    public static Lun parse(String text, String key) {
        requireNonNull(text, "text is null");
        requireNonNull(key, "key is null");
        boolean negative = text.startsWith("-");
        String digits = negative ? text.substring(1) : text;
        if (!DIGITS.matcher(digits).matches()) {
            throw new InvalidInputException(key, "LUN " + Quoted.of(text) + " is not a whole number");
        }
        if (digits.length() > 40) {
            throw new InvalidInputException(key, negative ? "LUN " + Quoted.of(text) + " is negative"
                    : "LUN " + Quoted.of(text) + " is over 2^64-1");
        }
        return parse(new BigInteger(text), key);
    }

    /**
     * The LUN to scan and match for the given addressing mode (os-brick's {@code lun_for_addressing}):
     * {@code SAM3-flat} adds 16384 to every LUN, {@code SAM2} to LUNs of 256 and more, the others change nothing.
     * A sum over 2^64-1 is invalid input under {@code target_lun} (it would wrap around to another LUN).
     */
    public Lun forAddressing(LunAddressing mode) {
        requireNonNull(mode, "mode is null");
        return switch (mode) {
            case SAM, TRANSPARENT -> this;
            case SAM2 -> Long.compareUnsigned(value, 256) >= 0 ? plusFlatOffset(mode) : this;
            case SAM3_FLAT -> plusFlatOffset(mode);
        };
    }

    private Lun plusFlatOffset(LunAddressing mode) {
        long sum = value + FLAT_OFFSET;
        if (Long.compareUnsigned(sum, value) < 0) {
            throw new InvalidInputException("target_lun", "LUN " + this + " with addressing mode "
                    + mode.osBrickName() + " is over 2^64-1");
        }
        return new Lun(sum);
    }

    /**
     * The LUN as udev writes it in {@code /dev/disk/by-path} names: decimal below 256, otherwise the 16-hex-digit
     * SAM form {@code 0x%04x%04x00000000} (low 16 bits first, then bits 16-31).
     */
    public String byPathForm() {
        if (Long.compareUnsigned(value, 256) < 0) {
            return Long.toString(value);
        }
        return String.format(Locale.ROOT, "0x%04x%04x00000000", value & 0xffff, (value >>> 16) & 0xffff);
    }

    @Override
    public int compareTo(Lun other) {
        return Long.compareUnsigned(value, other.value);
    }

    @Override
    public String toString() {
        return Long.toUnsignedString(value);
    }
}
