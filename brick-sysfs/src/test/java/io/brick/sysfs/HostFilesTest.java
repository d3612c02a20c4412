package io.brick.sysfs;

import io.brick.core.host.HostRoot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Reading and listing host files: a file whole whatever its size (up to the cap), a listing sorted. */
class HostFilesTest {
    @TempDir
    Path dir;

    @Test
    void a_file_is_read_whole_at_every_size_around_a_page_and_capped_at_64_kib() throws IOException {
        for (int size : List.of(0, 1, 40, 4095, 4096, 4097, 8192, 65536, 70000)) {
            byte[] content = new byte[size];
            for (int index = 0; index < size; index++) {
                content[index] = (byte) ('a' + index % 26);
            }
            Path file = dir.resolve("attribute" + size);
            Files.write(file, content);

            byte[] read = HostFiles.readBytes(file);

            assertThat(read).as("%d bytes", size).hasSize(Math.min(size, 65536))
                    .isEqualTo(java.util.Arrays.copyOf(content, Math.min(size, 65536)));
        }
    }

    @Test
    void a_listing_is_sorted_a_missing_directory_is_empty_and_a_file_is_no_directory() throws IOException {
        for (String name : List.of("sdb", "dm-1", "sda", "dm-0")) {
            Files.createDirectories(dir.resolve("holders").resolve(name));
        }
        Files.writeString(dir.resolve("size"), "8\n");

        assertThat(HostFiles.list(dir.resolve("holders"))).containsExactly("dm-0", "dm-1", "sda", "sdb");
        assertThat(HostFiles.list(dir.resolve("missing"))).isEmpty();
        assertThat(HostFiles.list(dir.resolve("size"))).isEmpty();
    }

    @Test
    void the_skeleton_of_sys_is_checked_once_but_an_object_below_it_on_every_walk() throws IOException {
        Path sys = Files.createDirectories(dir.resolve("sys/devices/virtual/block/dm-0"));
        Files.createDirectories(dir.resolve("sys/block"));
        Files.createSymbolicLink(dir.resolve("sys/block/dm-0"), Path.of("../devices/virtual/block/dm-0"));
        HostFiles files = new HostFiles(HostRoot.under(dir.toString()));
        assertThat(files.realInSys(files.sys("block", "dm-0"))).isPresent();

        // the object (4 names deep) turned into a link out of /sys: seen on the next walk
        Path outside = Files.createDirectories(dir.resolve("elsewhere/dm-0"));
        Files.delete(sys);
        Files.createSymbolicLink(sys, outside);

        assertThat(files.realInSys(files.sys("block", "dm-0"))).isEmpty();
    }
}
