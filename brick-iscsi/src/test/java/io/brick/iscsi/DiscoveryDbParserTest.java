package io.brick.iscsi;

import io.brick.iscsi.DiscoveryDbParser.Entry;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The recordings hold no discoverydb output (their discovery was non-persistent): os-brick's documented example. */
class DiscoveryDbParserTest {
    private static final String QNAP_1 = "iqn.2004-04.com.qnap:ts-831x:iscsi.cinder-20170531114245.9eff88";
    private static final String QNAP_2 = "iqn.2004-04.com.qnap:ts-831x:iscsi.cinder-20170531114447.9eff88";
    private static final String EXAMPLE = """
            SENDTARGETS:
            DiscoveryAddress: 192.168.1.33,3260
            DiscoveryAddress: 192.168.1.2,3260
            Target: iqn.2004-04.com.qnap:ts-831x:iscsi.cinder-20170531114245.9eff88
            \tPortal: 192.168.1.3:3260,1
            \t\tIface Name: default
            \tPortal: 192.168.1.2:3260,1
            \t\tIface Name: default
            Target: iqn.2004-04.com.qnap:ts-831x:iscsi.cinder-20170531114447.9eff88
            \tPortal: 192.168.1.3:3260,1
            \t\tIface Name: default
            \tPortal: 192.168.1.2:3260,1
            \t\tIface Name: default
            DiscoveryAddress: 192.168.1.38,3260
            iSNS:
            No targets found.
            STATIC:
            No targets found.
            FIRMWARE:
            No targets found.
            """;

    @Test
    void mapsEachDiscoveryAddressToTheTargetPortalsFoundThroughIt() {
        Map<Portal, List<Entry>> found = DiscoveryDbParser.parse(EXAMPLE);

        assertThat(found.keySet()).containsExactly(new Portal("192.168.1.33", 3260), new Portal("192.168.1.2", 3260),
                new Portal("192.168.1.38", 3260));
        assertThat(found.get(new Portal("192.168.1.33", 3260))).isEmpty();
        assertThat(found.get(new Portal("192.168.1.38", 3260))).isEmpty();
        assertThat(found.get(new Portal("192.168.1.2", 3260))).containsExactly(
                entry("192.168.1.3", QNAP_1, "default"), entry("192.168.1.2", QNAP_1, "default"),
                entry("192.168.1.3", QNAP_2, "default"), entry("192.168.1.2", QNAP_2, "default"));
    }

    @Test
    void readsSeveralIfacesPortalsWithoutAnIfaceAndIpv6Addresses() {
        String stdout = """
                SENDTARGETS:
                DiscoveryAddress: 2001:db8::1,3260
                Target: iqn.2001-05.com.example:a
                \tPortal: [2001:db8::1]:3260,1
                \t\tIface Name: default
                \t\tIface Name: iser
                \tPortal: [2001:db8::2]:3260,1
                Target: iqn.2001-05.com.example:b
                \tPortal: [2001:db8::2]:3260,2
                STATIC:
                Target: iqn.2001-05.com.example:static
                \tPortal: 10.0.0.1:3260,1
                \t\tIface Name: default
                """;

        Map<Portal, List<Entry>> found = DiscoveryDbParser.parse(stdout);

        assertThat(found).containsOnlyKeys(new Portal("2001:db8::1", 3260));
        assertThat(found.get(new Portal("2001:db8::1", 3260))).containsExactly(
                new Entry(new TaggedPortal(new Portal("2001:db8::1", 3260), 1), "iqn.2001-05.com.example:a",
                        Optional.of("default")),
                new Entry(new TaggedPortal(new Portal("2001:db8::1", 3260), 1), "iqn.2001-05.com.example:a",
                        Optional.of("iser")),
                new Entry(new TaggedPortal(new Portal("2001:db8::2", 3260), 1), "iqn.2001-05.com.example:a",
                        Optional.empty()),
                new Entry(new TaggedPortal(new Portal("2001:db8::2", 3260), 2), "iqn.2001-05.com.example:b",
                        Optional.empty()));
    }

    @Test
    void skipsMalformedLines() {
        String stdout = """
                SENDTARGETS:
                DiscoveryAddress: nonsense
                Target: iqn.2001-05.com.example:lost
                \tPortal: 10.0.0.1:3260,1
                DiscoveryAddress: 10.0.0.1,3260
                \tPortal: 10.0.0.9:3260,1
                \t\tIface Name: default
                Target: iqn.2001-05.com.example:a
                \tPortal: []:3260,1
                \t\tIface Name: default
                \tPortal: 10.0.0.2:3260,1
                \t\tIface Name: <empty>
                \t\tIface Name: default
                something odd
                """;

        Map<Portal, List<Entry>> found = DiscoveryDbParser.parse(stdout);

        assertThat(found).containsOnlyKeys(new Portal("10.0.0.1", 3260));
        assertThat(found.get(new Portal("10.0.0.1", 3260))).containsExactly(
                entry("10.0.0.2", "iqn.2001-05.com.example:a", "default"));
    }

    @Test
    void emptyOutputHasNoDiscoveryAddresses() {
        assertThat(DiscoveryDbParser.parse("")).isEmpty();
    }

    private static Entry entry(String address, String target, String iface) {
        return new Entry(new TaggedPortal(new Portal(address, 3260), 1), target, Optional.of(iface));
    }
}
