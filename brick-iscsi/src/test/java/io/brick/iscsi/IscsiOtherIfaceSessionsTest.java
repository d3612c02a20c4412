package io.brick.iscsi;

import io.brick.core.connector.ConnectorConfig;
import io.brick.core.connector.DisconnectOptions;
import io.brick.core.model.AttachedVolume;
import io.brick.core.model.ConnectionProperties;
import io.brick.core.model.Wwid;
import io.brick.testkit.host.CommandLogEntry;
import io.brick.testkit.host.Latencies;
import io.brick.testkit.host.RecordedLab;
import io.brick.testkit.host.SimulatedHost;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.brick.iscsi.SimulatedIscsi.IQN;
import static io.brick.iscsi.SimulatedIscsi.LUN0;
import static io.brick.iscsi.SimulatedIscsi.LUN1;
import static io.brick.iscsi.SimulatedIscsi.onePortal;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 18, item 3, on a host where an operator has sessions of their own to the lab's portal and target: over their
 * own tcp iface ({@code iscsiadm -m iface -I eth1-iface --op new}, bound to {@code eth1}), or over iSER. A connect over
 * {@code default} never uses such a session, logged in or failed: its node record, and so its logout, are the other
 * iface's, and an iSER session is no tcp one. It logs in its own session, returns that session's device, and its
 * disconnect logs out that session alone. The operator's sessions carry LUN 0, the volume is LUN 1.
 */
class IscsiOtherIfaceSessionsTest {
    private static final String P1 = RecordedLab.PORTALS.get(0);
    private static final String OWN_IFACE = "eth1-iface";
    private static final Pattern SESSION = Pattern.compile("/session(\\d+)/");

    @TempDir
    Path dir;

    @AutoClose
    private SimulatedIscsi lab;

    @Test
    void a_default_connect_logs_in_its_own_session_beside_a_session_of_an_operators_tcp_iface_and_its_disconnect_leaves_that_one() throws IOException {
        lab = start(RecordedLab.host(dir, Latencies.realistic()));
        int theirs = operatorSession(OWN_IFACE, true);
        int before = lab.commandCount();

        AttachedVolume attached = lab.connector.connect(onePortal(1));

        assertThat(commands(before)).filteredOn(line -> line.contains("--login")).as("a login of its own")
                .singleElement().asString().contains("default").doesNotContain(OWN_IFACE);
        int ours = sessionOf(attached.path().name());
        assertThat(ours).as("the device of its own session").isNotEqualTo(theirs);
        assertThat(read("sys/class/iscsi_session/session" + ours + "/ifacename")).isEqualTo("default");
        assertThat(attached.scsiWwn()).contains(Wwid.of(LUN1));
        int beforeDisconnect = lab.commandCount();

        lab.connector.disconnect(onePortal(1), Optional.of(attached), DisconnectOptions.SAFE);

        assertThat(commands(beforeDisconnect)).filteredOn(line -> line.contains("--logout")).as("its own logout")
                .singleElement().asString().contains("default");
        assertThat(lab.host.oracle().leftovers().sessions()).as("the operator's session only").hasSize(1);
        assertThat(Files.exists(lab.host.root().resolve("sys/class/iscsi_session/session" + theirs))).isTrue();
        assertThat(lab.host.oracle().leftovers(Wwid.of(LUN0)).devices()).as("its device stays").hasSize(1);
        assertThat(lab.host.oracle().leftovers(Wwid.of(LUN1)).devices()).isEmpty();
    }

    @Test
    void a_default_connect_does_not_wait_for_a_failed_session_of_an_operators_tcp_iface() throws IOException {
        lab = start(RecordedLab.host(dir, Latencies.realistic()));
        int theirs = operatorSession(OWN_IFACE, true);
        lab.host.sysfs().sessionState(theirs, "FAILED");
        int before = lab.commandCount();
        Duration started = lab.host.clock().elapsed();

        AttachedVolume attached = lab.connector.connect(onePortal(1));

        assertThat(commands(before)).filteredOn(line -> line.contains("--login")).as("a login of its own")
                .singleElement().asString().contains("default");
        assertThat(sessionOf(attached.path().name())).isNotEqualTo(theirs);
        assertThat(lab.host.clock().elapsed().minus(started)).as("no wait for the other iface's session to recover")
                .isLessThan(Duration.ofSeconds(10));
        assertThat(read("sys/class/iscsi_session/session" + theirs + "/state")).isEqualTo("FAILED");
    }

    @Test
    void a_tcp_connect_never_takes_an_iser_session_for_its_own_where_sysfs_names_no_iface() throws IOException {
        // with no ifacename in sysfs, a session's transport (its host's proc_name) is all that tells iSER from tcp
        lab = start(SimulatedHost.builder(dir).initiatorName(RecordedLab.INITIATOR)
                .latencies(Latencies.realistic()).sessionIfacenames(false).build());
        lab.host.storage().target(IQN).portal(P1).portal(RecordedLab.PORTALS.get(1))
                .lun(0, LUN0, 64L << 20).lun(1, LUN1, 128L << 20);
        int theirs = operatorSession("iser", false);
        int before = lab.commandCount();

        AttachedVolume attached = lab.connector.connect(onePortal(1));

        assertThat(commands(before)).filteredOn(line -> line.contains("--login")).as("a login of its own")
                .singleElement().asString().contains("default");
        int ours = sessionOf(attached.path().name());
        assertThat(ours).isNotEqualTo(theirs);
        assertThat(read("sys/class/scsi_host/host" + hostOf(attached.path().name()) + "/proc_name"))
                .isEqualTo("iscsi_tcp");
    }

    @Test
    void a_tcp_connect_does_not_wait_for_a_failed_iser_session_where_sysfs_names_no_iface() throws IOException {
        lab = start(SimulatedHost.builder(dir).initiatorName(RecordedLab.INITIATOR)
                .latencies(Latencies.realistic()).sessionIfacenames(false).build());
        lab.host.storage().target(IQN).portal(P1).portal(RecordedLab.PORTALS.get(1))
                .lun(0, LUN0, 64L << 20).lun(1, LUN1, 128L << 20);
        int theirs = operatorSession("iser", false);
        lab.host.sysfs().sessionState(theirs, "FAILED");
        int before = lab.commandCount();
        Duration started = lab.host.clock().elapsed();

        AttachedVolume attached = lab.connector.connect(onePortal(1));

        assertThat(commands(before)).filteredOn(line -> line.contains("--login")).as("a login of its own")
                .singleElement().asString().contains("default");
        assertThat(sessionOf(attached.path().name())).isNotEqualTo(theirs);
        assertThat(lab.host.clock().elapsed().minus(started)).as("no wait for the iSER session to recover")
                .isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void a_connect_over_an_operators_own_tcp_iface_uses_its_session_and_its_disconnect_logs_that_session_out()
            throws IOException {
        // the iface's name says nothing of its transport (tcp, in its record): its session's host shows iscsi_tcp
        lab = start(RecordedLab.host(dir, Latencies.realistic()));
        lab.host.run("iscsiadm", "-m", "iface", "-I", OWN_IFACE, "--op", "new");
        lab.host.run("iscsiadm", "-m", "iface", "-I", OWN_IFACE, "-o", "update", "-n", "iface.net_ifacename", "-v", "eth1");
        ConnectionProperties overOwn = ConnectionProperties.parseJson("""
                {"target_portal": "127.0.0.1:3260", "target_iqn": "%s", "target_lun": 1, "transport": "%s"}"""
                .formatted(IQN, OWN_IFACE));
        int before = lab.commandCount();

        AttachedVolume attached = lab.connector.connect(overOwn);

        assertThat(commands(before)).filteredOn(line -> line.contains("--login")).singleElement().asString()
                .contains(OWN_IFACE);
        int session = sessionOf(attached.path().name());
        assertThat(read("sys/class/iscsi_session/session" + session + "/ifacename")).isEqualTo(OWN_IFACE);
        assertThat(attached.scsiWwn()).contains(Wwid.of(LUN1));
        int beforeDisconnect = lab.commandCount();

        lab.connector.disconnect(overOwn, Optional.of(attached), DisconnectOptions.SAFE);

        assertThat(commands(beforeDisconnect)).filteredOn(line -> line.contains("--logout")).singleElement().asString()
                .contains(OWN_IFACE);
        assertThat(lab.host.oracle().leftovers().isEmpty()).isTrue();
    }

    @Test
    void a_tcp_disconnect_logs_out_its_session_beside_an_iser_session_carrying_another_lun_where_sysfs_names_no_iface()
            throws IOException {
        lab = start(SimulatedHost.builder(dir).initiatorName(RecordedLab.INITIATOR)
                .latencies(Latencies.realistic()).sessionIfacenames(false).build());
        lab.host.storage().target(IQN).portal(P1).portal(RecordedLab.PORTALS.get(1))
                .lun(0, LUN0, 64L << 20).lun(1, LUN1, 128L << 20);
        int theirs = operatorSession("iser", false);
        AttachedVolume attached = lab.connector.connect(onePortal(1));
        int ours = sessionOf(attached.path().name());
        int before = lab.commandCount();

        lab.connector.disconnect(onePortal(1), Optional.of(attached), DisconnectOptions.SAFE);

        assertThat(commands(before)).filteredOn(line -> line.contains("--logout")).as("the tcp session's logout")
                .singleElement().asString().contains("default");
        assertThat(Files.exists(lab.host.root().resolve("sys/class/iscsi_session/session" + ours))).isFalse();
        assertThat(Files.exists(lab.host.root().resolve("sys/class/iscsi_session/session" + theirs))).isTrue();
        assertThat(lab.host.oracle().leftovers(Wwid.of(LUN0)).devices()).as("the iSER session's LUN stays").hasSize(1);
        assertThat(lab.host.oracle().leftovers(Wwid.of(LUN1)).devices()).isEmpty();
        assertThat(lab.host.oracle().leftovers().sessions()).as("the iSER session only").hasSize(1);
    }

    private static SimulatedIscsi start(SimulatedHost host) {
        return SimulatedIscsi.start(host, ConnectorConfig.defaults().withUseMultipath(false));
    }

    /**
     * The operator's session to portal 1 and the lab's target over {@code iface} (made first when {@code make}, bound
     * to {@code eth1}), as they would set it up with iscsiadm: a node record with a manual scan, a login, and LUN 0
     * scanned into it.
     */
    private int operatorSession(String iface, boolean make) throws IOException {
        SimulatedHost host = lab.host;
        if (make) {
            host.run("iscsiadm", "-m", "iface", "-I", iface, "--op", "new");
            host.run("iscsiadm", "-m", "iface", "-I", iface, "-o", "update", "-n", "iface.net_ifacename", "-v", "eth1");
        }
        host.run("iscsiadm", "-m", "node", "-T", IQN, "-p", P1, "-I", iface, "--op", "new");
        host.run("iscsiadm", "-m", "node", "-T", IQN, "-p", P1, "-I", iface, "--op", "update", "-n",
                "node.session.scan", "-v", "manual");
        host.run("iscsiadm", "-m", "node", "-T", IQN, "-p", P1, "-I", iface, "--login");
        Matcher sid = Pattern.compile("\\[(\\d+)]").matcher(host.run("iscsiadm", "-m", "session").stdout());
        assertThat(sid.find()).isTrue();
        int session = Integer.parseInt(sid.group(1));
        Path hostDir = host.root().resolve("sys/class/iscsi_session/session" + session).toRealPath().getParent()
                .getParent().getParent();
        Files.writeString(host.root().resolve("sys/class/scsi_host/" + hostDir.getFileName() + "/scan"), "0 0 0");
        host.clock().sleep(Duration.ofSeconds(3));
        assertThat(host.oracle().leftovers(Wwid.of(LUN0)).devices()).as("the operator's LUN 0").hasSize(1);
        return session;
    }

    private int sessionOf(String device) throws IOException {
        Matcher matcher = SESSION.matcher(lab.host.root().resolve("sys/block/" + device).toRealPath().toString());
        assertThat(matcher.find()).as(device + " is in a session").isTrue();
        return Integer.parseInt(matcher.group(1));
    }

    private int hostOf(String device) throws IOException {
        Matcher matcher = Pattern.compile("/host(\\d+)/session").matcher(
                lab.host.root().resolve("sys/block/" + device).toRealPath().toString());
        assertThat(matcher.find()).isTrue();
        return Integer.parseInt(matcher.group(1));
    }

    private String read(String relative) throws IOException {
        return Files.readString(lab.host.root().resolve(relative), StandardCharsets.US_ASCII).strip();
    }

    private List<String> commands(int since) {
        List<CommandLogEntry> log = lab.host.oracle().commandLog();
        return log.subList(since, log.size()).stream().map(CommandLogEntry::display).toList();
    }
}
