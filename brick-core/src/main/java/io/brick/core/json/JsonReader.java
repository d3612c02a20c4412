package io.brick.core.json;

import io.brick.core.error.InvalidInputException;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * The parser behind {@link Json#parse(String, String)}: a strict RFC 8259 recursive-descent reader.
 *
 * <p>Errors are {@link InvalidInputException}s under the key {@code what} and say where the text went wrong (line,
 * column) and what was expected, but never repeat the input: connection properties carry CHAP secrets.
 */
final class JsonReader {
    /** Deepest nesting of arrays and objects accepted. */
    static final int MAX_DEPTH = 64;
    /** Largest input accepted by default, in UTF-8 bytes (1 MiB). */
    static final int MAX_BYTES = 1024 * 1024;
    /** Longest number accepted, in characters (RFC 8259 §9 lets a parser limit numbers' range and precision). */
    static final int MAX_NUMBER_LENGTH = 256;

    private final String text;
    private final String what;
    private int pos;

    private JsonReader(String text, String what) {
        this.text = text;
        this.what = what;
    }

    static Object read(String text, String what, int maxBytes) {
        requireNonNull(text, "text is null");
        requireNonNull(what, "what is null");
        if (utf8Length(text, maxBytes) > maxBytes) {
            throw new InvalidInputException(what, "JSON text is over " + size(maxBytes));
        }
        JsonReader reader = new JsonReader(text, what);
        reader.skipWhitespace();
        if (reader.pos == text.length()) {
            throw new InvalidInputException(what, "not JSON: the text is empty");
        }
        Object value = reader.value(0);
        reader.skipWhitespace();
        if (reader.pos != text.length()) {
            throw reader.error("the end of the text after the JSON value");
        }
        return value;
    }

    /** The limit as people write it: {@code 1 MiB}, {@code 64 MiB}, else in bytes. */
    private static String size(int bytes) {
        return bytes % (1024 * 1024) == 0 ? bytes / (1024 * 1024) + " MiB" : bytes + " bytes";
    }

    /** The text's length in UTF-8 bytes, or any number over {@code maxBytes} once it is known to be over. */
    private static long utf8Length(String text, int maxBytes) {
        // every character is at least one byte
        if (text.length() > maxBytes) {
            return text.length();
        }
        long bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }

    private Object value(int depth) {
        if (pos >= text.length()) {
            throw error("a value");
        }
        char c = text.charAt(pos);
        switch (c) {
            case '{':
                return object(depth + 1);
            case '[':
                return array(depth + 1);
            case '"':
                return string();
            case 't':
                literal("true");
                return Boolean.TRUE;
            case 'f':
                literal("false");
                return Boolean.FALSE;
            case 'n':
                literal("null");
                return Json.NULL;
            default:
                if (c == '-' || (c >= '0' && c <= '9')) {
                    return number();
                }
                throw error("a value");
        }
    }

    private Map<String, Object> object(int depth) {
        checkDepth(depth);
        pos++; // '{'
        Map<String, Object> members = new LinkedHashMap<>();
        skipWhitespace();
        if (peek() == '}') {
            pos++;
            return Collections.unmodifiableMap(members);
        }
        while (true) {
            skipWhitespace();
            if (peek() != '"') {
                throw error("a string key");
            }
            int keyStart = pos;
            String key = string();
            if (members.containsKey(key)) {
                pos = keyStart;
                throw fail("duplicate key '" + printable(key) + "'");
            }
            skipWhitespace();
            expect(':');
            skipWhitespace();
            members.put(key, value(depth));
            skipWhitespace();
            char c = peek();
            if (c == ',') {
                pos++;
            } else if (c == '}') {
                pos++;
                return Collections.unmodifiableMap(members);
            } else {
                throw error("',' or '}'");
            }
        }
    }

    private List<Object> array(int depth) {
        checkDepth(depth);
        pos++; // '['
        List<Object> elements = new ArrayList<>();
        skipWhitespace();
        if (peek() == ']') {
            pos++;
            return List.of();
        }
        while (true) {
            skipWhitespace();
            elements.add(value(depth));
            skipWhitespace();
            char c = peek();
            if (c == ',') {
                pos++;
            } else if (c == ']') {
                pos++;
                return List.copyOf(elements);
            } else {
                throw error("',' or ']'");
            }
        }
    }

    private void checkDepth(int depth) {
        if (depth > MAX_DEPTH) {
            throw fail("nested more than " + MAX_DEPTH + " levels deep");
        }
    }

    private String string() {
        pos++; // opening quote
        StringBuilder out = new StringBuilder();
        while (true) {
            if (pos >= text.length()) {
                throw error("a closing '\"'");
            }
            char c = text.charAt(pos);
            if (c == '"') {
                pos++;
                return out.toString();
            }
            if (c < 0x20) {
                throw error("no control character inside a string (escape it)");
            }
            if (c != '\\') {
                out.append(c);
                pos++;
                continue;
            }
            pos++;
            if (pos >= text.length()) {
                throw error("an escape character");
            }
            char escape = text.charAt(pos);
            switch (escape) {
                case '"' -> out.append('"');
                case '\\' -> out.append('\\');
                case '/' -> out.append('/');
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
                case 'u' -> {
                    out.append(unicodeEscape());
                    continue;
                }
                default -> throw error("one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX");
            }
            pos++;
        }
    }

    /** Reads the four hex digits after {@code \\u}; {@code pos} is on the {@code u} and ends after the digits. */
    private char unicodeEscape() {
        int start = pos + 1;
        if (start + 4 > text.length()) {
            throw error("four hex digits after \\u");
        }
        int code = 0;
        for (int i = start; i < start + 4; i++) {
            int digit = hexValue(text.charAt(i));
            if (digit < 0) {
                pos = i;
                throw error("four hex digits after \\u");
            }
            code = code * 16 + digit;
        }
        pos = start + 4;
        return (char) code;
    }

    private static int hexValue(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    private BigDecimal number() {
        int start = pos;
        if (peek() == '-') {
            pos++;
        }
        if (peek() == '0') {
            pos++;
        } else if (isDigit(peek())) {
            digits();
        } else {
            throw error("a digit");
        }
        if (peek() == '.') {
            pos++;
            if (!isDigit(peek())) {
                throw error("a digit after '.'");
            }
            digits();
        }
        if (peek() == 'e' || peek() == 'E') {
            pos++;
            if (peek() == '+' || peek() == '-') {
                pos++;
            }
            if (!isDigit(peek())) {
                throw error("a digit in the exponent");
            }
            digits();
        }
        if (pos - start > MAX_NUMBER_LENGTH) {
            pos = start;
            throw fail("number longer than " + MAX_NUMBER_LENGTH + " characters");
        }
        try {
            return new BigDecimal(text.substring(start, pos));
        } catch (NumberFormatException e) {
            pos = start;
            throw fail("number out of range");
        }
    }

    private void digits() {
        while (isDigit(peek())) {
            pos++;
        }
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private void literal(String word) {
        if (!text.startsWith(word, pos)) {
            throw error("a value");
        }
        pos += word.length();
    }

    private void expect(char c) {
        if (peek() != c) {
            throw error("'" + c + "'");
        }
        pos++;
    }

    /** The character at {@code pos}, or {@code \0} at the end (never valid where a token is expected). */
    private char peek() {
        return pos < text.length() ? text.charAt(pos) : '\0';
    }

    private void skipWhitespace() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return;
            }
            pos++;
        }
    }

    private InvalidInputException error(String expected) {
        return fail("expected " + expected);
    }

    private InvalidInputException fail(String problem) {
        int line = 1;
        int column = 1;
        for (int i = 0; i < pos && i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                line++;
                column = 1;
            } else {
                column++;
            }
        }
        String where = pos >= text.length() ? "at the end of the text" : "at line " + line + ", column " + column;
        return new InvalidInputException(what, "not valid JSON: " + problem + " " + where);
    }

    /** A key for an error message: control characters escaped, long keys cut. Keys are names, not secrets. */
    private static String printable(String key) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < key.length() && i < 64; i++) {
            char c = key.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                out.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return key.length() > 64 ? out + "..." : out.toString();
    }
}
