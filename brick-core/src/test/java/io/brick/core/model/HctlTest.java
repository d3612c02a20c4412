package io.brick.core.model;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HctlTest {
    @Test
    void parsesWhatTheKernelWrites() {
        Hctl hctl = Hctl.parse("2:0:0:1\n");

        assertThat(hctl).isEqualTo(new Hctl(2, 0, 0, 1));
        assertThat(hctl.lunValue()).isEqualTo(Lun.of(1));
        assertThat(hctl.targetName()).isEqualTo("target2:0:0");
        assertThat(hctl.toString()).isEqualTo("2:0:0:1");
    }

    @Test
    void holdsSixtyFourBitLuns() {
        Hctl hctl = Hctl.parse("3:0:1:18446744073709551615");

        assertThat(hctl.lun()).isEqualTo(-1L);
        assertThat(hctl.toString()).isEqualTo("3:0:1:18446744073709551615");
        assertThat(hctl.lunValue().toString()).isEqualTo("18446744073709551615");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "2:0:0", "2:0:0:1:5", "a:0:0:1", "2:0:0:-1", "-2:0:0:1", "+2:0:0:1", "2: 0:0:1",
            "2:0:0:18446744073709551616", "99999999999:0:0:1", "2:0:0:1.0", "2::0:1"})
    void rejectsWhatIsNotAnAddress(String text) {
        InvalidInput.expect("hctl", () -> Hctl.parse(text));
    }

    @Test
    void refusesNegativeComponentsAsAProgrammingError() {
        assertThatThrownBy(() -> new Hctl(-1, 0, 0, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
