package io.brick.core.json;

import java.util.List;
import java.util.Map;

/**
 * A small, strict JSON reader and writer (RFC 8259) for the inputs and outputs brick owns: connection properties,
 * device_info. Keeps brick-core free of third-party parsers.
 *
 * <p>Values read are immutable: {@link String}, {@link Boolean}, {@link java.math.BigDecimal} (numbers, exact),
 * {@link List}, {@link Map} (insertion-ordered, {@link String} keys) and {@link #NULL} for JSON {@code null}.
 * Input that is not JSON, too deeply nested (over 64 levels) or over 1 MiB is an
 * {@link io.brick.core.error.InvalidInputException}; duplicate keys in one object too. The error's key is the
 * {@code what} given to {@link #parse(String, String)}; its message says where the text went wrong but never repeats
 * the text (connection properties carry secrets). Lone surrogates in strings are accepted.
 *
 * <p>The 1 MiB limit is for input from outside. A larger document that brick trusts (a host recording of the
 * testkit, {@code sysfs.json}, which grows with the host's devices) is read with {@link #parse(String, String, int)}
 * and a limit chosen by its reader; every other rule stays the same.
 */
public final class Json {
    /** JSON {@code null} (immutable collections cannot hold Java {@code null}). */
    public static final Object NULL = JsonNull.INSTANCE;

    private Json() {
    }

    /** Largest input {@link #parse(String, String)} accepts, in UTF-8 bytes (1 MiB). */
    public static final int DEFAULT_MAX_BYTES = JsonReader.MAX_BYTES;

    /**
     * Parses one JSON text of at most {@link #DEFAULT_MAX_BYTES}; {@code what} names the input in errors (e.g.
     * {@code connection properties}). Use this for anything that comes from outside.
     */
    public static Object parse(String text, String what) {
        return JsonReader.read(text, what, JsonReader.MAX_BYTES);
    }

    /**
     * Parses one JSON text of at most {@code maxBytes} UTF-8 bytes, for a large document brick trusts, such as a
     * recorded host's {@code sysfs.json}; input from outside uses {@link #parse(String, String)} and its 1 MiB
     * limit. Only the size limit differs: nesting, numbers, duplicate keys and errors are as there.
     *
     * @throws IllegalArgumentException when {@code maxBytes} is not positive
     */
    public static Object parse(String text, String what, int maxBytes) {
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("maxBytes must be positive, was " + maxBytes);
        }
        return JsonReader.read(text, what, maxBytes);
    }

    /** Writes a value made of the types above (and {@link Number}, Java {@code null}) as compact JSON. */
    public static String write(Object value) {
        return JsonWriter.write(value, false);
    }

    /** Writes a value as indented JSON (two spaces), for humans. */
    public static String writePretty(Object value) {
        return JsonWriter.write(value, true);
    }

    enum JsonNull {
        INSTANCE;

        @Override
        public String toString() {
            return "null";
        }
    }
}
