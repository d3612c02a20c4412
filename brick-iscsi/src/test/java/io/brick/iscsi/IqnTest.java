package io.brick.iscsi;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class IqnTest {
    @ParameterizedTest
    @ValueSource(strings = {
            "iqn.2003-01.org.linux-iscsi.labvm:target1",
            "iqn.1993-08.org.debian:01:labinitiator",
            "iqn.2000-05.com.3pardata:20810002ac00383d",
            "iqn.2010-10.org.openstack:volume-6d2c2c4a-0a7e-4cf3-9c5d-0b2b4c6a2f11",
            "iqn.1992-04.com.emc:cx.apm00123456789.a0",
            "iqn.2003-10.com.lefthandnetworks:group1:123:vol-1",
            "iqn.2001-04.com.example",
            "iqn.2001-04.com.example:Storage.Disk2-SYS1_X,y@z+=#~%!*?(){}[]^",
            "iqn.2001-04.com.example:grüße",
            "iqn.1999-12.x",
            "eui.02004567A425678D",
            "naa.52004567BA64678D",
            "naa.52004567ba64678d52004567ba64678d"
    })
    void acceptsRfc3720Names(String name) {
        assertThat(Iqn.of(name).value()).isEqualTo(name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"IQN.2001-04.com.example:Disk1", "Iqn.2001-04.com.example", "iqn.2001-04.Com.Example:disk", "EUI.02004567a425678d",
            "NAA.52004567ba64678d"})
    void acceptsTheTypePrefixInAnyCaseAndKeepsTheValueAsWritten(String name) {
        assertThat(Iqn.of(name).toString()).isEqualTo(name);
    }

    @Test
    void rejectsAnIqnWithSpaces() {
        InvalidInput.expect("target_iqn", () -> Iqn.of("iqn.2001-04.com.example:disk 1"));
        InvalidInput.expect("target_iqn", () -> Iqn.of(" iqn.2001-04.com.example:disk1"));
        InvalidInput.expect("target_iqn", () -> Iqn.of("iqn.2001-04.com.example:disk1\t"));
    }

    @Test
    void rejectsAnIqnWithASemicolon() {
        assertThat(InvalidInput.expect("target_iqn", () -> Iqn.of("iqn.2001-04.com.example:disk1;reboot")).getMessage())
                .contains("';'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"|", "&", "$", "`", "'", "\"", "\\", "<", ">", "/", "\u0000", "\n", "\u007f", "\u00a0",
            "\u2028", "\u200b", "\ud800"})
    void rejectsShellAndPathCharactersInTheIdentifier(String character) {
        InvalidInput.expect("target_iqn", () -> Iqn.of("iqn.2001-04.com.example:a" + character + "b"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"iqn.2001-04.com.example:..", "iqn.2001-04.com.example:a..b",
            "iqn.2001-04.com.example:../../etc/passwd", "iqn.2001-04.com.example:"})
    void rejectsPathTricksAndAnEmptyIdentifier(String name) {
        InvalidInput.expect("target_iqn", () -> Iqn.of(name));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "iqn", "iqn.", "iqn.2001-04", "iqn.2001-04.", "iqn.2001-13.com.example",
            "iqn.2001-00.com.example", "iqn.01-04.com.example", "iqn.2001-4.com.example", "iqn.2001_04.com.example",
            "iqn.２００１-04.com.example", "iqn.2001-04.com..example",
            "iqn.2001-04.com.example.", "iqn.2001-04.-com.example", "iqn.2001-04.com_example", "iqn.2001-04.com example",
            "iqn.2001-04.com/example", "eui.02004567a425678", "eui.02004567a425678d0", "eui.02004567a425678g",
            "naa.52004567ba64678", "naa.52004567ba64678d5200", "ign.2001-04.com.example", "target1",
            "10.0.0.1:3260"})
    void rejectsMalformedNames(String name) {
        InvalidInput.expect("target_iqn", () -> Iqn.of(name));
    }

    @Test
    void acceptsNamesUpTo223Bytes() {
        String prefix = "iqn.2001-04.com.example:";
        String longest = prefix + "a".repeat(223 - prefix.length());

        assertThat(Iqn.of(longest).value()).hasSize(223);
        InvalidInput.expect("target_iqn", () -> Iqn.of(longest + "a"));
    }

    @Test
    void countsTheLengthInUtf8Bytes() {
        String prefix = "iqn.2001-04.com.example:";
        // 100 two-byte characters: 200 bytes, plus the 24-byte prefix, is over 223 bytes in 124 characters
        String name = prefix + "é".repeat(100);

        InvalidInput.expect("target_iqn", () -> Iqn.of(name));
    }

    @Test
    void namesTheKeyItWasGiven() {
        InvalidInput.expect("target_iqns[1]", () -> Iqn.parse("iqn.2001-04.com.example:x;y", "target_iqns[1]"));
        assertThat(Iqn.parse("iqn.2001-04.com.example:x", "target_iqns[1]").value())
                .isEqualTo("iqn.2001-04.com.example:x");
    }

    @Test
    void showsTheBadNameWithControlCharactersEscaped() {
        assertThat(InvalidInput.expect("target_iqn", () -> Iqn.of("iqn.2001-04.com.example:a\nb")).getMessage())
                .contains("\\u000a")
                .doesNotContain("\n");
    }

    @Test
    void matchesCaseInsensitivelyButIsEqualOnlyAsWritten() {
        Iqn lower = Iqn.of("iqn.2001-04.com.example:disk1");
        Iqn upper = Iqn.of("IQN.2001-04.com.example:DISK1");

        assertThat(lower.matches(upper)).isTrue();
        assertThat(lower).isNotEqualTo(upper);
        assertThat(lower.matches(Iqn.of("iqn.2001-04.com.example:disk2"))).isFalse();
        assertThat(lower.matches(null)).isFalse();
    }
}
