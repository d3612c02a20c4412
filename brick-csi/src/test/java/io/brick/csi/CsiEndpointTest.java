package io.brick.csi;

import io.brick.core.error.InvalidInputException;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CsiEndpointTest {
    @Test
    void the_forms_a_co_writes_name_the_socket() {
        assertThat(CsiEndpoint.parse("unix:///csi/csi.sock").socket()).isEqualTo(Path.of("/csi/csi.sock"));
        assertThat(CsiEndpoint.parse(" unix:/csi/csi.sock ").socket()).isEqualTo(Path.of("/csi/csi.sock"));
        assertThat(CsiEndpoint.parse("/csi/../csi/csi.sock").socket()).isEqualTo(Path.of("/csi/csi.sock"));
        assertThat(CsiEndpoint.parse("unix:///csi/csi.sock")).hasToString("unix:///csi/csi.sock");
    }

    @Test
    void tcp_and_relative_paths_are_invalid_input() {
        assertThatThrownBy(() -> CsiEndpoint.parse("tcp://127.0.0.1:10000")).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("only unix://");
        assertThatThrownBy(() -> CsiEndpoint.parse("unix://csi.sock")).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> CsiEndpoint.parse("")).isInstanceOf(InvalidInputException.class);
    }
}
