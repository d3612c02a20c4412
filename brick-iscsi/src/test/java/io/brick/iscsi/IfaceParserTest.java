package io.brick.iscsi;

import io.brick.testkit.snapshot.RecordedTree;

import io.brick.iscsi.IfaceParser.Iface;
import io.brick.testkit.snapshot.Recordings;
import io.brick.testkit.snapshot.Snapshot;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class IfaceParserTest {
    static List<String> recordings() {
        return Recordings.all();
    }

    @ParameterizedTest
    @MethodSource("recordings")
    void readsTheDefaultAndIserIfacesOfEveryRecording(String recording) {
        List<Iface> ifaces = IfaceParser.parseList(RecordedTree.of(recording).stdout("iscsiadm -m iface"));

        assertThat(ifaces).containsExactly(
                new Iface("default", "tcp", Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty()),
                new Iface("iser", "iser", Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty()));
    }

    @Test
    void readsSetValuesOfAnOffloadIface() {
        String stdout = "bnx2i.00:05:b5:d2:a0:c2 bnx2i,00:05:b5:d2:a0:c2,10.0.0.7,eth1,iqn.1994-05.com.example:x\n";

        assertThat(IfaceParser.parseList(stdout)).containsExactly(new Iface("bnx2i.00:05:b5:d2:a0:c2", "bnx2i",
                Optional.of("00:05:b5:d2:a0:c2"), Optional.of("10.0.0.7"), Optional.of("eth1"),
                Optional.of("iqn.1994-05.com.example:x")));
    }

    @Test
    void skipsLinesThatAreNotIfaces() {
        String stdout = """
                iscsiadm: Could not read iface info
                default tcp,<empty>,<empty>,<empty>
                noname
                broken <empty>,<empty>,<empty>,<empty>,<empty>
                iser iser,<empty>,<empty>,<empty>,<empty>
                """;

        assertThat(IfaceParser.parseList(stdout)).extracting(Iface::name).containsExactly("iser");
    }

    @Test
    void readsTheTransportOfAnIfaceRecord() {
        String stdout = """
                # BEGIN RECORD 2.0-872
                iface.iscsi_ifacename = bnx2i.fake_suffix
                iface.net_ifacename = <empty>
                iface.ipaddress = <empty>
                iface.hwaddress = 00:53:00:00:53:00
                iface.transport_name = bnx2i
                iface.initiatorname = <empty>
                # END RECORD
                """;

        assertThat(IfaceParser.transportName(stdout)).contains("bnx2i");
    }

    @Test
    void aMissingIfaceHasNoTransport() {
        // iscsiadm -m iface -I fake_transport: exit 6, "Could not read iface fake_transport (6)" on stderr only
        assertThat(IfaceParser.transportName("")).isEmpty();
        assertThat(IfaceParser.transportName("# BEGIN RECORD 2.1.8\niface.transport_name = <empty>\n# END RECORD\n"))
                .isEmpty();
    }

    @Test
    void theRecordingsHoldTheIfaceListOnly() {
        assertThat(Snapshot.load(Recordings.A_SINGLE_PORTAL_ONE_LUN).command("iscsiadm -m iface -I default")).isEmpty();
    }
}
