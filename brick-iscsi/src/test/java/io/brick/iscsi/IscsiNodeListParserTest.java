package io.brick.iscsi;

import io.brick.testkit.snapshot.RecordedTree;

import io.brick.testkit.snapshot.CommandRecord;
import io.brick.testkit.snapshot.Recordings;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class IscsiNodeListParserTest {
    private static final String TARGET = "iqn.2003-01.org.linux-iscsi.labvm:target1";

    @Test
    void readsTheNodesOfTheTwoPortalRecording() {
        List<PortalTarget> nodes = IscsiNodeListParser.parse(
                RecordedTree.of(Recordings.B_TWO_PORTALS_ONE_LUN).stdout("iscsiadm -m node"));

        assertThat(nodes).containsExactly(
                new PortalTarget(new TaggedPortal(new Portal("127.0.0.1", 3260), 1), TARGET),
                new PortalTarget(new TaggedPortal(new Portal("127.0.0.2", 3260), 1), TARGET));
        assertThat(nodes.get(0).target()).contains(Iqn.of(TARGET));
    }

    @Test
    void readsTheSingleNodeOfTheOnePortalRecording() {
        assertThat(IscsiNodeListParser.parse(
                RecordedTree.of(Recordings.A_SINGLE_PORTAL_ONE_LUN).stdout("iscsiadm -m node")))
                .containsExactly(new PortalTarget(new TaggedPortal(new Portal("127.0.0.1", 3260), 1), TARGET));
    }

    @Test
    void readsTheUnsignedTpgtOsBrickLeftAsMinusOne() {
        // os-brick creates node records without discovery: iscsiadm prints their tpgt -1 as 4294967295
        RecordedTree host = RecordedTree.of(Recordings.OSBRICK_ATTACHED);
        assertThat(host.stdout("iscsiadm -m node")).contains(",4294967295 ");

        assertThat(IscsiNodeListParser.parse(host.stdout("iscsiadm -m node"))).containsExactly(
                new PortalTarget(new TaggedPortal(new Portal("127.0.0.1", 3260), -1), TARGET),
                new PortalTarget(new TaggedPortal(new Portal("127.0.0.2", 3260), -1), TARGET));
    }

    @ParameterizedTest
    @ValueSource(strings = {Recordings.E_AFTER_DISCONNECT, Recordings.OSBRICK_AFTER_DISCONNECT})
    void noRecordsIsAnEmptyList(String recording) {
        CommandRecord record = RecordedTree.of(recording).command("iscsiadm -m node");

        assertThat(record.rc()).isEqualTo(IscsiExitCodes.NO_OBJS_FOUND);
        assertThat(record.stderr()).contains("No records found");
        assertThat(IscsiNodeListParser.parse(record.stdout())).isEmpty();
    }

    @Test
    void skipsTheCorruptEmptyPortalRecordAndOtherMalformedLines() {
        String stdout = """
                192.168.121.250:3260,1 iqn.2010-10.org.openstack:volume-00000001
                ip2:port2,-1 tgt2
                []:port3,-1
                []:3260,-1 iqn.2010-10.org.openstack:volume-00000003
                10.0.0.1:3260 iqn.2010-10.org.openstack:no-tag
                10.0.0.1:3260,1 iqn.2010-10.org.openstack:extra field
                [2001:db8::1]:3260,-1 iqn.2010-10.org.openstack:volume-00000004
                10.0.0.2:3260,4294967294 iqn.2010-10.org.openstack:bad-tag
                """;

        assertThat(IscsiNodeListParser.parse(stdout)).containsExactly(
                new PortalTarget(new TaggedPortal(new Portal("192.168.121.250", 3260), 1),
                        "iqn.2010-10.org.openstack:volume-00000001"),
                new PortalTarget(new TaggedPortal(new Portal("2001:db8::1", 3260), -1),
                        "iqn.2010-10.org.openstack:volume-00000004"));
    }

    @Test
    void keepsANodeWhoseNameIsNotAValidIscsiName() {
        assertThat(IscsiNodeListParser.parse("10.0.0.1:3260,1 tgt2\n")).singleElement().satisfies(node -> {
            assertThat(node.targetName()).isEqualTo("tgt2");
            assertThat(node.target()).isEmpty();
        });
    }

    @Test
    void readsAHostNamePortal() {
        assertThat(IscsiNodeListParser.parse("storage.example.com:3261,3 iqn.2010-10.org.openstack:v\n"))
                .extracting(PortalTarget::portal)
                .containsExactly(new TaggedPortal(new Portal("storage.example.com", 3261), 3));
    }
}
