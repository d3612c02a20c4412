package io.brick.core.error;

import java.util.Map;

/**
 * The host could not be read or written as expected: a sysfs file that cannot be read, a write the kernel refused,
 * tool output that could not be parsed.
 */
public final class HostStateException extends BrickException {
    public HostStateException(String message, boolean retriable, Map<String, String> evidence, Throwable cause) {
        super("host-state", message, retriable, evidence, cause);
    }

    public HostStateException(String message, Map<String, String> evidence) {
        this(message, true, evidence, null);
    }
}
