package io.brick.testkit.sysfs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static java.util.Objects.requireNonNull;

/**
 * File operations on the fake host's root, with paths relative to it ({@code sys/block/sda}). Symbolic links are
 * made relative, the way the kernel and udev make them. I/O failures become {@link UncheckedIOException}.
 */
final class Tree {
    private final Path root;
    /** Which files and which links are written, by relative path (all of them but for a lean benchmark host). */
    private final Predicate<String> keepsFile;
    private final Predicate<String> keepsLink;

    Tree(Path root, Predicate<String> keepsFile, Predicate<String> keepsLink) {
        this.root = requireNonNull(root, "root is null");
        this.keepsFile = requireNonNull(keepsFile, "keepsFile is null");
        this.keepsLink = requireNonNull(keepsLink, "keepsLink is null");
    }

    Path root() {
        return root;
    }

    Path resolve(String relative) {
        return root.resolve(relative);
    }

    void mkdirs(String relative) {
        try {
            Files.createDirectories(resolve(relative));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + relative, e);
        }
    }

    /** Writes a kernel attribute: the value and a newline. */
    void attr(String relative, Object value) {
        write(relative, value + "\n");
    }

    /** Writes the text exactly (creating parents, replacing what was there). */
    void write(String relative, String text) {
        writeBytes(relative, text.getBytes(StandardCharsets.UTF_8));
    }

    void writeBytes(String relative, byte[] bytes) {
        if (!keepsFile.test(relative)) {
            return;
        }
        Path path = resolve(relative);
        try {
            try {
                Files.write(path, bytes);
            } catch (NoSuchFileException noParent) {
                // the parent is made only when missing: one open per attribute, not a mkdir and a stat before it
                Files.createDirectories(path.getParent());
                Files.write(path, bytes);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + relative, e);
        }
    }

    /** The text of a file. */
    String read(String relative) {
        try {
            return Files.readString(resolve(relative));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + relative, e);
        }
    }

    /**
     * Makes {@code link} a relative symbolic link to {@code target}, replacing what was there, written the way sysfs
     * writes its links: up from the link's directory to the nearest directory holding the target's parent, then down
     * to the target ({@code ../../../host2}, never {@code ../..}).
     */
    void link(String link, String target) {
        if (!keepsLink.test(link)) {
            return;
        }
        Path linkPath = resolve(link);
        Path targetPath = resolve(target);
        Path base = linkPath.getParent();
        StringBuilder relative = new StringBuilder();
        while (!targetPath.getParent().startsWith(base)) {
            relative.append("../");
            base = base.getParent();
        }
        relative.append(base.relativize(targetPath));
        Path linkTarget = Path.of(relative.toString());
        try {
            try {
                Files.createSymbolicLink(linkPath, linkTarget);
            } catch (NoSuchFileException noParent) {
                Files.createDirectories(linkPath.getParent());
                Files.createSymbolicLink(linkPath, linkTarget);
            } catch (FileAlreadyExistsException replaced) {
                Files.delete(linkPath);
                Files.createSymbolicLink(linkPath, linkTarget);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot link " + link + " to " + target, e);
        }
    }

    /** The target of a symbolic link as written, if {@code relative} is one. */
    Optional<String> readLink(String relative) {
        Path path = resolve(relative);
        if (!Files.isSymbolicLink(path)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Files.readSymbolicLink(path).toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read link " + relative, e);
        }
    }

    boolean exists(String relative) {
        return Files.exists(resolve(relative), LinkOption.NOFOLLOW_LINKS);
    }

    /** Names in a directory (links not followed), sorted; none when it does not exist. */
    List<String> list(String relative) {
        Path dir = resolve(relative);
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.map(path -> path.getFileName().toString()).sorted().collect(Collectors.toUnmodifiableList());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + relative, e);
        }
    }

    /** Deletes a file, a link (not what it points to) or a whole directory tree; nothing there is fine. */
    void delete(String relative) {
        Path path = resolve(relative);
        try {
            try {
                Files.deleteIfExists(path); // a file, a link or an empty directory: done
            } catch (DirectoryNotEmptyException full) {
                try (DirectoryStream<Path> entries = Files.newDirectoryStream(path)) {
                    if (entries instanceof SecureDirectoryStream<Path> secure) {
                        emptyDirectory(secure);
                    } else {
                        for (Path entry : entries) {
                            delete(root.relativize(entry).toString());
                        }
                    }
                }
                Files.delete(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + relative, e);
        }
    }

    /**
     * Deletes what a directory holds, relative to the open directory: one {@code unlinkat} per file or link (no
     * {@code lstat} first, as {@link Files#delete} and a file tree walk make), a directory when unlinking it fails.
     */
    private static void emptyDirectory(SecureDirectoryStream<Path> dir) throws IOException {
        List<Path> names = new ArrayList<>();
        for (Path entry : dir) {
            names.add(entry.getFileName());
        }
        for (Path name : names) {
            try {
                dir.deleteFile(name);
            } catch (NoSuchFileException gone) {
                // removed meanwhile: nothing to do
            } catch (IOException directory) {
                try (SecureDirectoryStream<Path> sub = dir.newDirectoryStream(name, LinkOption.NOFOLLOW_LINKS)) {
                    emptyDirectory(sub);
                }
                dir.deleteDirectory(name);
            }
        }
    }
}
