package io.brick.iscsi;

import io.brick.testkit.snapshot.RecordedTree;

import io.brick.iscsi.IscsiNodeRecordParser.Record;
import io.brick.testkit.snapshot.Recordings;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static java.util.Map.entry;

class IscsiNodeRecordParserTest {
    private static final String NODE = "iscsiadm -m node -T iqn.2003-01.org.linux-iscsi.labvm:target1 -p 127.0.0.1:3260";

    @ParameterizedTest
    @ValueSource(strings = {Recordings.A_SINGLE_PORTAL_ONE_LUN, Recordings.B_TWO_PORTALS_ONE_LUN})
    void readsTheRecordDiscoveryCreated(String recording) {
        String stdout = RecordedTree.of(recording).stdout(NODE);

        assertThat(IscsiNodeRecordParser.parse(stdout)).singleElement().satisfies(record -> {
            assertThat(record.version()).contains("2.1.8");
            assertThat(record.nodeName()).contains("iqn.2003-01.org.linux-iscsi.labvm:target1");
            assertThat(record.tpgt()).hasValue(1);
            assertThat(record.startup()).contains("manual");
            assertThat(record.sessionScan()).contains("manual");
            assertThat(record.transportName()).contains("tcp");
            assertThat(record.ifaceName()).contains("default");
            assertThat(record.value("node.discovery_type")).contains("send_targets");
            assertThat(record.value("node.conn[0].address")).contains("127.0.0.1");
            assertThat(record.values()).hasSize(countSettingLines(stdout));
        });
    }

    @Test
    void readsTheRecordOsBrickCreatedWithTpgtMinusOne() {
        Record record = IscsiNodeRecordParser.parse(RecordedTree.of(Recordings.OSBRICK_ATTACHED).stdout(NODE))
                .get(0);

        assertThat(record.tpgt()).hasValue(-1);
        assertThat(record.startup()).contains("automatic");
        assertThat(record.value("node.discovery_type")).contains("static");
        assertThat(record.value("node.discovery_address")).isEmpty();
    }

    @Test
    void keepsTheSettingsInTheOrderPrintedWithEmptyAsEmptyText() {
        Record record = IscsiNodeRecordParser.parse(RecordedTree.of(Recordings.B_TWO_PORTALS_ONE_LUN).stdout(NODE))
                .get(0);

        assertThat(record.values().entrySet()).startsWith(entry("node.name", "iqn.2003-01.org.linux-iscsi.labvm:target1"),
                entry("node.tpgt", "1"), entry("node.startup", "manual"), entry("node.leading_login", "No"),
                entry("iface.iscsi_ifacename", "default"), entry("iface.net_ifacename", ""));
        assertThat(record.values()).containsEntry("node.session.auth.password", "");
        assertThat(record.value("iface.hwaddress")).isEmpty();
        assertThat(record.value("no.such.key")).isEmpty();
    }

    @Test
    void readsSeveralRecordsOfANodeShowByPortal() {
        String stdout = """
                # BEGIN RECORD 2.0-873
                node.name = iqn.2010-10.org.openstack:volume-00000001-1
                node.tpgt = 1
                node.startup = manual
                iface.hwaddress = <empty>
                # END RECORD
                # BEGIN RECORD 2.0-873
                node.name = iqn.2010-10.org.openstack:volume-00000001-2
                node.tpgt = 4294967295
                node.startup = automatic
                # END RECORD
                """;

        List<Record> records = IscsiNodeRecordParser.parse(stdout);

        assertThat(records).extracting(record -> record.nodeName().orElseThrow() + "=" + record.startup().orElseThrow())
                .containsExactly("iqn.2010-10.org.openstack:volume-00000001-1=manual",
                        "iqn.2010-10.org.openstack:volume-00000001-2=automatic");
        assertThat(records.get(1).tpgt()).hasValue(-1);
        assertThat(records.get(0).sessionScan()).isEmpty();
    }

    @Test
    void noRecordsIsAnEmptyList() {
        assertThat(IscsiNodeRecordParser.parse("")).isEmpty();
    }

    @Test
    void skipsLinesOutsideARecordAndMalformedLinesAndKeepsATruncatedRecord() {
        String stdout = """
                node.name = outside
                # END RECORD
                # BEGIN RECORD
                just words
                = no key
                two words = value
                node.name = iqn.2010-10.org.openstack:v
                node.conn[0].address =
                node.session.auth.username = a=b
                """;

        assertThat(IscsiNodeRecordParser.parse(stdout)).singleElement().satisfies(record -> {
            assertThat(record.version()).isEmpty();
            assertThat(record.values().entrySet()).containsExactly(entry("node.name", "iqn.2010-10.org.openstack:v"),
                    entry("node.conn[0].address", ""), entry("node.session.auth.username", "a=b"));
        });
    }

    @Test
    void neverLogsNorPrintsPasswordValues() {
        String stdout = """
                garbage node.session.auth.password = s3cr3t-outside
                # BEGIN RECORD 2.1.8
                node.session.auth.password = s3cr3t-one
                node.session.auth.password_in = s3cr3t-two
                discovery.sendtargets.auth.password broken s3cr3t-three
                # END RECORD
                """;

        try (CapturedLogs logs = CapturedLogs.of(IscsiNodeRecordParser.class)) {
            List<Record> records = IscsiNodeRecordParser.parse(stdout);

            assertThat(records.get(0).value("node.session.auth.password")).contains("s3cr3t-one");
            assertThat(records.get(0).toString()).contains("node.session.auth.password=***")
                    .doesNotContain("s3cr3t");
            assertThat(logs.messages()).hasSize(2).noneMatch(message -> message.contains("s3cr3t"));
        }
    }

    private static int countSettingLines(String stdout) {
        return (int) stdout.lines().filter(line -> line.contains(" = ")).count();
    }
}
