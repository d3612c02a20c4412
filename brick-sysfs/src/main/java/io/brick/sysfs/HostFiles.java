package io.brick.sysfs;

import io.brick.core.error.HostStateException;
import io.brick.core.host.HostRoot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * The host's {@code /sys} and {@code /dev} as brick-sysfs reads and writes them: paths relative to the {@link HostRoot},
 * symlinks followed only while they stay inside the host root's {@code sys} (or {@code dev}) directory, attribute
 * files read without following links and with a size cap.
 */
final class HostFiles {
    private static final Logger log = LoggerFactory.getLogger(HostFiles.class);
    /** sysfs attributes are at most a page; anything bigger is not an attribute. */
    private static final int MAX_READ = 64 * 1024;

    private final Path sys;
    private final Path dev;
    /**
     * The real paths of {@code sys} and {@code dev}, once they exist: every confined read compares against them, and
     * resolving them again each time doubled the {@code realpath} calls of a lookup. A host's {@code /sys} and
     * {@code /dev} are mount points that do not move while brick runs. Null until first resolved.
     */
    private volatile Path sysReal;
    private volatile Path devReal;

    HostFiles(HostRoot root) {
        requireNonNull(root, "root is null");
        this.sys = Path.of(root.sys());
        this.dev = Path.of(root.dev());
    }

    /** A path under the host's {@code /sys}. */
    Path sys(String first, String... more) {
        return sys.resolve(Path.of(first, more));
    }

    /** A path under the host's {@code /dev}. */
    Path dev(String first, String... more) {
        return dev.resolve(Path.of(first, more));
    }

    /** The real path of {@code /dev} itself, if it exists. */
    Optional<Path> devReal() {
        if (devReal == null) {
            realOf(dev).ifPresent(path -> devReal = path);
        }
        return Optional.ofNullable(devReal);
    }

    /** The real path of {@code /sys} itself, if it exists. */
    Optional<Path> sysReal() {
        if (sysReal == null) {
            realOf(sys).ifPresent(path -> sysReal = path);
        }
        return Optional.ofNullable(sysReal);
    }

    /** The real path of a path under {@code /sys}, if it exists and every link on the way stays inside {@code /sys}. */
    Optional<Path> realInSys(Path path) {
        return realUnder(path, sys, sysReal());
    }

    /** The real path of a path under {@code /dev}, if it exists and every link on the way stays inside {@code /dev}. */
    Optional<Path> realInDev(Path path) {
        return realUnder(path, dev, devReal());
    }

    private Optional<Path> realUnder(Path path, Path top, Optional<Path> topReal) {
        Optional<Path> real = realOf(path);
        if (real.isEmpty()) {
            return real;
        }
        if (topReal.isEmpty() || !real.get().startsWith(topReal.get())) {
            log.warn("{} resolves to {}, outside {}: treated as absent", path, real.get(), top);
            return Optional.empty();
        }
        return real;
    }

    private static Optional<Path> realOf(Path path) {
        try {
            return Optional.of(path.toRealPath());
        } catch (NoSuchFileException | NotDirectoryException e) {
            return Optional.empty();
        } catch (AccessDeniedException e) {
            throw unreadable(path, e);
        } catch (FileSystemException e) {
            // a link loop or a name too long: nothing a kernel tree holds; absent
            log.debug("{} cannot be resolved ({}): treated as absent", path, e.getReason());
            return Optional.empty();
        } catch (IOException e) {
            throw unreadable(path, e);
        }
    }

    /** Whether the path (following links) is a directory. */
    static boolean isDirectory(Path path) {
        return Files.isDirectory(path);
    }

    /** The names in a directory, sorted; a missing directory has none. */
    static List<String> list(Path dir) {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path entry : entries) {
                names.add(entry.getFileName().toString());
            }
        } catch (NoSuchFileException | NotDirectoryException e) {
            return List.of();
        } catch (IOException e) {
            throw unreadable(dir, e);
        }
        names.sort(null);
        return List.copyOf(names);
    }

    /** An attribute file's bytes, read without following a link, at most {@value #MAX_READ} bytes. */
    static byte[] readBytes(Path file) throws IOException {
        try (SeekableByteChannel channel = Files.newByteChannel(file,
                StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
             InputStream in = Channels.newInputStream(channel)) {
            return in.readNBytes(MAX_READ);
        }
    }

    /** An attribute file's text (UTF-8), not stripped. */
    static String readText(Path file) throws IOException {
        return new String(readBytes(file), StandardCharsets.UTF_8);
    }

    /**
     * Writes text into an existing attribute file (no newline added): never creates one, never follows a link at
     * its name, and only in a directory that nobody but root and brick's user can change
     * ({@link SafeFiles#checkTrustedDirectory}), so a host root another user controls (a {@code --root} under their
     * home) cannot turn the write into one through a link to a file of root's.
     */
    static void write(Path file, String text) throws IOException {
        Path parent = requireNonNull(file.getParent(), "an attribute file has a directory");
        Path trusted = SafeFiles.checkTrustedDirectory(parent, "the sysfs attribute's directory")
                .resolve(file.getFileName());
        try (SeekableByteChannel channel = Files.newByteChannel(trusted,
                StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING, LinkOption.NOFOLLOW_LINKS)) {
            ByteBuffer buffer = ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII));
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        }
    }

    /** The error for a host file that could not be read. */
    static HostStateException unreadable(Path path, IOException cause) {
        return new HostStateException("cannot read " + path + ": " + reason(cause), true, evidence(path, cause), cause);
    }

    /** The error for a host file that could not be written. */
    static HostStateException unwritable(Path path, String text, IOException cause) {
        Map<String, String> evidence = evidence(path, cause);
        evidence.put("written", text);
        return new HostStateException("the kernel refused '" + text + "' in " + path + ": " + reason(cause), true,
                evidence, cause);
    }

    static Map<String, String> evidence(Path path, IOException cause) {
        Map<String, String> evidence = new LinkedHashMap<>();
        evidence.put("path", path.toString());
        evidence.put("error", reason(cause));
        return evidence;
    }

    static String reason(IOException e) {
        if (e instanceof FileSystemException fse && fse.getReason() != null) {
            return e.getClass().getSimpleName() + ": " + fse.getReason();
        }
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }

    /** Whether a kernel device name can be used as one path element ({@code sda}, {@code dm-0}). */
    static boolean isKernelName(String name) {
        return name != null && !name.isEmpty() && name.indexOf('/') < 0 && name.indexOf('\0') < 0
                && !name.equals(".") && !name.equals("..");
    }
}
