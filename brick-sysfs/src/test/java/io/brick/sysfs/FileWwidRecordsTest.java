package io.brick.sysfs;

import io.brick.core.error.UnsafePathException;
import io.brick.core.host.HostRoot;
import io.brick.core.model.Wwid;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Issue 18, item 5: brick's records of the WWIDs it added to multipath's wwids file, by the rules for root's files. */
class FileWwidRecordsTest {
    private static final Wwid WWID = Wwid.of("360014053b8c2d6119a414f0b8e275d1c");

    @TempDir
    Path dir;

    private FileWwidRecords records() {
        return new FileWwidRecords(HostRoot.under(dir.toString()));
    }

    private Path directory() {
        return dir.resolve("var/lib/brick/wwids");
    }

    /** The wwids file as multipath 0.9.4 wrote it in the lane: a header, listed WWIDs, one that -w commented out. */
    @Test
    void the_wwids_file_lists_a_wwid_on_its_own_line_and_not_a_commented_one() throws Exception {
        FileWwidRecords records = records();
        assertThat(records.listed()).as("no file").isEmpty();
        Path file = dir.resolve("etc/multipath/wwids");
        Files.createDirectories(file.getParent());
        Files.writeString(file, """
                # Multipath wwids, Version : 1.0
                # NOTE: This file is automatically maintained by multipath and multipathd.
                # You should not need to edit this file in normal circumstances.
                #
                # Valid WWIDs:
                /3600140522a629d0fdd1f6918e5947fb9/
                #360014053b8c2d6119a414f0b8e275d1c/
                /360014053b8c2d6119a414f0b8e275d1cX/
                //
                / 3600140500000000000000000000000ff/
                """);

        assertThat(records.listed()).as("commented out, a longer WWID, an empty line or one that is no WWID")
                .containsExactlyInAnyOrder(Wwid.of("3600140522a629d0fdd1f6918e5947fb9"),
                        Wwid.of("360014053b8c2d6119a414f0b8e275d1cX"));
        Files.writeString(file, "  /" + WWID.value() + "/ \n", java.nio.file.StandardOpenOption.APPEND);
        assertThat(records.listed()).contains(WWID).hasSize(3);
    }

    @Test
    void a_wwids_file_that_is_a_link_is_not_read() throws Exception {
        Path file = dir.resolve("etc/multipath/wwids");
        Files.createDirectories(file.getParent());
        Path elsewhere = dir.resolve("elsewhere");
        Files.writeString(elsewhere, "/" + WWID.value() + "/\n");
        Files.createSymbolicLink(file, elsewhere);

        assertThatThrownBy(() -> records().listed()).isInstanceOf(io.brick.core.error.HostStateException.class);
    }

    @Test
    void a_record_is_a_private_file_in_a_private_directory_until_dropped() throws Exception {
        FileWwidRecords records = records();
        assertThat(records.recorded(WWID)).isFalse();
        assertThat(Files.exists(directory())).as("asking creates nothing").isFalse();

        records.record(WWID);

        assertThat(records.recorded(WWID)).isTrue();
        assertThat(Files.readString(directory().resolve(WWID.value()))).isEqualTo(WWID.value() + "\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(directory()))).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(directory().resolve(WWID.value()))))
                .isEqualTo("rw-------");
        records.drop(WWID);
        assertThat(records.recorded(WWID)).isFalse();
        records.drop(WWID);
    }

    @Test
    void a_directory_others_can_write_is_refused_and_nothing_is_written() throws Exception {
        Files.createDirectories(directory());
        Files.setPosixFilePermissions(directory(), PosixFilePermissions.fromString("rwxrwxrwx"));

        assertThatThrownBy(() -> records().record(WWID)).isInstanceOf(UnsafePathException.class)
                .hasMessageContaining("writable by group or others");
        assertThatThrownBy(() -> records().recorded(WWID)).isInstanceOf(UnsafePathException.class);
        try (var entries = Files.list(directory())) {
            assertThat(entries).isEmpty();
        }
    }

    @Test
    void a_link_planted_at_a_records_name_is_not_a_record_and_is_replaced_not_written_through() throws Exception {
        Files.createDirectories(directory(), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------")));
        Path elsewhere = Files.writeString(dir.resolve("elsewhere"), "untouched");
        Files.createSymbolicLink(directory().resolve(WWID.value()), elsewhere);

        assertThatThrownBy(() -> records().recorded(WWID)).isInstanceOf(UnsafePathException.class)
                .hasMessageContaining("symbolic link");
        records().record(WWID);

        assertThat(Files.readString(elsewhere)).isEqualTo("untouched");
        assertThat(Files.isSymbolicLink(directory().resolve(WWID.value()))).isFalse();
        assertThat(records().recorded(WWID)).isTrue();
    }

    @Test
    void a_wwid_too_long_for_a_file_name_is_cut_and_hashed() {
        Wwid longer = Wwid.of("8" + "a".repeat(300));
        Wwid other = Wwid.of("8" + "a".repeat(299) + "b");

        records().record(longer);

        assertThat(FileWwidRecords.name(longer)).hasSize(FileWwidRecords.MAX_NAME).isNotEqualTo(FileWwidRecords.name(other));
        assertThat(records().recorded(longer)).isTrue();
        assertThat(records().recorded(other)).isFalse();
        assertThat(Files.exists(directory().resolve(FileWwidRecords.name(longer)), LinkOption.NOFOLLOW_LINKS)).isTrue();
    }
}
