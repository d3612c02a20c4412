package io.brick.core.model;

import io.brick.core.error.InvalidInputException;

import java.util.regex.Pattern;

/**
 * A SCSI address {@code host:channel:target:lun}, as the kernel names devices in sysfs ({@code 2:0:0:1}).
 * The LUN is the kernel's 64-bit LUN number, compared as an unsigned value.
 */
public record Hctl(int host, int channel, int target, long lun) implements PathAddress {
    private static final Pattern FORM = Pattern.compile("[0-9]{1,10}:[0-9]{1,10}:[0-9]{1,10}:[0-9]{1,20}");

    public Hctl {
        if (host < 0 || channel < 0 || target < 0) {
            throw new IllegalArgumentException("negative SCSI address component: " + host + ":" + channel + ":" + target);
        }
    }

    /** Parses {@code H:C:T:L} as the kernel writes it (decimal, L up to 2^64-1). */
    public static Hctl parse(String text) {
        String stripped = text.strip();
        if (!FORM.matcher(stripped).matches()) {
            throw new InvalidInputException("hctl", Quoted.of(text) + " is not H:C:T:L (four decimal numbers)");
        }
        String[] parts = stripped.split(":", -1);
        try {
            return new Hctl(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]), Integer.parseInt(parts[2]),
                    Long.parseUnsignedLong(parts[3]));
        } catch (NumberFormatException e) {
            throw new InvalidInputException("hctl", Quoted.of(text) + " is out of range for H:C:T:L");
        }
    }

    /** Always {@value PathAddress#SCSI}. */
    @Override
    public String kind() {
        return SCSI;
    }

    /** The LUN as a value. */
    public Lun lunValue() {
        return Lun.ofUnsigned(lun);
    }

    /** {@code targetH:C:T}, the name of the SCSI target directory in sysfs. */
    public String targetName() {
        return "target" + host + ":" + channel + ":" + target;
    }

    @Override
    public String toString() {
        return host + ":" + channel + ":" + target + ":" + Long.toUnsignedString(lun);
    }
}
