package io.brick.csi;

import io.brick.core.error.HostStateException;
import io.brick.core.error.InvalidInputException;
import io.brick.sysfs.SafeFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * One small file per volume under a state directory, so what NodeUnstageVolume needs survives a restart of the
 * plugin. A file is written whole or not at all: a temporary file in the same directory, flushed to disk, renamed over
 * the old one, and the directory flushed too ({@link SafeFiles#writeAtomically}). The directory is the plugin's own
 * ({@code 0700}, never a symlink, checked by {@link SafeFiles#checkOwnedDirectory}), and
 * the file's name is a hash of the volume ID, so no ID (up to 128 bytes of anything) can name another path.
 */
final class StateStore {
    private static final String SUFFIX = ".json";
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");
    private static final String FILE_MODE = "rw-------";

    private final Path directory;

    private StateStore(Path directory) {
        this.directory = directory;
    }

    /**
     * The store in {@code directory}, made ({@code 0700}) when missing.
     *
     * @throws io.brick.core.error.UnsafePathException when it is a symlink, not a directory, not this user's, or
     *                                                 others may write to it or to a directory above it
     */
    static StateStore open(Path directory) {
        Path dir = requireNonNull(directory, "directory is null").toAbsolutePath().normalize();
        try {
            if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectories(dir.getParent());
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            }
            // brick's rules for its own directories (DESIGN.md promise 8), in one place: brick-sysfs's SafeFiles
            return new StateStore(SafeFiles.checkOwnedDirectory(dir, "the state directory",
                    "Remove it, or name another with --state-dir."));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the state directory " + dir, e);
        }
    }

    /** The directory. */
    Path directory() {
        return directory;
    }

    /**
     * The volume's state, if it has any.
     *
     * @throws HostStateException when the file is there but unreadable as brick-csi's (it is kept for an operator)
     */
    Optional<StagedVolume> read(String volumeId) {
        Path file = fileOf(volumeId);
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        try {
            StagedVolume volume = StagedVolume.parseJson(text);
            if (!volume.volumeId().equals(volumeId)) {
                throw new InvalidInputException("volume_id", "names another volume");
            }
            return Optional.of(volume);
        } catch (InvalidInputException e) {
            throw new HostStateException("the state file of volume " + volumeId + " is damaged: " + e.getMessage(),
                    false, Map.of("file", file.toString()), e);
        }
    }

    /** Writes the volume's state atomically, replacing what was there. */
    void write(StagedVolume volume) {
        Path file = fileOf(volume.volumeId());
        try {
            SafeFiles.writeAtomically(file, volume.toJson().getBytes(StandardCharsets.UTF_8), FILE_MODE);
            syncDirectory();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the state of volume " + volume.volumeId() + " to " + file, e);
        }
    }

    /** Forgets the volume; nothing to forget is fine. */
    void delete(String volumeId) {
        try {
            Files.deleteIfExists(fileOf(volumeId));
            syncDirectory();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the state of volume " + volumeId, e);
        }
    }

    private void syncDirectory() throws IOException {
        // the rename or delete is durable only once the directory's entry is on disk
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    private Path fileOf(String volumeId) {
        requireNonNull(volumeId, "volumeId is null");
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(volumeId.getBytes(StandardCharsets.UTF_8));
            return directory.resolve(HexFormat.of().formatHex(digest) + SUFFIX);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
