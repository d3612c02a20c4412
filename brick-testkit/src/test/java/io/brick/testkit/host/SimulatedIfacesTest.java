package io.brick.testkit.host;

import io.brick.core.port.CommandResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static io.brick.testkit.host.Lab.IQN;
import static io.brick.testkit.host.Lab.P1;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * An operator's own ifaces, as open-iscsi has them: {@code iscsiadm -m iface -I NAME -o new} (tcp unless
 * {@code iface.transport_name} is updated), listed by {@code -m iface}, node records and logins through
 * {@code -I NAME}, and the session's {@code ifacename} in sysfs naming it.
 */
class SimulatedIfacesTest {
    private static final String OWN = "eth1-iface";

    @TempDir
    Path dir;

    private Lab lab;

    @AfterEach
    void stop() {
        if (lab != null) {
            lab.host.close();
        }
    }

    @Test
    void an_own_iface_is_made_updated_and_listed_after_the_builtin_ones() {
        lab = new Lab(dir);

        CommandResult made = lab.run("iscsiadm", "-m", "iface", "-I", OWN, "--op", "new");
        CommandResult updated = lab.run("iscsiadm", "-m", "iface", "-I", OWN, "-o", "update", "-n",
                "iface.net_ifacename", "-v", "eth1");

        assertThat(made.exitCode()).isZero();
        assertThat(made.stdout()).isEqualTo("New interface eth1-iface added\n");
        assertThat(updated.exitCode()).isZero();
        assertThat(updated.stdout()).isEqualTo("eth1-iface updated.\n");
        assertThat(lab.run("iscsiadm", "-m", "iface").stdout()).isEqualTo("""
                default tcp,<empty>,<empty>,<empty>,<empty>
                iser iser,<empty>,<empty>,<empty>,<empty>
                eth1-iface tcp,<empty>,<empty>,eth1,<empty>
                """);
        assertThat(lab.run("iscsiadm", "-m", "iface", "-I", OWN).stdout())
                .contains("iface.iscsi_ifacename = eth1-iface\n", "iface.net_ifacename = eth1\n",
                        "iface.transport_name = tcp\n");
    }

    @Test
    void a_login_through_an_own_iface_makes_a_second_tcp_session_named_after_it_in_sysfs() throws IOException {
        lab = new Lab(dir);
        lab.run("iscsiadm", "-m", "iface", "-I", OWN, "-o", "new");
        lab.login(P1);

        CommandResult record = lab.node(P1, "-I", OWN, "-o", "new");
        CommandResult login = lab.node(P1, "-I", OWN, "--login");

        assertThat(record.stdout()).isEqualTo("New iSCSI node [tcp:[hw=,ip=,net_if=,iscsi_if=eth1-iface] 127.0.0.1,3260,-1 "
                + IQN + "] added\n");
        assertThat(login.exitCode()).isZero();
        assertThat(login.stdout()).startsWith("Logging in to [iface: eth1-iface, target: " + IQN);
        assertThat(lab.run("iscsiadm", "-m", "session").stdout()).isEqualTo("tcp: [1] 127.0.0.1:3260,1 " + IQN
                + " (non-flash)\ntcp: [2] 127.0.0.1:3260,1 " + IQN + " (non-flash)\n");
        assertThat(read("sys/class/iscsi_session/session1/ifacename")).isEqualTo("default");
        assertThat(read("sys/class/iscsi_session/session2/ifacename")).isEqualTo(OWN);
        assertThat(read("sys/class/scsi_host/host3/proc_name")).isEqualTo("iscsi_tcp");
        assertThat(lab.node(P1, "-I", OWN, "--login").exitCode()).as("its session is there").isEqualTo(15);
        assertThat(lab.node(P1, "-I", OWN, "--logout").stdout()).contains("[sid: 2, ");
        assertThat(lab.run("iscsiadm", "-m", "session").stdout()).as("default's session stays")
                .isEqualTo("tcp: [1] 127.0.0.1:3260,1 " + IQN + " (non-flash)\n");
    }

    @Test
    void an_own_iface_updated_to_iser_logs_in_over_iser() throws IOException {
        lab = new Lab(dir);
        lab.run("iscsiadm", "-m", "iface", "-I", OWN, "-o", "new");
        lab.run("iscsiadm", "-m", "iface", "-I", OWN, "-o", "update", "-n", "iface.transport_name", "-v", "iser");
        lab.node(P1, "-I", OWN, "-o", "new");

        assertThat(lab.node(P1, "-I", OWN, "--login").exitCode()).isZero();
        assertThat(lab.run("iscsiadm", "-m", "session").stdout()).startsWith("iser: [1] ");
        assertThat(read("sys/class/scsi_host/host2/proc_name")).isEqualTo("ib_iser");
        assertThat(lab.node(P1, "-I", OWN).stdout()).contains("iface.transport_name = iser\n");
    }

    @Test
    void a_node_record_through_an_iface_never_made_is_refused_and_an_iface_with_a_session_is_not_made_anew() {
        lab = new Lab(dir);

        CommandResult record = lab.node(P1, "-I", OWN, "-o", "new");

        assertThat(record.exitCode()).isEqualTo(6);
        assertThat(lab.run("iscsiadm", "-m", "iface", "-I", OWN).exitCode()).isEqualTo(6);
        lab.run("iscsiadm", "-m", "iface", "-I", OWN, "-o", "new");
        lab.node(P1, "-I", OWN, "-o", "new");
        lab.node(P1, "-I", OWN, "--login");
        assertThat(lab.run("iscsiadm", "-m", "iface", "-I", OWN, "-o", "new").exitCode()).isEqualTo(15);
    }

    @Test
    void a_host_whose_sessions_name_no_iface_shows_null_in_sysfs_and_the_transport_in_proc_name() throws IOException {
        lab = new Lab(dir, builder -> builder.sessionIfacenames(false));
        lab.node(P1, "-I", "iser", "-o", "new");

        lab.node(P1, "-I", "iser", "--login");

        assertThat(read("sys/class/iscsi_session/session1/ifacename")).isEqualTo("(null)");
        assertThat(read("sys/class/scsi_host/host2/proc_name")).isEqualTo("ib_iser");
    }

    private String read(String relative) throws IOException {
        return Files.readString(lab.host.root().resolve(relative), StandardCharsets.US_ASCII).strip();
    }
}
