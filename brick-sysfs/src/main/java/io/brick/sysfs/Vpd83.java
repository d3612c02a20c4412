package io.brick.sysfs;

import io.brick.core.error.InvalidInputException;
import io.brick.core.model.Wwid;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The WWID udev's {@code scsi_id} derives from a device's VPD page 0x83 (Device Identification), for devices whose
 * {@code wwid} attribute is missing: the best designator associated with the logical unit, in udev form: NAA
 * ({@code 3} + hex), then EUI-64 ({@code 2} + hex), then T10 vendor id ({@code 1} + text, spaces as {@code _}), then
 * SCSI name string ({@code 8} + text).
 */
final class Vpd83 {
    private static final int ASSOCIATION_LUN = 0;
    private static final int[] PREFERENCE = {3, 2, 1, 8};

    private Vpd83() {
    }

    /** The WWID of a raw page 0x83; empty when the page is malformed or holds no LUN designator of those types. */
    static Optional<Wwid> wwid(byte[] page) {
        if (page.length < 4 || (page[1] & 0xff) != 0x83) {
            return Optional.empty();
        }
        int end = Math.min(page.length, 4 + (((page[2] & 0xff) << 8) | (page[3] & 0xff)));
        byte[][] best = new byte[PREFERENCE.length][];
        int offset = 4;
        while (offset + 4 <= end) {
            int type = page[offset + 1] & 0x0f;
            int association = (page[offset + 1] >> 4) & 0x03;
            int length = page[offset + 3] & 0xff;
            if (offset + 4 + length > end) {
                break;
            }
            if (association == ASSOCIATION_LUN) {
                for (int rank = 0; rank < PREFERENCE.length; rank++) {
                    if (PREFERENCE[rank] == type && best[rank] == null && length > 0) {
                        best[rank] = java.util.Arrays.copyOfRange(page, offset + 4, offset + 4 + length);
                    }
                }
            }
            offset += 4 + length;
        }
        for (int rank = 0; rank < PREFERENCE.length; rank++) {
            if (best[rank] != null) {
                Optional<Wwid> wwid = format(PREFERENCE[rank], best[rank]);
                if (wwid.isPresent()) {
                    return wwid;
                }
            }
        }
        return Optional.empty();
    }

    private static Optional<Wwid> format(int type, byte[] designator) {
        String value = switch (type) {
            case 3, 2 -> type + HexFormat.of().formatHex(designator);
            default -> type + text(designator);
        };
        try {
            return value.length() > 1 ? Optional.of(Wwid.of(value)) : Optional.empty();
        } catch (InvalidInputException e) {
            return Optional.empty();
        }
    }

    /** ASCII designator text without trailing NULs and spaces, inner spaces as {@code _}. */
    private static String text(byte[] designator) {
        int length = designator.length;
        while (length > 0 && (designator[length - 1] == 0 || designator[length - 1] == ' ')) {
            length--;
        }
        return new String(designator, 0, length, StandardCharsets.US_ASCII).replace(' ', '_');
    }
}
