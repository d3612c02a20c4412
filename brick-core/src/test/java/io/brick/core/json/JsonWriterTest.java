package io.brick.core.json;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JsonWriterTest {
    @Test
    void writesCompactJsonInMapOrder() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("type", "block");
        map.put("n", new BigDecimal("1.50"));
        map.put("list", List.of(1, 2L, true, false));
        map.put("null", Json.NULL);
        map.put("javaNull", null);
        map.put("empty", Map.of());
        map.put("none", List.of());

        assertThat(Json.write(map)).isEqualTo(
                "{\"type\":\"block\",\"n\":1.50,\"list\":[1,2,true,false],\"null\":null,\"javaNull\":null,"
                        + "\"empty\":{},\"none\":[]}");
    }

    @Test
    void writesIndentedJsonForHumans() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("a", 1);
        map.put("b", List.of("x", Map.of("c", true)));
        map.put("e", List.of());

        assertThat(Json.writePretty(map)).isEqualTo("""
                {
                  "a": 1,
                  "b": [
                    "x",
                    {
                      "c": true
                    }
                  ],
                  "e": []
                }""");
    }

    @Test
    void writesNumbersAsGiven() {
        assertThat(Json.write(new BigDecimal("18446744073709551615"))).isEqualTo("18446744073709551615");
        assertThat(Json.write(new BigDecimal("2E+3"))).isEqualTo("2E+3");
        assertThat(Json.write(new BigInteger("-12"))).isEqualTo("-12");
        assertThat(Json.write(0.5d)).isEqualTo("0.5");
        assertThat(Json.write(Long.MIN_VALUE)).isEqualTo("-9223372036854775808");
    }

    @Test
    void escapesQuotesBackslashesAndControlCharacters() {
        String text = "q\" b\\ \b\f\n\r\t \u0000 \u001f \u007f \u2028 é/";

        String json = Json.write(text);

        assertThat(json).isEqualTo("\"q\\\" b\\\\ \\b\\f\\n\\r\\t \\u0000 \\u001f \\u007f \\u2028 é/\"");
        assertThat(Json.parse(json, "test")).isEqualTo(text);
    }

    @Test
    void escapesLoneSurrogatesButKeepsPairs() {
        assertThat(Json.write("\ud800 \ud83d\ude00")).isEqualTo("\"\\ud800 \ud83d\ude00\"");
    }

    @Test
    void roundTripsWhatItReads() {
        String text = "{\"a\":[1,2.50,-3E+7,\"x\\ny\",null,true],\"b\":{\"c\":{}}}";

        assertThat(Json.write(Json.parse(text, "test"))).isEqualTo(text);
    }

    @Test
    void rejectsWhatJsonCannotHold() {
        Map<Object, Object> intKey = new LinkedHashMap<>();
        intKey.put(1, "x");
        List<Object> cycle = new ArrayList<>();
        cycle.add(cycle);

        assertThatThrownBy(() -> Json.write(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Json.write(Double.POSITIVE_INFINITY)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Json.write(intKey)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Json.write(Optional.of("x"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Json.write(cycle)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void writesAnyCollectionInItsOrder() {
        assertThat(Json.write(Arrays.asList("b", "a"))).isEqualTo("[\"b\",\"a\"]");
    }
}
