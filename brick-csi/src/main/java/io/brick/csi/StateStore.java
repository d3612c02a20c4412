package io.brick.csi;

import io.brick.core.error.HostStateException;
import io.brick.core.error.InvalidInputException;
import io.brick.core.error.UnsafePathException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import static java.util.Objects.requireNonNull;

/**
 * One small file per volume under a state directory, so what NodeUnstageVolume needs survives a restart of the
 * plugin. A file is written whole or not at all: a temporary file in the same directory, flushed to disk, renamed over
 * the old one, and the directory flushed too. The directory is the plugin's own ({@code 0700}, never a symlink), and
 * the file's name is a hash of the volume ID, so no ID (up to 128 bytes of anything) can name another path.
 */
final class StateStore {
    private static final String SUFFIX = ".json";
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-------");

    private final Path directory;

    private StateStore(Path directory) {
        this.directory = directory;
    }

    /**
     * The store in {@code directory}, made ({@code 0700}) when missing.
     *
     * @throws UnsafePathException when it is a symlink, not a directory, or others may write to it
     */
    static StateStore open(Path directory) {
        Path dir = requireNonNull(directory, "directory is null").toAbsolutePath().normalize();
        try {
            if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectories(dir.getParent());
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            }
            PosixFileAttributes attributes = Files.readAttributes(dir, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (!attributes.isDirectory()) {
                throw new UnsafePathException("the state directory " + dir + " is not a directory (or is a symlink)",
                        Map.of("path", dir.toString()));
            }
            Set<PosixFilePermission> mode = attributes.permissions();
            if (mode.contains(PosixFilePermission.GROUP_WRITE) || mode.contains(PosixFilePermission.OTHERS_WRITE)) {
                throw new UnsafePathException("others may write to the state directory " + dir,
                        Map.of("path", dir.toString(), "mode", PosixFilePermissions.toString(mode)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the state directory " + dir, e);
        }
        return new StateStore(dir);
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
        Path temporary = directory.resolve("." + file.getFileName() + "." + UUID.randomUUID() + ".tmp");
        byte[] bytes = volume.toJson().getBytes(StandardCharsets.UTF_8);
        try {
            try (FileChannel channel = FileChannel.open(temporary, Set.of(StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS), PosixFilePermissions.asFileAttribute(FILE_MODE))) {
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            try {
                Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("the state directory cannot rename atomically", e);
            }
            syncDirectory();
        } catch (IOException e) {
            try {
                Files.deleteIfExists(temporary);
            } catch (IOException ignored) {
                // the write's failure is what matters; a stray temporary file is harmless
            }
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
