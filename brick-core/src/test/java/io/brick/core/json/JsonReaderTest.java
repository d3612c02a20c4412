package io.brick.core.json;

import io.brick.core.error.InvalidInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JsonReaderTest {
    @Test
    void readsEveryValueTypeAsImmutableJavaValues() {
        Object value = Json.parse("{\"s\":\"x\",\"t\":true,\"f\":false,\"n\":null,\"i\":12,\"d\":-1.50,"
                + "\"e\":2E+3,\"a\":[1,\"two\",[]],\"o\":{}}", "test");

        assertThat(value).isInstanceOf(Map.class);
        Map<String, Object> map = object(value);
        assertThat(map.get("s")).isEqualTo("x");
        assertThat(map.get("t")).isEqualTo(Boolean.TRUE);
        assertThat(map.get("f")).isEqualTo(Boolean.FALSE);
        assertThat(map.get("n")).isSameAs(Json.NULL);
        assertThat(map.get("i")).isEqualTo(new BigDecimal("12"));
        assertThat(map.get("d")).isEqualTo(new BigDecimal("-1.50"));
        assertThat(map.get("e")).isEqualTo(new BigDecimal("2E+3"));
        assertThat(map.get("a")).isEqualTo(List.of(new BigDecimal("1"), "two", List.of()));
        assertThat(map.get("o")).isEqualTo(Map.of());
        assertThatThrownBy(() -> map.put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> list(map.get("a")).add("y")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void keepsTheOrderOfObjectMembers() {
        Map<String, Object> map = object(Json.parse("{\"z\":1,\"a\":2,\"m\":3,\"b\":4}", "test"));

        assertThat(map.keySet()).containsExactly("z", "a", "m", "b");
    }

    @Test
    void keepsNumbersExactly() {
        Object big = Json.parse("18446744073709551616", "test");
        Object precise = Json.parse("0.1000000000000000000000000001", "test");

        assertThat(big).isEqualTo(new BigDecimal("18446744073709551616"));
        assertThat(precise).isEqualTo(new BigDecimal("0.1000000000000000000000000001"));
    }

    @Test
    void readsScalarsAtTheTopAndSurroundingWhitespace() {
        assertThat(Json.parse(" \t\r\n\"x\" \n", "test")).isEqualTo("x");
        assertThat(Json.parse("null", "test")).isSameAs(Json.NULL);
        assertThat(Json.parse("-0", "test")).isEqualTo(new BigDecimal("-0"));
    }

    @Test
    void decodesEveryEscape() {
        Object value = Json.parse("\"q\\\" b\\\\ s\\/ \\b\\f\\n\\r\\t \\u00e9\\u20AC \\ud83d\\ude00\"", "test");

        assertThat(value).isEqualTo("q\" b\\ s/ \b\f\n\r\t \u00e9\u20ac \ud83d\ude00");
    }

    @Test
    void acceptsLoneSurrogates() {
        assertThat(Json.parse("\"\\ud800x\"", "test")).isEqualTo("\ud800x");
    }

    @Test
    void acceptsNonAsciiTextAsIs() {
        assertThat(Json.parse("\"grüße ✓\"", "test")).isEqualTo("grüße ✓");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "", "   ", "{", "}", "[", "]", "[1,]", "[,1]", "{\"a\":1,}", "{,}", "{\"a\" 1}", "{\"a\":}", "{a:1}",
            "{'a':1}", "{1:2}", "[1 2]", "\"abc", "\"a\\x\"", "\"\\u12\"", "\"\\u12g4\"", "\"\\u１２３４\"",
            "\"tab\tin string\"", "\"line\nbreak\"", "tru", "True", "nul", "NULL", "undefined", "01", "-", "+1",
            "1.", ".5", "1e", "1e+", "0x10", "NaN", "Infinity", "-Infinity", "1 2", "{} {}", "[]]", "{}x",
            "\"a\" \"b\"", "\ufeff{}", "// comment\n{}", "{\"a\":1} // trailing", "[1]\u0000", "\u00a0[]"
    })
    void rejectsMalformedText(String text) {
        assertThatThrownBy(() -> Json.parse(text, "properties"))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.key()).isEqualTo("properties"));
    }

    @Test
    void namesTheInputItWasGiven() {
        assertThatThrownBy(() -> Json.parse("[1,", "device_info"))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> {
                    assertThat(e.key()).isEqualTo("device_info");
                    assertThat(e.getMessage()).startsWith("device_info: not valid JSON");
                });
    }

    @Test
    void saysWhereTheTextWentWrong() {
        assertThatThrownBy(() -> Json.parse("{\n  \"a\": 1\n  \"b\": 2\n}", "properties"))
                .isInstanceOfSatisfying(InvalidInputException.class,
                        e -> assertThat(e.getMessage()).contains("',' or '}'").contains("line 3, column 3"));
    }

    @Test
    void doesNotRepeatTheInputInErrors() {
        String secretBearing = "{\"auth_password\": \"hunter2-s3cr3t\" \"x\": 1}";

        assertThatThrownBy(() -> Json.parse(secretBearing, "properties"))
                .isInstanceOf(InvalidInputException.class)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("hunter2"))
                .satisfies(e -> assertThat(((InvalidInputException) e).evidence().values())
                        .noneMatch(v -> v.contains("hunter2")));
    }

    @Test
    void rejectsDuplicateKeys() {
        assertThatThrownBy(() -> Json.parse("{\"target_lun\":1,\"x\":{},\"target_lun\":2}", "properties"))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> {
                    assertThat(e.key()).isEqualTo("properties");
                    assertThat(e.getMessage()).contains("duplicate key 'target_lun'");
                });
    }

    @Test
    void allowsTheSameKeyInDifferentObjects() {
        Map<?, ?> map = (Map<?, ?>) Json.parse("{\"a\":{\"a\":1},\"b\":{\"a\":2}}", "test");

        assertThat(map).hasSize(2);
    }

    @Test
    void acceptsSixtyFourLevelsOfNesting() {
        String text = "[".repeat(64) + "]".repeat(64);

        Object value = Json.parse(text, "test");

        int depth = 0;
        while (value instanceof List<?> list && !list.isEmpty()) {
            value = list.get(0);
            depth++;
        }
        assertThat(depth).isEqualTo(63);
    }

    @Test
    void rejectsSixtyFiveLevelsOfNesting() {
        String arrays = "[".repeat(65) + "]".repeat(65);
        String objects = "{\"a\":".repeat(65) + "1" + "}".repeat(65);

        assertThatThrownBy(() -> Json.parse(arrays, "properties"))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.getMessage()).contains("64 levels"));
        assertThatThrownBy(() -> Json.parse(objects, "properties"))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.getMessage()).contains("64 levels"));
    }

    @Test
    void rejectsDeepNestingWithoutOverflowingTheStack() {
        String text = "[".repeat(100_000);

        assertThatThrownBy(() -> Json.parse(text, "properties")).isInstanceOf(InvalidInputException.class);
    }

    @Test
    void acceptsInputOfExactlyOneMebibyte() {
        String text = "\"" + "a".repeat(1024 * 1024 - 2) + "\"";

        assertThat(Json.parse(text, "test")).asString().hasSize(1024 * 1024 - 2);
    }

    @Test
    void rejectsInputOverOneMebibyte() {
        String ascii = "\"" + "a".repeat(1024 * 1024 - 1) + "\"";
        // fewer characters than 1 MiB but more bytes in UTF-8
        String multibyte = "\"" + "é".repeat(600_000) + "\"";

        assertThatThrownBy(() -> Json.parse(ascii, "properties"))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.getMessage()).contains("1 MiB"));
        assertThatThrownBy(() -> Json.parse(multibyte, "properties"))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.getMessage()).contains("1 MiB"));
    }

    @Test
    void aTrustedDocumentMayBeLargerUpToTheLimitItsReaderGives() {
        String twoMebibytes = "[\"" + "a".repeat(2 * 1024 * 1024 - 4) + "\"]";

        assertThat(Json.parse(twoMebibytes, "recording", 2 * 1024 * 1024)).asList().hasSize(1);
        assertThatThrownBy(() -> Json.parse(twoMebibytes, "properties"))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.getMessage()).contains("1 MiB"));
        assertThatThrownBy(() -> Json.parse(twoMebibytes + " ", "recording", 2 * 1024 * 1024))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.getMessage())
                        .isEqualTo("recording: JSON text is over 2 MiB"));
        assertThatThrownBy(() -> Json.parse("[1]", "recording", 2))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.getMessage())
                        .isEqualTo("recording: JSON text is over 2 bytes"));
        assertThatThrownBy(() -> Json.parse("[]", "recording", 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxBytes");
    }

    @Test
    void aLargerLimitKeepsEveryOtherRule() {
        int limit = 64 * 1024 * 1024;
        String deep = "[".repeat(65) + "]".repeat(65);

        assertThatThrownBy(() -> Json.parse(deep, "recording", limit)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("64 levels");
        assertThatThrownBy(() -> Json.parse("{\"a\":1,\"a\":2}", "recording", limit))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("duplicate key");
        assertThatThrownBy(() -> Json.parse("1".repeat(300), "recording", limit)).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> Json.parse("{} {}", "recording", limit)).isInstanceOf(InvalidInputException.class);
    }

    @Test
    void rejectsAbsurdNumbers() {
        String longNumber = "1".repeat(300);

        assertThatThrownBy(() -> Json.parse(longNumber, "properties")).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> Json.parse("1e99999999999", "properties")).isInstanceOf(InvalidInputException.class);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(Object value) {
        return (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object value) {
        return (List<Object>) value;
    }
}
