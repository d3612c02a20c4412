package io.brick.core.error;

import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * Input from outside (connection properties, device_info, a CLI argument) is missing, of the wrong type or
 * out of range. Raised before any command runs; never retriable. The message names the offending key and never
 * repeats a secret value.
 */
public final class InvalidInputException extends BrickException {
    private final String key;

    public InvalidInputException(String key, String reason) {
        super("invalid-input", requireNonNull(key, "key is null") + ": " + requireNonNull(reason, "reason is null"),
                false, Map.of("key", key, "reason", reason));
        this.key = key;
    }

    /** The key (or argument name) that was wrong, e.g. {@code target_portal} or {@code target_luns[1]}. */
    public String key() {
        return key;
    }

    /** The same error, reported under an outer key: {@code target_portal} becomes {@code target_portals[2]}. */
    public InvalidInputException under(String outerKey) {
        String reason = getMessage().substring(key.length() + 2);
        InvalidInputException moved = new InvalidInputException(outerKey, reason);
        moved.setStackTrace(getStackTrace());
        return moved;
    }
}
