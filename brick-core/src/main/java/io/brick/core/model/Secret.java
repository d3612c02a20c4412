package io.brick.core.model;

import static java.util.Objects.requireNonNull;

/**
 * A secret (a CHAP password). It never shows itself: {@link #toString()} prints {@code ***}, and equality is by
 * identity of content only through {@link #matches(Secret)}, so a secret does not leak through collections' or
 * records' {@code toString()} either.
 */
public final class Secret {
    /** What brick prints wherever a secret would appear. */
    public static final String MASK = "***";

    private final String value;

    private Secret(String value) {
        this.value = requireNonNull(value, "value is null");
    }

    public static Secret of(String value) {
        return new Secret(value);
    }

    /** The secret itself, for the one place that must hand it to a tool (as a masked command argument). */
    public String reveal() {
        return value;
    }

    public boolean isEmpty() {
        return value.isEmpty();
    }

    /** Whether both hold the same secret. */
    public boolean matches(Secret other) {
        return other != null && java.security.MessageDigest.isEqual(
                value.getBytes(java.nio.charset.StandardCharsets.UTF_8), other.value.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Secret secret && matches(secret);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }

    @Override
    public String toString() {
        return MASK;
    }
}
