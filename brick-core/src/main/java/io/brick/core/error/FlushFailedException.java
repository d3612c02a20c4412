package io.brick.core.error;

import java.util.Map;

/**
 * A device or multipath map could not be flushed. Without {@code force} nothing under it was removed. The evidence
 * names what held it: holders, open count, queueing with all paths down.
 */
public final class FlushFailedException extends BrickException {
    public FlushFailedException(String message, Map<String, String> evidence, Throwable cause) {
        super("flush-failed", message, true, evidence, cause);
    }
}
