package io.brick.sysfs;

import io.brick.testkit.snapshot.RecordedFixture;
import io.brick.core.model.Wwid;
import io.brick.testkit.snapshot.Recordings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;

class Vpd83Test {
    @TempDir
    Path dir;

    @Test
    void the_recorded_page_gives_what_scsi_id_said() throws IOException {
        RecordedFixture<SysfsTopologyProvider> fixture = RecordedFixture.load(Recordings.A_SINGLE_PORTAL_ONE_LUN, dir, SysfsTopologyProvider::new);
        byte[] page = Files.readAllBytes(fixture.sys("block/sda/device/vpd_pg83"));

        assertThat(Vpd83.wwid(page).map(Wwid::value)).isEqualTo(fixture.tools().scsiId("sda"));
    }

    @Test
    void naa_is_preferred_over_eui64_t10_and_name_string() {
        byte[] page = page(
                designator(0, 8, "iqn.2003-01.org.example:lun\0\0".getBytes(StandardCharsets.US_ASCII)),
                designator(0, 1, "LIO-ORG lun1:abc\0".getBytes(StandardCharsets.US_ASCII)),
                designator(0, 2, HexFormat.of().parseHex("0011223344556677")),
                designator(0, 3, HexFormat.of().parseHex("60014053b8c2d6119a414f0b8e275d1c")));

        assertThat(Vpd83.wwid(page)).contains(Wwid.of("360014053b8c2d6119a414f0b8e275d1c"));
    }

    @Test
    void without_naa_eui64_then_t10_then_name_string() {
        assertThat(Vpd83.wwid(page(
                designator(0, 1, "LIO-ORG lun1:abc\0".getBytes(StandardCharsets.US_ASCII)),
                designator(0, 2, HexFormat.of().parseHex("0011223344556677")))))
                .contains(Wwid.of("20011223344556677"));
        assertThat(Vpd83.wwid(page(
                designator(0, 8, "iqn.2003-01.org.example:lun\0\0".getBytes(StandardCharsets.US_ASCII)),
                designator(0, 1, "LIO-ORG lun1:abc\0".getBytes(StandardCharsets.US_ASCII)))))
                .contains(Wwid.of("1LIO-ORG_lun1:abc"));
        assertThat(Vpd83.wwid(page(
                designator(0, 8, "iqn.2003-01.org.example:lun\0\0".getBytes(StandardCharsets.US_ASCII)))))
                .contains(Wwid.of("8iqn.2003-01.org.example:lun"));
    }

    @Test
    void designators_of_ports_and_targets_are_ignored() {
        byte[] page = page(
                designator(1, 3, HexFormat.of().parseHex("60014053b8c2d6119a414f0b8e275d1c")),
                designator(2, 8, "iqn.2003-01.org.example:target\0\0".getBytes(StandardCharsets.US_ASCII)));

        assertThat(Vpd83.wwid(page)).isEmpty();
    }

    @Test
    void malformed_pages_have_no_wwid() {
        assertThat(Vpd83.wwid(new byte[0])).isEmpty();
        assertThat(Vpd83.wwid(new byte[] {0, (byte) 0x80, 0, 0})).isEmpty();
        byte[] truncated = page(designator(0, 3, HexFormat.of().parseHex("60014053b8c2d6119a414f0b8e275d1c")));
        byte[] cut = java.util.Arrays.copyOf(truncated, truncated.length - 4);
        assertThat(Vpd83.wwid(cut)).isEmpty();
    }

    private static byte[] designator(int association, int type, byte[] value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(type == 3 || type == 2 ? 0x01 : 0x02);
        out.write((association << 4) | type);
        out.write(0);
        out.write(value.length);
        out.writeBytes(value);
        return out.toByteArray();
    }

    private static byte[] page(byte[]... designators) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (byte[] designator : designators) {
            body.writeBytes(designator);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0);
        out.write(0x83);
        out.write(body.size() >> 8);
        out.write(body.size() & 0xff);
        out.writeBytes(body.toByteArray());
        return out.toByteArray();
    }
}
