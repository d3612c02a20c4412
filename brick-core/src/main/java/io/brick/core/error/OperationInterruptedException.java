package io.brick.core.error;

import java.util.Map;

/**
 * The calling thread was interrupted while brick waited or ran a command. The interrupt flag is set again before
 * this is thrown; whatever command was running has been ended.
 */
public final class OperationInterruptedException extends BrickException {
    public OperationInterruptedException(String what, InterruptedException cause) {
        super("interrupted", what + " was interrupted", true, Map.of("during", what), cause);
    }
}
