package io.brick.core.model;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class LunAddressingTest {
    @Test
    void parsesOsBricksSpellings() {
        assertThat(LunAddressing.parse("SAM")).isEqualTo(LunAddressing.SAM);
        assertThat(LunAddressing.parse("transparent")).isEqualTo(LunAddressing.TRANSPARENT);
        assertThat(LunAddressing.parse("SAM2")).isEqualTo(LunAddressing.SAM2);
        assertThat(LunAddressing.parse("SAM3-flat")).isEqualTo(LunAddressing.SAM3_FLAT);
        assertThat(LunAddressing.parse(null)).isEqualTo(LunAddressing.SAM);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "sam", "SAM3_FLAT", "sam3-flat", "Transparent", "SAM4", "flat"})
    void rejectsAnUnknownAddressingMode(String mode) {
        assertThat(InvalidInput.expect("addressing_mode", () -> LunAddressing.parse(mode)).getMessage())
                .contains("SAM, transparent, SAM2, SAM3-flat");
    }

    @Test
    void givesBackTheNameItWasParsedFrom() {
        for (LunAddressing mode : LunAddressing.values()) {
            assertThat(LunAddressing.parse(mode.osBrickName())).isEqualTo(mode);
        }
    }
}
