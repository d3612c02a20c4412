package io.brick.core.model;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class WwidTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "naa.60014053b8c2d6119a414f0b8e275d1c|360014053b8c2d6119a414f0b8e275d1c",
            "NAA.60014053b8c2d6119a414f0b8e275d1c|360014053b8c2d6119a414f0b8e275d1c",
            "eui.0025385b71b07e2f|20025385b71b07e2f",
            "t10.LIO-ORG lun1:3b8c2d61-19a4-14f0-b8e2-75d1c0000001|1LIO-ORG_lun1:3b8c2d61-19a4-14f0-b8e2-75d1c0000001",
            "t10.ATA     QEMU HARDDISK                           QM00001|1ATA_QEMU_HARDDISK_QM00001",
            "iqn.2003-01.org.linux-iscsi.labvm:target1|82003-01.org.linux-iscsi.labvm:target1",
            "0x5000c500a1b2c3d4|800c500a1b2c3d4"
    })
    void mapsTheKernelsPrefixToUdevsTypeDigit(String sysfs, String udev) {
        assertThat(Wwid.fromSysfs(sysfs)).contains(Wwid.of(udev));
    }

    @Test
    void stripsTheNewlineTheKernelWrites() {
        assertThat(Wwid.fromSysfs("naa.60014053b8c2d6119a414f0b8e275d1c\n"))
                .contains(Wwid.of("360014053b8c2d6119a414f0b8e275d1c"));
    }

    @Test
    void replacesCharactersUdevDoesNotKeep() {
        assertThat(Wwid.fromSysfs("t10.VEND/X  (1)")).contains(Wwid.of("1VEND_X__1_"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "\n", "naa.", "t10.  \n", "abc"})
    void hasNoWwidForEmptyText(String sysfs) {
        assertThat(Wwid.fromSysfs(sysfs)).isEqualTo(Optional.empty());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "3", "3600 1405", "3600/1405", "../x", "_3600", "3600\\1405", "3600\u00e9",
            "3600\n"})
    void rejectsWhatCannotBeAWwid(String value) {
        InvalidInput.expect("wwid", () -> Wwid.of(value));
    }

    /** The hand-written check's edges: 2 to 512 characters, printable ASCII to '~', nothing past it. */
    @Test
    void takesTwoToFiveHundredTwelvePrintableCharacters() {
        assertThat(Wwid.of("3" + "a".repeat(511)).value()).hasSize(512);
        assertThat(Wwid.of("3!").value()).isEqualTo("3!");
        assertThat(Wwid.of("Z~").value()).isEqualTo("Z~");
        InvalidInput.expect("wwid", () -> Wwid.of("3" + "a".repeat(512)));
        InvalidInput.expect("wwid", () -> Wwid.of("3a\u007f"));
        InvalidInput.expect("wwid", () -> Wwid.of("!3"));
        InvalidInput.expect("wwid", () -> Wwid.of("3a\u0000"));
    }

    @Test
    void printsItsValue() {
        assertThat(Wwid.of("360014053b8c2d6119a414f0b8e275d1c").toString()).isEqualTo("360014053b8c2d6119a414f0b8e275d1c");
    }
}
