package io.brick.core.error;

import java.util.LinkedHashMap;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * Base of every error brick raises on purpose: an expected condition of the host, the storage or the input,
 * described by what was observed.
 *
 * <p>Each error has a stable {@link #kind()} (for scripts and the CLI's JSON), the {@link #evidence()} that was
 * observed (device names, WWIDs, exit codes, holders: never a secret), and says whether trying again may help
 * ({@link #retriable()}). Programming errors are not {@code BrickException}s: they are
 * {@link IllegalArgumentException}s and {@link IllegalStateException}s.
 */
public abstract class BrickException extends RuntimeException {
    private final String kind;
    private final boolean retriable;
    private final Map<String, String> evidence;

    protected BrickException(String kind, String message, boolean retriable, Map<String, String> evidence, Throwable cause) {
        super(requireNonNull(message, "message is null"), cause);
        this.kind = requireNonNull(kind, "kind is null");
        this.retriable = retriable;
        this.evidence = copyOrdered(requireNonNull(evidence, "evidence is null"));
    }

    protected BrickException(String kind, String message, boolean retriable, Map<String, String> evidence) {
        this(kind, message, retriable, evidence, null);
    }

    /** A short, stable, kebab-case name of this kind of error, e.g. {@code invalid-input}. */
    public String kind() {
        return kind;
    }

    /** Whether the same operation, tried again later, may succeed. */
    public boolean retriable() {
        return retriable;
    }

    /** What was observed, in the order it was recorded; values never hold secrets. */
    public Map<String, String> evidence() {
        return evidence;
    }

    private static Map<String, String> copyOrdered(Map<String, String> evidence) {
        Map<String, String> copy = new LinkedHashMap<>();
        evidence.forEach((key, value) -> copy.put(requireNonNull(key, "evidence key is null"), String.valueOf(value)));
        return java.util.Collections.unmodifiableMap(copy);
    }
}
