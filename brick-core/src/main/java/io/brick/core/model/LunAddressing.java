package io.brick.core.model;

import io.brick.core.error.InvalidInputException;

/**
 * How a storage array numbers LUNs (os-brick's {@code addressing_mode}); decides the LUN brick scans for and
 * matches in sysfs. The set is closed by the SCSI standards, so this is an enum.
 */
public enum LunAddressing {
    /** Peripheral device addressing as given: the LUN is used unchanged (the default). */
    SAM("SAM"),
    /** The LUN is used unchanged. */
    TRANSPARENT("transparent"),
    /** Flat addressing above 255: LUNs of 256 and more get 16384 added. */
    SAM2("SAM2"),
    /** Flat addressing for every LUN: 16384 is added. */
    SAM3_FLAT("SAM3-flat");

    private final String osBrickName;

    LunAddressing(String osBrickName) {
        this.osBrickName = osBrickName;
    }

    /** The name os-brick uses in {@code addressing_mode}. */
    public String osBrickName() {
        return osBrickName;
    }

    /** Parses os-brick's spelling exactly (case-sensitive, as os-brick does); {@code null} means {@link #SAM}. */
    public static LunAddressing parse(String value) {
        if (value == null) {
            return SAM;
        }
        for (LunAddressing mode : values()) {
            if (mode.osBrickName.equals(value)) {
                return mode;
            }
        }
        throw new InvalidInputException("addressing_mode", Quoted.of(value) + " is not one of SAM, transparent, SAM2, SAM3-flat");
    }
}
