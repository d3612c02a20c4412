package io.brick.core.model;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class DevicePathTest {
    @ParameterizedTest
    @ValueSource(strings = {"/dev/sda", "/dev/dm-0", "/dev/disk/by-id/dm-uuid-mpath-360014053b8c2d6119a414f0b8e275d1c",
            "/dev/disk/by-path/ip-127.0.0.1:3260-iscsi-iqn.2003-01.org.linux-iscsi.labvm:target1-lun-1",
            "/dev/disk/by-id/os-brick+dev+sdb", "/dev/mapper/mpatha"})
    void acceptsPathsUnderDev(String path) {
        assertThat(DevicePath.of(path).path()).isEqualTo(path);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "/dev", "/dev/", "sda", "dev/sda", "/sys/block/sda", "/dev/../etc/passwd",
            "/dev/disk/..", "/dev/./sda", "/dev/.", "/dev//sda", "/dev/sda/", "/dev/sd\u0000a", "/dev/sda\n",
            "/devices/sda", "/dev/sd a", "/dev/sda ", "/dev/sda\t", "/dev/sd\u00a0a", "/dev/sd\u2028a"})
    void rejectsAnythingElse(String path) {
        InvalidInput.expect("path", () -> DevicePath.of(path));
    }

    @Test
    void rejectsAbsurdlyLongPaths() {
        InvalidInput.expect("path", () -> DevicePath.of("/dev/" + "a".repeat(5000)));
    }

    @Test
    void buildsThePathOfAKernelName() {
        assertThat(DevicePath.ofKernelName("dm-3")).isEqualTo(DevicePath.of("/dev/dm-3"));
        assertThat(DevicePath.ofKernelName("sdb").name()).isEqualTo("sdb");
        assertThat(DevicePath.of("/dev/disk/by-id/scsi-3600").name()).isEqualTo("scsi-3600");
        assertThat(DevicePath.of("/dev/sdb").toString()).isEqualTo("/dev/sdb");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "..", ".", "a/b"})
    void rejectsWhatIsNotAKernelName(String name) {
        InvalidInput.expect("device", () -> DevicePath.ofKernelName(name));
    }
}
