package io.brick.core.error;

import java.util.Map;

/**
 * brick refused a file or directory it was about to write (or create, or lock) as root, because a user other than
 * brick's own could have chosen what it is: a directory owned by another user or writable by group or others, a
 * symbolic link, a hard link, a file of the wrong type. Nothing was written. The message says what was found and
 * how to fix it; the evidence holds the path, its owner and mode. Not retriable: the same path stays refused until
 * an operator fixes it.
 */
public final class UnsafePathException extends BrickException {
    public UnsafePathException(String message, Map<String, String> evidence) {
        super("unsafe-path", message, false, evidence);
    }
}
