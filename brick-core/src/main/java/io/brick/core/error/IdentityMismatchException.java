package io.brick.core.error;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A device at the volume's address carries another WWID than the volume (a stale device of a reused LUN, or a
 * caller-provided WWID that does not match). Such a device is never returned nor removed as the volume's.
 */
public final class IdentityMismatchException extends BrickException {
    public IdentityMismatchException(String expectedWwid, String foundWwid, String hctl, String device) {
        super("identity-mismatch", "device " + device + " at " + hctl + " has WWID " + foundWwid + ", expected " + expectedWwid,
                false, evidence(expectedWwid, foundWwid, hctl, device));
    }

    private static Map<String, String> evidence(String expected, String found, String hctl, String device) {
        Map<String, String> evidence = new LinkedHashMap<>();
        evidence.put("expectedWwid", expected);
        evidence.put("foundWwid", found);
        evidence.put("hctl", hctl);
        evidence.put("device", device);
        return evidence;
    }
}
