package io.brick.iscsi;

import io.brick.testkit.snapshot.RecordedTree;

import io.brick.iscsi.IscsiSessionListParser.Session;
import io.brick.testkit.snapshot.CommandRecord;
import io.brick.testkit.snapshot.Recordings;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class IscsiSessionListParserTest {
    private static final String TARGET = "iqn.2003-01.org.linux-iscsi.labvm:target1";

    @Test
    void readsBothSessionsOfTheTwoPortalRecording() {
        List<Session> sessions = IscsiSessionListParser.parse(
                RecordedTree.of(Recordings.B_TWO_PORTALS_ONE_LUN).stdout("iscsiadm -m session"));

        assertThat(sessions).containsExactly(
                new Session("tcp", 1, new TaggedPortal(new Portal("127.0.0.1", 3260), 1), TARGET, false),
                new Session("tcp", 2, new TaggedPortal(new Portal("127.0.0.2", 3260), 1), TARGET, false));
        assertThat(sessions.get(0).target()).contains(Iqn.of(TARGET));
    }

    @ParameterizedTest
    @ValueSource(strings = {Recordings.A_SINGLE_PORTAL_ONE_LUN, Recordings.B_TWO_PORTALS_ONE_LUN,
            Recordings.OSBRICK_ATTACHED})
    void everySessionMatchesWhatSysfsRecordedForIt(String recording) {
        RecordedTree host = RecordedTree.of(recording);

        List<Session> sessions = IscsiSessionListParser.parse(host.stdout("iscsiadm -m session"));

        assertThat(sessions).extracting(session -> "session" + session.sid())
                .containsExactlyInAnyOrderElementsOf(host.list("/sys/class/iscsi_session"));
        for (Session session : sessions) {
            String sysfs = "/sys/class/iscsi_session/session" + session.sid();
            String connection = "/sys/class/iscsi_connection/connection" + session.sid() + ":0";
            assertThat(session.targetName()).isEqualTo(host.sysfs(sysfs + "/targetname"));
            assertThat(session.portal().tpgt()).isEqualTo(Integer.parseInt(host.sysfs(sysfs + "/tpgt")));
            assertThat(session.portal().portal()).isEqualTo(new Portal(host.sysfs(connection + "/persistent_address"),
                    Integer.parseInt(host.sysfs(connection + "/persistent_port"))));
            assertThat(session.transport()).isEqualTo("tcp");
            assertThat(session.flash()).isFalse();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {Recordings.E_AFTER_DISCONNECT, Recordings.OSBRICK_AFTER_DISCONNECT})
    void noActiveSessionsIsAnEmptyList(String recording) {
        CommandRecord record = RecordedTree.of(recording).command("iscsiadm -m session");

        assertThat(record.rc()).isEqualTo(IscsiExitCodes.NO_OBJS_FOUND);
        assertThat(record.stderr()).contains("No active sessions.");
        assertThat(IscsiSessionListParser.parse(record.stdout())).isEmpty();
    }

    @Test
    void readsIpv6PortalsIserAndATpgtOfMinusOneWithoutANodeType() {
        String stdout = """
                tcp: [1] 192.168.121.250:3260,1 iqn.2010-10.org.openstack:volume-00000001 (non-flash)
                tcp: [2] [2001:db8::1]:3260,1 iqn.2010-10.org.openstack:volume-00000002 (non-flash)
                iser: [3] 10.0.0.5:3260,-1 iqn.2003-01.org.linux-iscsi.target:sn.123
                """;

        assertThat(IscsiSessionListParser.parse(stdout)).containsExactly(
                new Session("tcp", 1, new TaggedPortal(new Portal("192.168.121.250", 3260), 1),
                        "iqn.2010-10.org.openstack:volume-00000001", false),
                new Session("tcp", 2, new TaggedPortal(new Portal("2001:db8::1", 3260), 1),
                        "iqn.2010-10.org.openstack:volume-00000002", false),
                new Session("iser", 3, new TaggedPortal(new Portal("10.0.0.5", 3260), -1),
                        "iqn.2003-01.org.linux-iscsi.target:sn.123", false));
    }

    @Test
    void readsTheFlashNodeType() {
        assertThat(IscsiSessionListParser.parse("be2iscsi: [4] 10.0.0.9:3260,2 iqn.2001-05.com.example:t (flash)\n"))
                .singleElement().satisfies(session -> {
                    assertThat(session.flash()).isTrue();
                    assertThat(session.transport()).isEqualTo("be2iscsi");
                });
    }

    @Test
    void skipsMalformedLinesAndKeepsTheRest() {
        String stdout = String.join("\n",
                "iscsiadm: could not read session info",
                "tcp: [x] 10.0.0.1:3260,1 iqn.2010-10.org.openstack:a",
                "tcp: [1]",
                "tcp: [2] []:3260,-1 iqn.2010-10.org.openstack:b",
                "tcp: [3] 10.0.0.1:3260,70000 iqn.2010-10.org.openstack:c",
                "tcp: [4] 10.0.0.1:3260 iqn.2010-10.org.openstack:d",
                "tcp: [5] 10.0.0.1:3260,1 iqn.2010-10.org.openstack:e (weird)",
                "tcp [6] 10.0.0.1:3260,1 iqn.2010-10.org.openstack:f",
                "",
                "tcp: [7] 10.0.0.1:3260,1 iqn.2010-10.org.openstack:g (non-flash)",
                "");

        assertThat(IscsiSessionListParser.parse(stdout)).extracting(Session::sid).containsExactly(7);
    }

    @Test
    void keepsATargetNameThatIsNotAValidIscsiNameAsText() {
        assertThat(IscsiSessionListParser.parse("tcp: [1] 10.0.0.1:3260,1 tgt2 (non-flash)"))
                .singleElement().satisfies(session -> {
                    assertThat(session.targetName()).isEqualTo("tgt2");
                    assertThat(session.target()).isEmpty();
                });
    }

    @Test
    void readsWindowsLineEndings() {
        assertThat(IscsiSessionListParser.parse("tcp: [1] 10.0.0.1:3260,1 iqn.2010-10.org.openstack:a (non-flash)\r\n"))
                .extracting(Session::targetName).containsExactly("iqn.2010-10.org.openstack:a");
    }
}
