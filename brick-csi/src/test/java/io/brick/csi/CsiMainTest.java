package io.brick.csi;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The launcher's usage errors: exit 2, a message, and nothing built or bound. */
class CsiMainTest {
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(Map<String, String> environment, String... args) throws Exception {
        return CsiMain.run(args, environment, new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void without_an_endpoint_or_a_node_id_it_exits_2_and_says_which() throws Exception {
        assertThat(run(Map.of(), "--node-id", "n1")).isEqualTo(2);
        assertThat(err()).contains("--endpoint (or CSI_ENDPOINT) is required");
        err.reset();
        assertThat(run(Map.of("CSI_ENDPOINT", "unix:///csi/csi.sock"))).isEqualTo(2);
        assertThat(err()).contains("--node-id (or NODE_ID) is required");
    }

    @Test
    void a_tcp_endpoint_and_an_unknown_option_are_usage_errors() throws Exception {
        assertThat(run(Map.of("NODE_ID", "n1"), "--endpoint=tcp://0.0.0.0:10000")).isEqualTo(2);
        assertThat(err()).contains("only unix:// endpoints are served");
        err.reset();
        assertThat(run(Map.of(), "--endpoint", "unix:///csi.sock", "--debug")).isEqualTo(2);
        assertThat(err()).contains("unknown option --debug").contains("usage: brick-csi");
        err.reset();
        // -v takes no value: the next word is still read as an option
        assertThat(run(Map.of(), "-v", "--endpoint", "unix:///csi.sock")).isEqualTo(2);
        assertThat(err()).contains("--node-id (or NODE_ID) is required").doesNotContain("unknown option");
        err.reset();
        // nor does --node-id-initiators
        assertThat(run(Map.of(), "--node-id-initiators", "--endpoint", "unix:///csi.sock")).isEqualTo(2);
        assertThat(err()).contains("--node-id (or NODE_ID) is required").doesNotContain("unknown option");
        err.reset();
        assertThat(run(Map.of(), "--endpoint")).isEqualTo(2);
        assertThat(err()).contains("--endpoint needs a value");
    }
}
