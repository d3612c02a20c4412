package io.brick.sysfs;

import io.brick.testkit.snapshot.RecordedFixture;
import io.brick.core.error.HostStateException;
import io.brick.core.model.Lun;
import io.brick.testkit.snapshot.Recordings;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SysfsScsiScannerTest {
    @TempDir
    Path dir;

    private RecordedFixture<SysfsTopologyProvider> fixture;
    private SysfsScsiScanner scanner;
    private Path scan;

    @BeforeEach
    void materialise() {
        fixture = RecordedFixture.load(Recordings.B_TWO_PORTALS_ONE_LUN, dir, SysfsTopologyProvider::new);
        scanner = new SysfsScsiScanner(fixture.host());
        scan = fixture.sys("devices/platform/host3/scsi_host/host3/scan");
    }

    @Test
    void writes_channel_target_and_lun_into_the_hosts_scan_file() throws IOException {
        scanner.scan(3, OptionalInt.of(0), OptionalInt.of(0), Lun.of(1));

        assertThat(Files.readString(scan)).isEqualTo("0 0 1");
    }

    @Test
    void writes_wildcards_only_for_channel_and_target() throws IOException {
        scanner.scan(3, OptionalInt.empty(), OptionalInt.empty(), Lun.of(7));

        assertThat(Files.readString(scan)).isEqualTo("- - 7");
    }

    @Test
    void large_luns_are_written_unsigned() throws IOException {
        scanner.scan(3, OptionalInt.of(0), OptionalInt.of(2), Lun.ofUnsigned(-1L));

        assertThat(Files.readString(scan)).isEqualTo("0 2 18446744073709551615");
    }

    @Test
    void only_one_of_channel_and_target_is_a_programming_error() {
        assertThatThrownBy(() -> scanner.scan(3, OptionalInt.of(0), OptionalInt.empty(), Lun.of(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> scanner.scan(3, OptionalInt.empty(), OptionalInt.of(0), Lun.of(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(scan).isEmptyFile();
    }

    @Test
    void an_unknown_host_is_a_host_state_error() {
        assertThatThrownBy(() -> scanner.scan(9, OptionalInt.of(0), OptionalInt.of(0), Lun.of(1)))
                .isInstanceOf(HostStateException.class).hasMessageContaining("host9");
    }

    @Test
    void a_refused_write_is_a_host_state_error_naming_the_file() throws IOException {
        Files.delete(scan);
        Files.createDirectory(scan);

        assertThatThrownBy(() -> scanner.scan(3, OptionalInt.of(0), OptionalInt.of(0), Lun.of(1)))
                .isInstanceOf(HostStateException.class)
                .satisfies(e -> {
                    HostStateException error = (HostStateException) e;
                    assertThat(error.evidence().get("path")).endsWith("host3/scan");
                    assertThat(error.evidence().get("written")).isEqualTo("0 0 1");
                });
    }
}
