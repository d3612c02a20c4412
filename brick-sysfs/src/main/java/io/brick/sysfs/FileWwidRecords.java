package io.brick.sysfs;

import io.brick.core.error.HostStateException;
import io.brick.core.error.InvalidInputException;
import io.brick.core.host.HostRoot;
import io.brick.core.model.Wwid;
import io.brick.core.port.WwidRecords;
import jakarta.inject.Inject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * {@link WwidRecords} as one file per WWID in {@code /var/lib/brick/wwids} under the host root
 * ({@link HostRoot#brickState()}), named by the WWID (a WWID longer than {@value #MAX_NAME} characters by its first
 * characters and 16 hex digits of its SHA-256), holding the WWID. Root's files stay root's (DESIGN promise 8):
 * {@code /var/lib/brick} and {@code wwids} are created with mode 0700 when missing, the directory is used only when it
 * is brick's own ({@link SafeFiles#checkOwnedDirectory}), a record is written atomically through a new file
 * ({@link SafeFiles#writeAtomically}, mode 0600) and counts only when it is a regular file of brick's user with one
 * name ({@link SafeFiles#checkOwnedFile}). A missing directory means no record; nothing is created to answer a
 * question.
 */
final class FileWwidRecords implements WwidRecords {
    private static final Logger log = LoggerFactory.getLogger(FileWwidRecords.class);
    /** The longest WWID used as a file name as it is (a name is at most 255 bytes). */
    static final int MAX_NAME = 200;
    private static final String FIX = "Remove %s (brick recreates it), or check who made it.";

    private final Path directory;
    private final Path wwidsFile;

    @Inject
    FileWwidRecords(HostRoot root) {
        this.directory = Path.of(requireNonNull(root, "root is null").brickState(), "wwids");
        this.wwidsFile = Path.of(root.etc(), "multipath", "wwids");
    }

    @Override
    public Set<Wwid> listed() {
        try (SeekableByteChannel channel = Files.newByteChannel(wwidsFile, StandardOpenOption.READ,
                LinkOption.NOFOLLOW_LINKS);
             BufferedReader reader = new BufferedReader(Channels.newReader(channel, StandardCharsets.UTF_8))) {
            Set<Wwid> listed = new HashSet<>();
            reader.lines().map(FileWwidRecords::listedWwid).flatMap(Optional::stream).forEach(listed::add);
            return Set.copyOf(listed);
        } catch (NoSuchFileException e) {
            return Set.of();
        } catch (IOException | UncheckedIOException e) {
            IOException cause = e instanceof UncheckedIOException unchecked ? unchecked.getCause() : (IOException) e;
            throw HostFiles.unreadable(wwidsFile, cause);
        }
    }

    /** The WWID of a {@code /WWID/} line; none for a comment, a blank line or a line that holds no WWID. */
    static Optional<Wwid> listedWwid(String line) {
        String text = line.strip();
        if (text.length() < 3 || !text.startsWith("/") || !text.endsWith("/")) {
            return Optional.empty();
        }
        try {
            return Optional.of(Wwid.of(text.substring(1, text.length() - 1)));
        } catch (InvalidInputException notAWwid) {
            return Optional.empty();
        }
    }

    @Override
    public void record(Wwid wwid) {
        requireNonNull(wwid, "wwid is null");
        Path file = null;
        try {
            file = ensureDirectory().resolve(name(wwid));
            SafeFiles.writeAtomically(file, (wwid.value() + "\n").getBytes(StandardCharsets.US_ASCII), "rw-------");
            log.debug("recorded that brick added WWID {} to the wwids file: {}", wwid, file);
        } catch (IOException e) {
            Path where = file == null ? directory : file;
            throw new HostStateException("cannot record WWID " + wwid + " in " + where + ": " + HostFiles.reason(e),
                    true, HostFiles.evidence(where, e), e);
        }
    }

    @Override
    public boolean recorded(Wwid wwid) {
        requireNonNull(wwid, "wwid is null");
        Path file = directory.resolve(name(wwid));
        try {
            if (!Files.exists(directory, LinkOption.NOFOLLOW_LINKS)) {
                return false;
            }
            Path real = SafeFiles.checkOwnedDirectory(directory, "brick's WWID records", FIX.formatted(directory));
            file = real.resolve(name(wwid));
            if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
                return false;
            }
            SafeFiles.checkOwnedFile(file, "brick's record of a WWID", FIX.formatted(file));
            return true;
        } catch (IOException e) {
            throw new HostStateException("cannot read the record of WWID " + wwid + " in " + file + ": "
                    + HostFiles.reason(e), true, HostFiles.evidence(file, e), e);
        }
    }

    @Override
    public void drop(Wwid wwid) {
        requireNonNull(wwid, "wwid is null");
        Path file = directory.resolve(name(wwid));
        try {
            if (!Files.exists(directory, LinkOption.NOFOLLOW_LINKS)) {
                return;
            }
            file = SafeFiles.checkOwnedDirectory(directory, "brick's WWID records", FIX.formatted(directory))
                    .resolve(name(wwid));
            // deleting a name never follows a link at it
            if (Files.deleteIfExists(file)) {
                log.debug("dropped the record of WWID {}: {}", wwid, file);
            }
        } catch (IOException e) {
            throw new HostStateException("cannot drop the record of WWID " + wwid + " in " + file + ": "
                    + HostFiles.reason(e), true, HostFiles.evidence(file, e), e);
        }
    }

    /** The record's file name: the WWID (printable, no {@code /}, starting with a letter or digit), or cut and hashed. */
    static String name(Wwid wwid) {
        String value = wwid.value();
        if (value.length() <= MAX_NAME) {
            return value;
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.US_ASCII));
            return value.substring(0, MAX_NAME - 17) + "-" + HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** The records' directory, brick's own; it and {@code /var/lib/brick} are created (0700) when missing. */
    private Path ensureDirectory() throws IOException {
        return SafeFiles.ensureOwnedDirectory(directory, "brick's WWID records", FIX.formatted(directory));
    }
}
