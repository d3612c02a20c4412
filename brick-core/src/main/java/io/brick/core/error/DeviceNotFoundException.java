package io.brick.core.error;

import java.util.Map;

/** The volume's device did not appear (or is not there) where brick looked for it. */
public final class DeviceNotFoundException extends BrickException {
    public DeviceNotFoundException(String message, Map<String, String> evidence) {
        super("device-not-found", message, true, evidence);
    }
}
