package io.brick.csi;

import io.brick.core.error.HostStateException;
import io.brick.core.error.UnsafePathException;
import io.brick.core.model.AttachedVolume;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StateStoreTest {
    @TempDir
    Path dir;

    private static VolumeSource source() {
        return VolumeSource.from(Map.of(VolumeSource.CONNECTION_INFO_KEY, """
                {"driver_volume_type": "iscsi", "data": {"target_portal": "10.0.0.1:3260",
                 "target_iqn": "iqn.2010-10.org.example:t1", "target_lun": 3,
                 "auth_method": "CHAP", "auth_username": "u", "auth_password": "Pa55-at-rest"}}"""), Map.of());
    }

    @Test
    void a_volume_is_written_whole_owner_only_and_read_back_without_its_password() throws Exception {
        StateStore store = StateStore.open(dir.resolve("state"));
        StagedVolume staging = StagedVolume.staging("pvc-1/odd id", "/staging/pvc-1", source(), StagedVolume.Access.BLOCK);
        StagedVolume staged = staging.withDevice(AttachedVolume.parseJson(
                "{\"type\":\"block\",\"path\":\"/dev/dm-3\",\"scsi_wwn\":\"3600140500000000000000000000000c1\","
                        + "\"multipath_id\":\"3600140500000000000000000000000c1\"}"))
                .withPublication("/pods/a/vol", true);

        store.write(staging);
        store.write(staged);

        List<Path> files;
        try (var list = Files.list(store.directory())) {
            files = list.toList();
        }
        assertThat(files).hasSize(1);
        assertThat(files.get(0).getFileName().toString()).matches("[0-9a-f]{64}\\.json");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(files.get(0)))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(store.directory()))).isEqualTo("rwx------");
        assertThat(Files.readString(files.get(0))).doesNotContain("Pa55-at-rest");
        StagedVolume read = store.read("pvc-1/odd id").orElseThrow();
        assertThat(read.device()).isEqualTo(staged.device());
        assertThat(read.publications()).isEqualTo(Map.of("/pods/a/vol", true));
        assertThat(read.protocol()).isEqualTo(staged.protocol());
        assertThat(read.properties().string("auth_password")).contains("***");
        assertThat(read.sameStage("/staging/pvc-1", source(), StagedVolume.Access.BLOCK)).isTrue();
        assertThat(read.sameStage("/staging/other", source(), StagedVolume.Access.BLOCK)).isFalse();

        store.delete("pvc-1/odd id");
        store.delete("pvc-1/odd id");
        assertThat(store.read("pvc-1/odd id")).isEmpty();
    }

    @Test
    void a_damaged_state_file_is_a_host_state_error_and_is_kept() throws Exception {
        StateStore store = StateStore.open(dir.resolve("state"));
        store.write(StagedVolume.staging("vol", "/s", source(), StagedVolume.Access.BLOCK));
        Path file;
        try (var list = Files.list(store.directory())) {
            file = list.findFirst().orElseThrow();
        }
        Files.writeString(file, "{\"format\": 1, \"volume_id\": ");

        assertThatThrownBy(() -> store.read("vol")).isInstanceOf(HostStateException.class).hasMessageContaining("vol");
        assertThat(file).exists();
    }

    @Test
    void a_symlinked_or_group_writable_state_directory_is_refused() throws Exception {
        Path real = Files.createDirectory(dir.resolve("real"));
        Path link = Files.createSymbolicLink(dir.resolve("link"), real);
        Path open = Files.createDirectory(dir.resolve("open"));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));

        assertThatThrownBy(() -> StateStore.open(link)).isInstanceOf(UnsafePathException.class);
        assertThatThrownBy(() -> StateStore.open(open)).isInstanceOf(UnsafePathException.class)
                .hasMessageContaining("writable by group or others");
    }
}
