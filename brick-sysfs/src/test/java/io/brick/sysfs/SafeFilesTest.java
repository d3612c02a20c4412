package io.brick.sysfs;

import io.brick.core.error.UnsafePathException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The rules of files brick writes as root; the cases that need another user's files run as root (as CI does). */
class SafeFilesTest {
    private static final int NOBODY = 65534;

    @TempDir
    Path dir;

    @Test
    void a_directory_whose_parents_only_root_or_brick_can_change_is_trusted_and_returned_resolved() throws IOException {
        Path real = Files.createDirectories(dir.resolve("a/b"));
        Path link = Files.createSymbolicLink(dir.resolve("link"), real);

        assertThat(SafeFiles.checkTrustedDirectory(link, "test")).isEqualTo(real.toRealPath());
    }

    @Test
    void a_sticky_world_writable_parent_is_trusted_but_a_plain_world_writable_one_is_not() throws IOException {
        Path sticky = Files.createDirectory(dir.resolve("sticky"));
        chmod(sticky, 01777);
        Path mine = Files.createDirectory(sticky.resolve("mine"));
        assertThat(SafeFiles.checkTrustedDirectory(mine, "test")).isEqualTo(mine.toRealPath());

        Path open = Files.createDirectory(dir.resolve("open"));
        chmod(open, 0777);
        Path below = Files.createDirectory(open.resolve("below"));
        assertThatThrownBy(() -> SafeFiles.checkTrustedDirectory(below, "the test directory"))
                .isInstanceOf(UnsafePathException.class)
                .hasMessageContaining(open.toString()).hasMessageContaining("rwxrwxrwx (0777)")
                .satisfies(e -> assertThat(((UnsafePathException) e).kind()).isEqualTo("unsafe-path"));

        Path groupWritable = Files.createDirectory(dir.resolve("group"));
        chmod(groupWritable, 0775);
        assertThatThrownBy(() -> SafeFiles.checkTrustedDirectory(groupWritable, "test"))
                .isInstanceOf(UnsafePathException.class).hasMessageContaining("rwxrwxr-x (0775)");
    }

    @Test
    void a_parent_owned_by_another_user_is_not_trusted() throws IOException {
        assumeRoot();
        Path theirs = Files.createDirectory(dir.resolve("theirs"));
        chown(theirs, NOBODY);
        Path below = Files.createDirectory(theirs.resolve("below"));

        assertThatThrownBy(() -> SafeFiles.checkTrustedDirectory(below, "the lock directory"))
                .isInstanceOf(UnsafePathException.class)
                .hasMessageContaining("owned by").hasMessageContaining("65534")
                .satisfies(e -> assertThat(((UnsafePathException) e).evidence()).containsEntry("path", theirs.toString()));
    }

    @Test
    void an_owned_directory_is_a_real_directory_of_brick_not_writable_by_others() throws IOException {
        Path good = Files.createDirectory(dir.resolve("good"));
        chmod(good, 0700);
        assertThat(SafeFiles.checkOwnedDirectory(good, "the lock directory", "Fix it.")).isEqualTo(good.toRealPath());

        Path link = Files.createSymbolicLink(dir.resolve("link"), good);
        assertThatThrownBy(() -> SafeFiles.checkOwnedDirectory(link, "the lock directory", "Fix it."))
                .isInstanceOf(UnsafePathException.class).hasMessageContaining("symbolic link").hasMessageEndingWith("Fix it.");

        Path wide = Files.createDirectory(dir.resolve("wide"));
        chmod(wide, 0757);
        assertThatThrownBy(() -> SafeFiles.checkOwnedDirectory(wide, "the lock directory", "Fix it."))
                .isInstanceOf(UnsafePathException.class).hasMessageContaining("rwxr-xrwx (0757)");

        Path file = Files.createFile(dir.resolve("file"));
        assertThatThrownBy(() -> SafeFiles.checkOwnedDirectory(file, "the lock directory", "Fix it."))
                .isInstanceOf(UnsafePathException.class).hasMessageContaining("not a directory");
    }

    @Test
    void an_owned_directory_of_another_user_is_refused_naming_owner_and_mode() throws IOException {
        assumeRoot();
        Path theirs = Files.createDirectory(dir.resolve("brick"));
        chmod(theirs, 0755);
        chown(theirs, NOBODY);

        assertThatThrownBy(() -> SafeFiles.checkOwnedDirectory(theirs, "the lock directory", "Remove it."))
                .isInstanceOf(UnsafePathException.class)
                .hasMessageContaining("the lock directory " + theirs.toRealPath())
                .hasMessageContaining("65534").hasMessageContaining("rwxr-xr-x (0755)").hasMessageEndingWith("Remove it.");
    }

    @Test
    void an_owned_file_is_regular_with_one_name() throws IOException {
        Path file = Files.createFile(dir.resolve("file"));
        SafeFiles.checkOwnedFile(file, "the lock file", "Fix.");

        Path victim = Files.writeString(dir.resolve("victim"), "root's", StandardCharsets.UTF_8);
        Path symlink = Files.createSymbolicLink(dir.resolve("symlink"), victim);
        assertThatThrownBy(() -> SafeFiles.checkOwnedFile(symlink, "the lock file", "Fix."))
                .isInstanceOf(UnsafePathException.class).hasMessageContaining("symbolic link");

        Path hardLink = Files.createLink(dir.resolve("hard"), victim);
        assertThatThrownBy(() -> SafeFiles.checkOwnedFile(hardLink, "the lock file", "Fix."))
                .isInstanceOf(UnsafePathException.class).hasMessageContaining("2 names");

        Path directory = Files.createDirectory(dir.resolve("directory"));
        assertThatThrownBy(() -> SafeFiles.checkOwnedFile(directory, "the lock file", "Fix."))
                .isInstanceOf(UnsafePathException.class).hasMessageContaining("not a regular file");
    }

    @Test
    void an_atomic_write_replaces_a_planted_link_or_hard_link_and_never_writes_through_it() throws IOException {
        Path victim = Files.writeString(dir.resolve("victim"), "root's secret", StandardCharsets.UTF_8);
        Path out = dir.resolve("out.json");
        Files.createSymbolicLink(out, victim);

        SafeFiles.writeAtomically(out, "{}".getBytes(StandardCharsets.UTF_8), "rw-r--r--");

        assertThat(victim).hasContent("root's secret");
        assertThat(Files.isSymbolicLink(out)).isFalse();
        assertThat(out).hasContent("{}");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(out))).isEqualTo("rw-r--r--");

        Files.delete(out);
        Files.createLink(out, victim);
        SafeFiles.writeAtomically(out, "[]".getBytes(StandardCharsets.UTF_8), "rw-------");
        assertThat(victim).hasContent("root's secret");
        assertThat(out).hasContent("[]");
        try (var names = Files.list(dir)) {
            assertThat(names.map(path -> path.getFileName().toString())).noneMatch(name -> name.endsWith(".tmp"));
        }
    }

    @Test
    void a_failed_atomic_write_leaves_nothing_behind() throws IOException {
        Path directoryAtTheName = Files.createDirectory(dir.resolve("out"));
        Files.createFile(directoryAtTheName.resolve("keep"));

        assertThatThrownBy(() -> SafeFiles.writeAtomically(directoryAtTheName, new byte[] {1}, "rw-------"))
                .isInstanceOf(IOException.class);
        try (var names = Files.list(dir)) {
            assertThat(names.map(path -> path.getFileName().toString())).containsExactly("out");
        }
        assertThat(directoryAtTheName.resolve("keep")).exists();
    }

    static void assumeRoot() {
        assumeTrue(SafeFiles.effectiveUid() == 0, "needs root to make files of another user (CI runs as root)");
    }

    static void chown(Path path, int uid) throws IOException {
        Files.setAttribute(path, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
    }

    static void chmod(Path path, int mode) throws IOException {
        Files.setAttribute(path, "unix:mode", mode);
    }
}
