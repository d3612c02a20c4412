package io.brick.core.json;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Collection;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;

/**
 * The writer behind {@link Json#write(Object)} and {@link Json#writePretty(Object)}.
 *
 * <p>Writes {@link String}, {@link Boolean}, {@link Number} (as given: a {@link BigDecimal} keeps its digits),
 * {@link Map} with {@link String} keys (in its iteration order), {@link Collection} (in its order), {@link Json#NULL}
 * and Java {@code null}. Control characters, {@code "} and {@code \} are escaped, and so are lone surrogates (so the
 * output is always valid UTF-8) and U+2028/U+2029. Any other type, a non-string key or a non-finite number is a
 * programming error ({@link IllegalArgumentException}).
 */
final class JsonWriter {
    private static final String INDENT = "  ";
    private static final int MAX_DEPTH = 256;

    private final StringBuilder out = new StringBuilder();
    private final boolean pretty;

    private JsonWriter(boolean pretty) {
        this.pretty = pretty;
    }

    static String write(Object value, boolean pretty) {
        JsonWriter writer = new JsonWriter(pretty);
        writer.value(value, 0);
        return writer.out.toString();
    }

    private void value(Object value, int depth) {
        if (depth > MAX_DEPTH) {
            throw new IllegalArgumentException("value nested more than " + MAX_DEPTH + " levels deep (a cycle?)");
        }
        if (value == null || value == Json.NULL) {
            out.append("null");
        } else if (value instanceof String text) {
            string(text);
        } else if (value instanceof Boolean bool) {
            out.append(bool.booleanValue() ? "true" : "false");
        } else if (value instanceof Number number) {
            number(number);
        } else if (value instanceof Map<?, ?> map) {
            object(map, depth);
        } else if (value instanceof Collection<?> collection) {
            array(collection, depth);
        } else {
            throw new IllegalArgumentException("cannot write a " + value.getClass().getName() + " as JSON");
        }
    }

    private void number(Number number) {
        if (number instanceof BigDecimal || number instanceof BigInteger || number instanceof Long
                || number instanceof Integer || number instanceof Short || number instanceof Byte) {
            out.append(number);
        } else if (number instanceof Double || number instanceof Float) {
            double d = number.doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                throw new IllegalArgumentException("JSON has no " + d);
            }
            out.append(BigDecimal.valueOf(d).stripTrailingZeros().toString());
        } else {
            // other Number types (AtomicLong, ...): their decimal text, checked to be a JSON number
            BigDecimal parsed;
            try {
                parsed = new BigDecimal(number.toString());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("cannot write " + number.getClass().getName() + " as a JSON number", e);
            }
            out.append(parsed);
        }
    }

    private void object(Map<?, ?> map, int depth) {
        if (map.isEmpty()) {
            out.append("{}");
            return;
        }
        out.append('{');
        Iterator<? extends Map.Entry<?, ?>> entries = map.entrySet().iterator();
        while (entries.hasNext()) {
            Map.Entry<?, ?> entry = entries.next();
            if (!(entry.getKey() instanceof String key)) {
                throw new IllegalArgumentException("JSON object keys must be strings, found "
                        + (entry.getKey() == null ? "null" : entry.getKey().getClass().getName()));
            }
            newline(depth + 1);
            string(key);
            out.append(pretty ? ": " : ":");
            value(entry.getValue(), depth + 1);
            if (entries.hasNext()) {
                out.append(',');
            }
        }
        newline(depth);
        out.append('}');
    }

    private void array(Collection<?> collection, int depth) {
        if (collection.isEmpty()) {
            out.append("[]");
            return;
        }
        out.append('[');
        Iterator<?> elements = collection.iterator();
        while (elements.hasNext()) {
            newline(depth + 1);
            value(elements.next(), depth + 1);
            if (elements.hasNext()) {
                out.append(',');
            }
        }
        newline(depth);
        out.append(']');
    }

    private void newline(int depth) {
        if (pretty) {
            out.append('\n');
            out.append(INDENT.repeat(depth));
        }
    }

    private void string(String text) {
        out.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f || c == '\u2028' || c == '\u2029') {
                        unicodeEscape(c);
                    } else if (Character.isHighSurrogate(c) && i + 1 < text.length()
                            && Character.isLowSurrogate(text.charAt(i + 1))) {
                        out.append(c).append(text.charAt(i + 1));
                        i++;
                    } else if (Character.isSurrogate(c)) {
                        unicodeEscape(c);
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    private void unicodeEscape(char c) {
        out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
    }
}
