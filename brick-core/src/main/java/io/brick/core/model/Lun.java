package io.brick.core.model;

import io.brick.core.error.InvalidInputException;

import java.math.BigInteger;

/**
 * A logical unit number, 0 to 2^64-1 (held as an unsigned {@code long}).
 */
public record Lun(long value) implements Comparable<Lun> {
    private static final BigInteger MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

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

    /** A LUN from a JSON number or digit string; {@code key} names the input key in errors. */
    public static Lun parse(BigInteger value, String key) {
        if (value.signum() < 0) {
            throw new InvalidInputException(key, "LUN " + value + " is negative");
        }
        if (value.compareTo(MAX) > 0) {
            throw new InvalidInputException(key, "LUN " + value + " is over 2^64-1");
        }
        return new Lun(value.longValue());
    }

    /** The LUN to scan and match for the given addressing mode (os-brick's {@code lun_for_addressing}). */
    public Lun forAddressing(LunAddressing mode) {
        return switch (mode) {
            case SAM, TRANSPARENT -> this;
            case SAM2 -> Long.compareUnsigned(value, 256) >= 0 ? new Lun(value + 16384) : this;
            case SAM3_FLAT -> new Lun(value + 16384);
        };
    }

    /**
     * The LUN as udev writes it in {@code /dev/disk/by-path} names: decimal below 256, otherwise the 16-hex-digit
     * SAM form {@code 0x%04x%04x00000000} (low 16 bits first, then bits 16-31).
     */
    public String byPathForm() {
        if (Long.compareUnsigned(value, 256) < 0) {
            return Long.toString(value);
        }
        return String.format(java.util.Locale.ROOT, "0x%04x%04x00000000", value & 0xffff, (value >>> 16) & 0xffff);
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
