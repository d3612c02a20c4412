package io.brick.iscsi;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.OptionalInt;

import static org.assertj.core.api.Assertions.assertThat;

class PortalTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "10.52.1.11:3260|10.52.1.11|3260",
            "10.52.1.11|10.52.1.11|3260",
            "127.0.0.1:3261,1|127.0.0.1|3261",
            "0.0.0.0:1|0.0.0.0|1",
            "255.255.255.255:65535|255.255.255.255|65535",
            "storage.example.com:3260|storage.example.com|3260",
            "Storage-A.Example.COM|storage-a.example.com|3260",
            "localhost,-1|localhost|3260",
            "[2001:db8::1]:3260|2001:db8::1|3260",
            "[2001:db8::1]|2001:db8::1|3260",
            "[2001:DB8::1]:3261,2|2001:db8::1|3261",
            "[::1]:3260|::1|3260",
            "[::]:3260|::|3260",
            "[::ffff:10.0.0.1]:3260|::ffff:10.0.0.1|3260",
            "[fe80::1%eth0]:3260|fe80::1%eth0|3260",
            "[2001:0db8:0000:0000:0000:0000:0000:0001]:860|2001:0db8:0000:0000:0000:0000:0000:0001|860",
            "2001:db8::1|2001:db8::1|3260",
            "2001:db8::1,1|2001:db8::1|3260",
            "fe80::a:b:c:d|fe80::a:b:c:d|3260"
    })
    void parsesEveryFormOsBrickSends(String text, String host, int port) {
        Portal portal = Portal.parse(text);

        assertThat(portal.host()).isEqualTo(host);
        assertThat(portal.port()).isEqualTo(port);
    }

    @Test
    void rejectsAPortalWithoutAHost() {
        InvalidInput.expect("target_portal", () -> Portal.parse(":3260"));
        InvalidInput.expect("target_portal", () -> Portal.parse(""));
        InvalidInput.expect("target_portal", () -> Portal.parse(",1"));
        InvalidInput.expect("target_portal", () -> Portal.parse("[]:3260"));
    }

    @Test
    void rejectsAPortOver65535() {
        assertThat(InvalidInput.expect("target_portal", () -> Portal.parse("10.0.0.1:65536")).getMessage())
                .contains("65536").contains("between 1 and 65535");
        InvalidInput.expect("target_portal", () -> Portal.parse("[2001:db8::1]:99999"));
        InvalidInput.expect("target_portal", () -> Portal.parse("10.0.0.1:99999999999999999999"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.1:0", "10.0.0.1:", "10.0.0.1:abc", "10.0.0.1:+80", "10.0.0.1:-1", "10.0.0.1: 3260",
            "10.0.0.1:3260 ", "[::1]:", "[::1]x", "[::1]:0", "[::1]:port"})
    void rejectsABadPort(String text) {
        InvalidInput.expect("target_portal", () -> Portal.parse(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"256.0.0.1", "1.2.3", "1.2.3.4.5", "1..2.3", "01.2.3.4", "1.2.3.4.", "1234.1.1.1",
            "10.0.0.1 ", " 10.0.0.1", "10.0.0.1;reboot", "10.0.0.1/24", "host name", "host_name", "-host", "host-",
            "a..b", "exa$mple.com", "[10.0.0.1]:3260", "[host]:3260", "[::1", "::1]", "1:2:3:4:5:6:7:8:9",
            "1:2:3:4:5:6:7", "1::2::3", "12345::1", "g::1", "::1%", "::1%eth 0", "fe80::1%eth0/x", ":::1",
            "::ffff:10.0.0.256", "::ffff:10.0.0.1:1", "2001:db8::1;x", "\u0000", "é.example.com"})
    void rejectsAnythingThatIsNotAnAddressOrAHostName(String text) {
        InvalidInput.expect("target_portal", () -> Portal.parse(text));
    }

    @Test
    void rejectsALabelOver63CharactersAndANameOver253() {
        String longLabel = "a".repeat(64) + ".example.com";
        String longName = ("a".repeat(50) + ".").repeat(5) + "com";

        assertThat(Portal.parse("a".repeat(63) + ".example.com").host()).startsWith("aaa");
        InvalidInput.expect("target_portal", () -> Portal.parse(longLabel));
        InvalidInput.expect("target_portal", () -> Portal.parse(longName));
    }

    @Test
    void namesTheKeyItWasGiven() {
        InvalidInput.expect("target_portals[0]", () -> Portal.parse(":3260", "target_portals[0]"));
        InvalidInput.expect("target_portals[2]", () -> Portal.parse("10.0.0.1:70000", "target_portals[2]"));
        InvalidInput.expect("target_portals[1]", () -> Portal.parse("10.0.0.1;x", "target_portals[1]"));
    }

    @Test
    void readsTheTpgt() {
        assertThat(Portal.parseTpgt("10.0.0.1:3260,1")).isEqualTo(OptionalInt.of(1));
        assertThat(Portal.parseTpgt("[2001:db8::1]:3260,-1")).isEqualTo(OptionalInt.of(-1));
        assertThat(Portal.parseTpgt("10.0.0.1:3260,65535")).isEqualTo(OptionalInt.of(65535));
        assertThat(Portal.parseTpgt("10.0.0.1:3260")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.1:3260,", "10.0.0.1:3260,-2", "10.0.0.1:3260,x", "10.0.0.1:3260,1,2",
            "10.0.0.1:3260, 1", "10.0.0.1:3260,65536", "10.0.0.1:3260,+1", "10.0.0.1:3260,99999999999"})
    void rejectsABadTpgtInParseAndParseTpgt(String text) {
        InvalidInput.expect("target_portal", () -> Portal.parse(text));
        InvalidInput.expect("target_portal", () -> Portal.parseTpgt(text));
        InvalidInput.expect("target_portals[3]", () -> Portal.parseTpgt(text, "target_portals[3]"));
    }

    @Test
    void matchesIpv6PortalsCaseInsensitively() {
        Portal upper = Portal.parse("[2001:DB8::1]:3260");
        Portal lower = Portal.parse("[2001:db8::1]:3260");

        assertThat(upper).isEqualTo(lower);
        assertThat(upper.hashCode()).isEqualTo(lower.hashCode());
        assertThat(upper).isNotEqualTo(Portal.parse("[2001:db8::2]:3260"));
        assertThat(upper).isNotEqualTo(Portal.parse("[2001:db8::1]:3261"));
    }

    @Test
    void matchesHostNamesCaseInsensitively() {
        assertThat(Portal.parse("SAN.example.com:3260")).isEqualTo(new Portal("san.EXAMPLE.com", 3260));
    }

    @Test
    void printsTheFormIscsiadmTakes() {
        assertThat(Portal.parse("10.0.0.1").toString()).isEqualTo("10.0.0.1:3260");
        assertThat(Portal.parse("[2001:DB8::1]:3261,1").toString()).isEqualTo("[2001:db8::1]:3261");
        assertThat(Portal.parse("2001:db8::1").toString()).isEqualTo("[2001:db8::1]:3260");
    }

    @Test
    void printsTheByPathFormWithoutBrackets() {
        assertThat(Portal.parse("10.0.0.1:3260").byPathForm()).isEqualTo("10.0.0.1:3260");
        assertThat(Portal.parse("[2001:db8::1]:3260").byPathForm()).isEqualTo("2001:db8::1:3260");
    }

    @Test
    void knowsAnIpv6Address() {
        assertThat(Portal.parse("[::1]").isIpv6()).isTrue();
        assertThat(Portal.parse("10.0.0.1").isIpv6()).isFalse();
        assertThat(Portal.parse("san.example.com").isIpv6()).isFalse();
    }

    @Test
    void checksWhatTheConstructorIsGiven() {
        InvalidInput.expect("target_portal", () -> new Portal("", 3260));
        InvalidInput.expect("target_portal", () -> new Portal("[::1]", 3260));
        InvalidInput.expect("target_portal", () -> new Portal("10.0.0.1", 0));
        InvalidInput.expect("target_portal", () -> new Portal("10.0.0.1", 65536));
    }
}
