package io.brick.iscsi;

import io.brick.testkit.snapshot.RecordedTree;

import io.brick.core.model.Hctl;
import io.brick.iscsi.IscsiSessionDetailParser.Device;
import io.brick.iscsi.IscsiSessionDetailParser.Session;
import io.brick.iscsi.IscsiSessionDetailParser.Target;
import io.brick.testkit.snapshot.CommandRecord;
import io.brick.testkit.snapshot.Recordings;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

import static org.assertj.core.api.Assertions.assertThat;

class IscsiSessionDetailParserTest {
    private static final String TARGET = "iqn.2003-01.org.linux-iscsi.labvm:target1";
    private static final String INITIATOR = "iqn.1993-08.org.debian:01:labinitiator";

    @Test
    void readsEveryFieldOfBothSessionsOfTheTwoPortalRecording() {
        List<Target> targets = IscsiSessionDetailParser.parse(
                RecordedTree.of(Recordings.B_TWO_PORTALS_ONE_LUN).stdout("iscsiadm -m session -P 3"));

        assertThat(targets).singleElement().satisfies(target -> {
            assertThat(target.name()).isEqualTo(TARGET);
            assertThat(target.target()).contains(Iqn.of(TARGET));
            assertThat(target.flash()).isFalse();
            assertThat(target.sessions()).containsExactly(
                    session("127.0.0.1", 1, 2, new Device(2, 0, 0, 1, Optional.of("sda"), Optional.of("running"))),
                    session("127.0.0.2", 2, 3, new Device(3, 0, 0, 1, Optional.of("sdb"), Optional.of("running"))));
        });
    }

    private static Session session(String address, int sid, int host, Device device) {
        Optional<TaggedPortal> portal = Optional.of(new TaggedPortal(new Portal(address, 3260), 1));
        return new Session(portal, portal, Optional.of("default"), Optional.of("tcp"), Optional.of(INITIATOR),
                Optional.of("127.0.0.1"), OptionalInt.of(sid), Optional.of("LOGGED IN"), Optional.of("LOGGED_IN"),
                Optional.of("NO CHANGE"), OptionalInt.of(5), OptionalInt.of(host), Optional.of("running"),
                List.of(device));
    }

    @ParameterizedTest
    @ValueSource(strings = {Recordings.A_SINGLE_PORTAL_ONE_LUN, Recordings.B_TWO_PORTALS_ONE_LUN,
            Recordings.OSBRICK_ATTACHED})
    void everySessionAndDiskMatchesWhatSysfsRecorded(String recording) {
        RecordedTree host = RecordedTree.of(recording);

        List<Target> targets = IscsiSessionDetailParser.parse(host.stdout("iscsiadm -m session -P 3"));

        List<Session> sessions = targets.stream().flatMap(target -> target.sessions().stream()).toList();
        assertThat(sessions).extracting(session -> "session" + session.sid().getAsInt())
                .containsExactlyInAnyOrderElementsOf(host.list("/sys/class/iscsi_session"));
        for (Target target : targets) {
            for (Session session : target.sessions()) {
                int sid = session.sid().getAsInt();
                int hostNumber = session.hostNumber().getAsInt();
                String sysfs = "/sys/class/iscsi_session/session" + sid;
                assertThat(host.link(sysfs)).contains("/host" + hostNumber + "/session" + sid + "/");
                assertThat(target.name()).isEqualTo(host.sysfs(sysfs + "/targetname"));
                assertThat(session.sessionState()).contains(host.sysfs(sysfs + "/state"));
                assertThat(session.recoveryTimeout()).hasValue(Integer.parseInt(host.sysfs(sysfs + "/recovery_tmo")));
                assertThat(session.ifaceName()).contains(host.sysfs(sysfs + "/ifacename"));
                assertThat(session.ifaceInitiatorName()).contains(host.sysfs(sysfs + "/initiatorname"));
                assertThat(session.persistentPortal().map(TaggedPortal::tpgt))
                        .contains(Integer.parseInt(host.sysfs(sysfs + "/tpgt")));
                assertThat(session.devices()).isNotEmpty();
                for (Device device : session.devices()) {
                    String disk = device.disk().orElseThrow();
                    assertThat(device.hctl().host()).isEqualTo(hostNumber);
                    assertThat(host.link("/sys/block/" + disk)).endsWith(
                            "/host" + hostNumber + "/session" + sid + "/" + device.hctl().targetName() + "/"
                                    + device.hctl() + "/block/" + disk);
                    assertThat(device.diskState()).contains(host.sysfs("/sys/block/" + disk + "/device/state"));
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {Recordings.A_SINGLE_PORTAL_ONE_LUN, Recordings.B_TWO_PORTALS_ONE_LUN,
            Recordings.OSBRICK_ATTACHED})
    void agreesWithTheSessionList(String recording) {
        RecordedTree host = RecordedTree.of(recording);

        List<Target> targets = IscsiSessionDetailParser.parse(host.stdout("iscsiadm -m session -P 3"));
        List<IscsiSessionListParser.Session> listed = IscsiSessionListParser.parse(host.stdout("iscsiadm -m session"));

        List<String> fromDetail = targets.stream().flatMap(target -> target.sessions().stream()
                .map(session -> session.sid().getAsInt() + " " + session.currentPortal().orElseThrow() + " "
                        + target.name())).toList();
        assertThat(fromDetail).containsExactlyElementsOf(
                listed.stream().map(session -> session.sid() + " " + session.portal() + " " + session.targetName())
                        .toList());
    }

    @ParameterizedTest
    @ValueSource(strings = {Recordings.E_AFTER_DISCONNECT, Recordings.OSBRICK_AFTER_DISCONNECT})
    void noActiveSessionsIsAnEmptyList(String recording) {
        CommandRecord record = RecordedTree.of(recording).command("iscsiadm -m session -P 3");

        assertThat(record.rc()).isEqualTo(IscsiExitCodes.NO_OBJS_FOUND);
        assertThat(IscsiSessionDetailParser.parse(record.stdout())).isEmpty();
    }

    @Test
    void readsLunsWithoutADiskSpaceSeparatedHostStateAndSeveralTargets() {
        String stdout = """
                iSCSI Transport Class version 2.0-870
                version 2.0-874
                Target: iqn.2010-10.org.openstack:volume-1 (non-flash)
                \tCurrent Portal: [2001:db8::1]:3260,-1
                \tPersistent Portal: [2001:db8::1]:3260,-1
                \t\tIface Name: iser
                \t\tIface Transport: iser
                \t\tIface IPaddress: <empty>
                \t\tSID: 74
                \t\tiSCSI Connection State: TRANSPORT WAIT
                \t\tiSCSI Session State: FREE
                \t\tInternal iscsid Session State: REOPEN
                \t\tRecovery Timeout: 120
                \t\tHost Number: 74 State: running
                \t\tscsi74 Channel 00 Id 0 Lun: 0
                \t\tscsi74 Channel 00 Id 0 Lun: 1
                \t\t\tAttached scsi disk sdc      State: transport-offline
                Target: iqn.2010-10.org.openstack:volume-2 (flash)
                \tCurrent Portal: 10.0.0.2:3260,2
                \tPersistent Portal: 10.0.0.2:3260,2
                \t\tSID: 75
                \t\tHost Number: 75\tState: Unknown
                """;

        List<Target> targets = IscsiSessionDetailParser.parse(stdout);

        assertThat(targets).extracting(Target::name, Target::flash).containsExactly(
                org.assertj.core.groups.Tuple.tuple("iqn.2010-10.org.openstack:volume-1", false),
                org.assertj.core.groups.Tuple.tuple("iqn.2010-10.org.openstack:volume-2", true));
        Session first = targets.get(0).sessions().get(0);
        assertThat(first.currentPortal()).contains(new TaggedPortal(new Portal("2001:db8::1", 3260), -1));
        assertThat(first.ifaceName()).contains("iser");
        assertThat(first.ifaceIpAddress()).isEmpty();
        assertThat(first.ifaceInitiatorName()).isEmpty();
        assertThat(first.connectionState()).contains("TRANSPORT WAIT");
        assertThat(first.sessionState()).contains("FREE");
        assertThat(first.internalState()).contains("REOPEN");
        assertThat(first.recoveryTimeout()).hasValue(120);
        assertThat(first.hostNumber()).hasValue(74);
        assertThat(first.hostState()).contains("running");
        assertThat(first.devices()).containsExactly(
                new Device(74, 0, 0, 0, Optional.empty(), Optional.empty()),
                new Device(74, 0, 0, 1, Optional.of("sdc"), Optional.of("transport-offline")));
        assertThat(first.devices().get(1).hctl()).isEqualTo(Hctl.parse("74:0:0:1"));
        Session second = targets.get(1).sessions().get(0);
        assertThat(second.sid()).hasValue(75);
        assertThat(second.hostState()).contains("Unknown");
        assertThat(second.devices()).isEmpty();
    }

    @Test
    void skipsMalformedLinesWithoutFailing() {
        String stdout = """
                \t\tSID: 9
                Target:
                \tCurrent Portal: 10.0.0.1:3260,1
                Target: iqn.2010-10.org.openstack:volume-1 (non-flash)
                \t\tAttached scsi disk sdz\t\tState: running
                \tCurrent Portal: []:3260,1
                \tPersistent Portal: 10.0.0.1
                \t\tSID: one
                \t\tRecovery Timeout:
                \t\tHost Number: Unavailable
                \t\tscsi2 Channel 00 Id 0 Lun:
                \t\tscsi2 Channel xx Id 0 Lun: 1
                \t\tscsiX Channel 00 Id 0 Lun: 1
                \t\tscsi2 Channel 00 Id 0 Lun: -1
                \t\tscsi2 Channel 00 Id 0 Lun: 3
                \t\t\tAttached scsi disk
                \t\t\tAttached scsi disk sdd\t\tState: running
                no colon here
                """;

        List<Target> targets = IscsiSessionDetailParser.parse(stdout);

        assertThat(targets).singleElement().satisfies(target -> assertThat(target.sessions()).singleElement()
                .satisfies(session -> {
                    assertThat(session.currentPortal()).isEmpty();
                    assertThat(session.persistentPortal()).isEmpty();
                    assertThat(session.sid()).isEmpty();
                    assertThat(session.recoveryTimeout()).isEmpty();
                    assertThat(session.hostNumber()).isEmpty();
                    assertThat(session.devices()).containsExactly(
                            new Device(2, 0, 0, 3, Optional.of("sdd"), Optional.of("running")));
                }));
    }

    /** Found by IscsiadmOutputFuzzTest: an unknown key right after the target line made a phantom empty session. */
    @Test
    void anUnknownKeyBeforeTheFirstSessionStartsNoSession() {
        String stdout = """
                Target: iqn.2010-10.org.openstack:volume-1 (non-flash)
                \tSome Future Field: 42
                \tCurrent Portal: 10.0.0.1:3260,1
                \t\tSID: 7
                """;

        List<Target> targets = IscsiSessionDetailParser.parse(stdout);

        assertThat(targets).singleElement().satisfies(target -> assertThat(target.sessions()).singleElement()
                .satisfies(session -> assertThat(session.sid()).hasValue(7)));
    }

    @Test
    void neverLogsChapValues() {
        String stdout = """
                Target: iqn.2010-10.org.openstack:volume-1 (non-flash)
                \tCurrent Portal: 10.0.0.1:3260,1
                \t\tusername: admin
                \t\tpassword: s3cr3t-value
                \t\tpassword_in: in-s3cr3t
                """;

        try (CapturedLogs logs = CapturedLogs.of(IscsiSessionDetailParser.class)) {
            IscsiSessionDetailParser.parse(stdout);

            assertThat(logs.messages()).isNotEmpty().noneMatch(message -> message.contains("s3cr3t"));
        }
    }
}
