package io.brick.core.model;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class ProtocolTest {
    @Test
    void normalisesCaseAndHyphens() {
        assertThat(Protocol.of("iscsi")).isEqualTo(Protocol.ISCSI);
        assertThat(Protocol.of(" ISER ")).isEqualTo(Protocol.ISER);
        assertThat(Protocol.of("fibre-channel")).isEqualTo(Protocol.FIBRE_CHANNEL);
        assertThat(Protocol.of("fibre_channel")).isEqualTo(Protocol.FIBRE_CHANNEL);
        assertThat(Protocol.of("nvmeof").toString()).isEqualTo("NVMEOF");
    }

    @Test
    void normalisesIndependentlyOfTheDefaultLocale() {
        // in a Turkish locale "iscsi".toUpperCase() would give dotted capital I's
        java.util.Locale saved = java.util.Locale.getDefault();
        try {
            java.util.Locale.setDefault(java.util.Locale.forLanguageTag("tr-TR"));
            assertThat(Protocol.of("iscsi")).isEqualTo(Protocol.ISCSI);
        } finally {
            java.util.Locale.setDefault(saved);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "1SCSI", "is csi", "iscsi;rm", "ISCSI/x", "é"})
    void rejectsWhatIsNotAProtocolName(String name) {
        InvalidInput.expect("protocol", () -> Protocol.of(name));
    }
}
