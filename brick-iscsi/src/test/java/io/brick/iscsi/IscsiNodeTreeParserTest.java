package io.brick.iscsi;

import io.brick.iscsi.SessionManager.Node;
import io.brick.testkit.snapshot.Recordings;
import io.brick.testkit.snapshot.Snapshot;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link IscsiNodeTreeParser}: {@code iscsiadm -m node -P 1} as open-iscsi 2.1.8 prints it, and the flat fallback. */
class IscsiNodeTreeParserTest {
    private static final String TARGET = "iqn.2003-01.org.linux-iscsi.labvm:target1";

    private static Node node(String portal, String target, String iface) {
        return new Node(Iqn.of(target), Portal.parse(portal), iface);
    }

    @Test
    void the_tree_names_each_records_iface() {
        String stdout = "Target: " + TARGET + "\n"
                + "\tPortal: 127.0.0.1:3260,1\n"
                + "\t\tIface Name: default\n"
                + "\tPortal: 127.0.0.1:3260,1\n"
                + "\t\tIface Name: iser\n"
                + "\tPortal: [fe80::1]:3260,-1\n"
                + "\t\tIface Name: bnx2i.00:05:b5:d2:a0:c2\n"
                + "Target: iqn.2000-05.com.example:other\n"
                + "\tPortal: 10.0.0.2:3260,2\n"
                + "\t\tIface Name: default\n";

        assertThat(IscsiNodeTreeParser.parse(stdout)).containsExactly(
                node("127.0.0.1:3260", TARGET, "default"),
                node("127.0.0.1:3260", TARGET, "iser"),
                node("[fe80::1]:3260", TARGET, "bnx2i.00:05:b5:d2:a0:c2"),
                node("10.0.0.2:3260", "iqn.2000-05.com.example:other", "default"));
    }

    @Test
    void corrupt_records_and_invalid_targets_are_skipped() {
        String stdout = "Target: not-an-iqn\n"
                + "\tPortal: 127.0.0.1:3260,1\n"
                + "\t\tIface Name: default\n"
                + "Target: " + TARGET + "\n"
                + "\tPortal: []:3260,-1\n"
                + "\t\tIface Name: default\n"
                + "\tPortal: 127.0.0.2:3260,1\n"
                + "\t\tIface Name: default\n";

        assertThat(IscsiNodeTreeParser.parse(stdout)).containsExactly(node("127.0.0.2:3260", TARGET, "default"));
    }

    @Test
    void the_flat_form_reads_as_default_iface_records() {
        String recorded = Snapshot.load(Recordings.B_TWO_PORTALS_ONE_LUN).command("iscsiadm -m node").orElseThrow()
                .stdout();

        assertThat(IscsiNodeTreeParser.parse(recorded)).containsExactly(node("127.0.0.1:3260", TARGET, "default"),
                node("127.0.0.2:3260", TARGET, "default"));
    }

    @Test
    void no_output_is_no_records() {
        assertThat(IscsiNodeTreeParser.parse("")).isEmpty();
    }
}
