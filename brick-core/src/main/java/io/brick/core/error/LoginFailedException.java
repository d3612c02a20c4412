package io.brick.core.error;

import java.util.Map;

/** A transport login (an iSCSI session) failed; the evidence says why (auth, target gone, timeout, exit code). */
public final class LoginFailedException extends BrickException {
    private final String reason;

    public LoginFailedException(String message, String reason, boolean retriable, Map<String, String> evidence, Throwable cause) {
        super("login-failed", message, retriable, evidence, cause);
        this.reason = reason;
    }

    /** A short reason: {@code auth}, {@code target-not-found}, {@code timeout}, {@code transport}, {@code other}. */
    public String reason() {
        return reason;
    }
}
