package io.brick.core.model;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AttachedVolumeTest {
    private static final Wwid WWID = Wwid.of("360014053b8c2d6119a414f0b8e275d1c");

    @Test
    void writesOsBricksDeviceInfoForAMultipathVolume() {
        AttachedVolume volume = new AttachedVolume(DevicePath.of("/dev/dm-0"), Optional.of(WWID), Optional.of(WWID));

        assertThat(volume.multipath()).isTrue();
        assertThat(volume.toDeviceInfo().keySet()).containsExactly("type", "path", "scsi_wwn", "multipath_id");
        assertThat(volume.toJson()).isEqualTo("{\"type\":\"block\",\"path\":\"/dev/dm-0\","
                + "\"scsi_wwn\":\"360014053b8c2d6119a414f0b8e275d1c\",\"multipath_id\":\"360014053b8c2d6119a414f0b8e275d1c\"}");
    }

    @Test
    void writesAnEmptyWwnAndNoMultipathIdWhenUnknown() {
        AttachedVolume volume = new AttachedVolume(DevicePath.of("/dev/sdb"), Optional.empty(), Optional.empty());

        assertThat(volume.multipath()).isFalse();
        assertThat(volume.toDeviceInfo()).containsExactly(Map.entry("type", "block"), Map.entry("path", "/dev/sdb"),
                Map.entry("scsi_wwn", ""));
        assertThat(volume.toJson()).isEqualTo("{\"type\":\"block\",\"path\":\"/dev/sdb\",\"scsi_wwn\":\"\"}");
        assertThatThrownBy(() -> volume.toDeviceInfo().put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void readsBackWhatItWrites() {
        AttachedVolume multipath = new AttachedVolume(DevicePath.of("/dev/dm-3"), Optional.of(WWID), Optional.of(WWID));
        AttachedVolume single = new AttachedVolume(DevicePath.of("/dev/sdb"), Optional.empty(), Optional.empty());

        assertThat(AttachedVolume.parseJson(multipath.toJson())).isEqualTo(multipath);
        assertThat(AttachedVolume.parseJson(single.toJson())).isEqualTo(single);
        assertThat(AttachedVolume.fromDeviceInfo(multipath.toDeviceInfo())).isEqualTo(multipath);
    }

    @Test
    void readsOsBricksDeviceInfoAndIgnoresUnknownKeys() {
        AttachedVolume volume = AttachedVolume.parseJson("{\"type\": \"block\", \"scsi_wwn\": \"360014053b8c2d6119a414f0b8e275d1c\","
                + " \"path\": \"/dev/disk/by-path/pci-0000:05:00.2-fc-0x1234567890123456-lun-1\", \"extra\": [1]}");

        assertThat(volume.path().path()).isEqualTo("/dev/disk/by-path/pci-0000:05:00.2-fc-0x1234567890123456-lun-1");
        assertThat(volume.scsiWwn()).contains(WWID);
        assertThat(volume.multipathId()).isEmpty();
    }

    @Test
    void acceptsAMissingTypeAndNullOrEmptyWwids() {
        AttachedVolume volume = AttachedVolume.parseJson(
                "{\"path\": \"/dev/sdb\", \"scsi_wwn\": null, \"multipath_id\": \"\", \"type\": null}");

        assertThat(volume).isEqualTo(new AttachedVolume(DevicePath.of("/dev/sdb"), Optional.empty(), Optional.empty()));
    }

    @Test
    void requiresAPathUnderDev() {
        InvalidInput.expect("path", () -> AttachedVolume.parseJson("{\"type\": \"block\"}"));
        InvalidInput.expect("path", () -> AttachedVolume.parseJson("{\"path\": null}"));
        InvalidInput.expect("path", () -> AttachedVolume.parseJson("{\"path\": 3}"));
        InvalidInput.expect("path", () -> AttachedVolume.parseJson("{\"path\": \"/etc/passwd\"}"));
        InvalidInput.expect("path", () -> AttachedVolume.parseJson("{\"path\": \"/dev/../etc/passwd\"}"));
        InvalidInput.expect("path", () -> AttachedVolume.parseJson("{\"path\": \"sdb\"}"));
    }

    @Test
    void namesTheWwidKeyThatIsWrong() {
        InvalidInput.expect("scsi_wwn", () -> AttachedVolume.parseJson("{\"path\": \"/dev/sdb\", \"scsi_wwn\": \"36 00\"}"));
        InvalidInput.expect("scsi_wwn", () -> AttachedVolume.parseJson("{\"path\": \"/dev/sdb\", \"scsi_wwn\": 3600}"));
        InvalidInput.expect("multipath_id",
                () -> AttachedVolume.parseJson("{\"path\": \"/dev/dm-0\", \"multipath_id\": \"../x\"}"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"file\"", "\"Block\"", "1", "true"})
    void acceptsOnlyTheBlockType(String type) {
        InvalidInput.expect("type", () -> AttachedVolume.parseJson("{\"type\": " + type + ", \"path\": \"/dev/sdb\"}"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "/dev/sdb", "[]", "\"x\"", "{\"path\": \"/dev/sdb\""})
    void rejectsTextThatIsNotADeviceInfoObject(String text) {
        InvalidInput.expect("device_info", () -> AttachedVolume.parseJson(text));
    }

    @Test
    void readsAMapWithJavaNulls() {
        Map<String, Object> info = new HashMap<>();
        info.put("path", "/dev/sdc");
        info.put("scsi_wwn", null);

        assertThat(AttachedVolume.fromDeviceInfo(info).scsiWwn()).isEmpty();
    }
}
