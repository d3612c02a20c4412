package io.brick.core.model;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class LunTest {
    private static final BigInteger MAX = new BigInteger("18446744073709551615");

    @Test
    void acceptsZeroToTwoToTheSixtyFourMinusOne() {
        assertThat(Lun.parse(BigInteger.ZERO, "target_lun").value()).isZero();
        Lun max = Lun.parse(MAX, "target_lun");

        assertThat(max.value()).isEqualTo(-1L);
        assertThat(max.toString()).isEqualTo("18446744073709551615");
    }

    @Test
    void rejectsANegativeLun() {
        assertThat(InvalidInput.expect("target_lun", () -> Lun.parse(BigInteger.valueOf(-1), "target_lun")).getMessage())
                .contains("negative");
        InvalidInput.expect("target_lun", () -> Lun.of(-1));
        InvalidInput.expect("target_luns[1]", () -> Lun.parse("-5", "target_luns[1]"));
    }

    @Test
    void rejectsALunOverTwoToTheSixtyFourMinusOne() {
        assertThat(InvalidInput.expect("target_lun", () -> Lun.parse(MAX.add(BigInteger.ONE), "target_lun")).getMessage())
                .contains("18446744073709551616").contains("2^64-1");
        InvalidInput.expect("target_lun", () -> Lun.parse("18446744073709551616", "target_lun"));
        InvalidInput.expect("target_lun", () -> Lun.parse("9".repeat(100), "target_lun"));
    }

    @Test
    void parsesDigitStrings() {
        assertThat(Lun.parse("1", "target_lun")).isEqualTo(Lun.of(1));
        assertThat(Lun.parse("007", "target_lun")).isEqualTo(Lun.of(7));
        assertThat(Lun.parse("18446744073709551615", "target_lun").toString()).isEqualTo("18446744073709551615");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " 1", "1 ", "+1", "1.5", "0x10", "one", "-", "１", "1e3"})
    void rejectsStringsThatAreNotDigits(String text) {
        InvalidInput.expect("target_lun", () -> Lun.parse(text, "target_lun"));
    }

    @Test
    void sam2AddsTheFlatOffsetOnlyFrom256() {
        assertThat(Lun.of(0).forAddressing(LunAddressing.SAM2)).isEqualTo(Lun.of(0));
        assertThat(Lun.of(255).forAddressing(LunAddressing.SAM2)).isEqualTo(Lun.of(255));
        assertThat(Lun.of(256).forAddressing(LunAddressing.SAM2)).isEqualTo(Lun.of(256 + 16384));
        assertThat(Lun.of(1000).forAddressing(LunAddressing.SAM2)).isEqualTo(Lun.of(1000 + 16384));
    }

    @Test
    void sam3FlatAddsTheFlatOffsetToEveryLun() {
        assertThat(Lun.of(0).forAddressing(LunAddressing.SAM3_FLAT)).isEqualTo(Lun.of(16384));
        assertThat(Lun.of(1).forAddressing(LunAddressing.SAM3_FLAT)).isEqualTo(Lun.of(16385));
        assertThat(Lun.of(300).forAddressing(LunAddressing.SAM3_FLAT)).isEqualTo(Lun.of(16684));
    }

    @Test
    void samAndTransparentLeaveTheLunAlone() {
        assertThat(Lun.of(300).forAddressing(LunAddressing.SAM)).isEqualTo(Lun.of(300));
        assertThat(Lun.of(300).forAddressing(LunAddressing.TRANSPARENT)).isEqualTo(Lun.of(300));
    }

    @Test
    void refusesAnOffsetThatWouldWrapAroundToAnotherLun() {
        Lun nearMax = Lun.parse(MAX.subtract(BigInteger.TEN), "target_lun");

        InvalidInput.expect("target_lun", () -> nearMax.forAddressing(LunAddressing.SAM3_FLAT));
        InvalidInput.expect("target_lun", () -> nearMax.forAddressing(LunAddressing.SAM2));
    }

    @ParameterizedTest
    @CsvSource({
            "0, 0",
            "1, 1",
            "255, 255",
            "256, 0x0100000000000000",
            "16384, 0x4000000000000000",
            "74565, 0x2345000100000000",
            "4294967295, 0xffffffff00000000"
    })
    void writesTheByPathFormAsUdevDoes(long lun, String byPath) {
        assertThat(Lun.of(lun).byPathForm()).isEqualTo(byPath);
    }

    @Test
    void comparesAndPrintsAsUnsigned() {
        Lun huge = Lun.parse(MAX, "target_lun");
        List<Lun> luns = new ArrayList<>(List.of(huge, Lun.of(2), Lun.of(0)));

        Collections.sort(luns);

        assertThat(luns).containsExactly(Lun.of(0), Lun.of(2), huge);
        assertThat(Lun.ofUnsigned(Long.MIN_VALUE).toString()).isEqualTo("9223372036854775808");
    }
}
