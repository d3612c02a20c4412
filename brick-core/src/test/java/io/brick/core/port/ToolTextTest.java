package io.brick.core.port;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ToolTextTest {
    @Test
    void lines_split_on_either_line_end_and_empty_output_has_none() {
        assertThat(ToolText.lines("a\r\nb\n\nc")).containsExactly("a", "b", "", "c");
        assertThat(ToolText.lines("")).isEmpty();
        assertThatThrownBy(() -> ToolText.lines(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void fields_are_cut_on_any_run_of_white_space_and_a_blank_line_has_none() {
        assertThat(ToolText.fields("  tcp: [1] 10.0.0.1:3260,1\tiqn.x (non-flash) ")).containsExactly("tcp:", "[1]",
                "10.0.0.1:3260,1", "iqn.x", "(non-flash)");
        assertThat(ToolText.fields(" \t ")).isEmpty();
        assertThat(ToolText.fields("")).isEmpty();
    }
}
