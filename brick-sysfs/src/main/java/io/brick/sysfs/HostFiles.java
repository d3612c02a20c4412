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
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

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
    /** The first read's size: a page, the most a sysfs binary attribute gives in one read on any kernel. */
    private static final int FIRST_READ = 4096;
    /** How many links one walk follows before it leaves the path to {@code realpath} (the kernel's limit is 40). */
    private static final int MAX_LINKS = 40;
    private static final int SKELETON_DEPTH = 3;
    private static final int SKELETON_MAX = 256;

    private final Path sys;
    private final Path dev;
    private final Path run;
    /**
     * The real paths of {@code sys} and {@code dev}, once they exist: every confined read compares against them, and
     * resolving them again each time doubled the {@code realpath} calls of a lookup. A host's {@code /sys} and
     * {@code /dev} are mount points that do not move while brick runs. Null until first resolved.
     */
    private volatile Path sysReal;
    private volatile Path devReal;
    /**
     * The real directories at most {@value #SKELETON_DEPTH} names below the real {@code /sys}, with no digit in their
     * names, that a walk found ({@code block}, {@code devices/virtual/block}, {@code class/iscsi_session},
     * {@code bus/scsi/devices}): the skeleton the kernel makes at boot and never replaces with a link (a kernel object,
     * {@code devices/platform/host3}, comes and goes and is numbered), so a walk need not {@code lstat} them again
     * (a holder map's walk from {@code block/dm-N} to {@code devices/virtual/block/dm-N} costs 3 system calls instead
     * of 7). Kernel objects (a device, a session, a map) are deeper or are links and are checked on every walk. A
     * skeleton directory that goes away makes the reads under it fail, as before. At most {@value #SKELETON_MAX}.
     */
    private final Set<Path> skeleton = ConcurrentHashMap.newKeySet();

    HostFiles(HostRoot root) {
        requireNonNull(root, "root is null");
        this.sys = Path.of(root.sys());
        this.dev = Path.of(root.dev());
        this.run = Path.of(root.run());
    }

    /** A path under the host's {@code /sys}. */
    Path sys(String first, String... more) {
        return sys.resolve(Path.of(first, more));
    }

    /** A path under the host's {@code /dev}. */
    Path dev(String first, String... more) {
        return dev.resolve(Path.of(first, more));
    }

    /** A path under the host's {@code /run} (udev's database). */
    Path run(String first, String... more) {
        return run.resolve(Path.of(first, more));
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

    /**
     * The real path of a path under {@code /sys}, if it exists and leads (after every link on the way) inside
     * {@code /sys}. Walked name by name from the real {@code /sys} ({@link #walk}): a {@code realpath} would re-walk
     * the host root's own names for every link and cost twice as many system calls on a {@code --root} host;
     * {@code realpath} still decides what the walk cannot.
     */
    Optional<Path> realInSys(Path path) {
        Optional<Path> top = sysReal();
        if (top.isPresent()) {
            Path below = path.startsWith(top.get()) ? top.get().relativize(path)
                    : path.startsWith(sys) && !path.equals(sys) ? sys.relativize(path) : null;
            if (below != null && !below.toString().isEmpty()) {
                Deque<String> names = new ArrayDeque<>();
                below.forEach(name -> names.add(name.toString()));
                Optional<Optional<Path>> walked = walk(top.get(), names, new HashSet<>());
                if (walked.isPresent()) {
                    return walked.get().flatMap(real -> contained(real, path));
                }
            }
        }
        return realUnder(path, sys, top);
    }

    /**
     * The real path of an entry of a real directory under {@code /sys} ({@code class/iscsi_session} resolved, then
     * {@code session1}), as {@link #realInSys} answers it, walked from that directory ({@link #walk}); directories
     * already checked for the same listing ({@code checked}, the caller's) are not checked again.
     */
    Optional<Path> realEntryInSys(Path realDirectory, String name, Set<Path> checked) {
        Path entry = realDirectory.resolve(name);
        return walk(realDirectory, new ArrayDeque<>(List.of(name)), checked).orElseGet(() -> realInSys(entry))
                .flatMap(real -> contained(real, entry));
    }

    /**
     * Where {@code names} lead from a real directory, each name checked with one {@code lstat} ({@code ..} is the real
     * parent; a relative link's target is walked from where the link is): what a {@code realpath} answers, without
     * re-walking every name from the file system's root. Empty inside when the path does not exist or a name on the
     * way is not a directory; empty outside ({@code null} never) when the walk cannot decide cheaply (an absolute
     * link, too many links, an error), and the caller asks {@code realpath}. The walk confines nothing itself: the
     * caller checks where it ends.
     */
    private Optional<Optional<Path>> walk(Path real, Deque<String> names, Set<Path> checked) {
        Path current = real;
        int links = 0;
        while (!names.isEmpty()) {
            String name = names.pop();
            if (name.equals("..")) {
                current = current.getParent(); // the parent of a real directory is its real parent
                if (current == null) {
                    return Optional.empty();
                }
                continue;
            }
            if (name.equals(".") || name.isEmpty()) {
                continue;
            }
            Path next = current.resolve(name);
            if (checked.contains(next) || skeleton.contains(next)) {
                current = next;
                continue;
            }
            BasicFileAttributes attributes;
            try {
                attributes = Files.readAttributes(next, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            } catch (NoSuchFileException | NotDirectoryException e) {
                return Optional.of(Optional.empty());
            } catch (IOException e) {
                return Optional.empty();
            }
            if (attributes.isSymbolicLink()) {
                Path target;
                try {
                    target = Files.readSymbolicLink(next);
                } catch (IOException e) {
                    return Optional.empty();
                }
                if (target.isAbsolute() || ++links > MAX_LINKS) {
                    return Optional.empty();
                }
                for (int index = target.getNameCount() - 1; index >= 0; index--) {
                    names.push(target.getName(index).toString());
                }
                continue; // the target's names, from the link's directory
            }
            if (!attributes.isDirectory()) {
                return Optional.of(names.isEmpty() ? Optional.of(next) : Optional.empty());
            }
            checked.add(next);
            remember(next);
            current = next;
        }
        return Optional.of(Optional.of(current));
    }

    private void remember(Path directory) {
        Path top = sysReal;
        if (top != null && directory.startsWith(top) && skeleton.size() < SKELETON_MAX
                && directory.getNameCount() - top.getNameCount() <= SKELETON_DEPTH
                && top.relativize(directory).toString().chars().noneMatch(Character::isDigit)) {
            skeleton.add(directory);
        }
    }

    /** A real path if it is inside the real {@code /sys}, logged and empty if not. */
    private Optional<Path> contained(Path real, Path asked) {
        Optional<Path> top = sysReal();
        if (top.isEmpty() || !real.startsWith(top.get())) {
            log.warn("{} resolves to {}, outside {}: treated as absent", asked, real, sys);
            return Optional.empty();
        }
        return Optional.of(real);
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

    /**
     * The names in a directory, sorted; a missing directory has none. {@link java.io.File#list} first: it costs the
     * {@code opendir}/{@code readdir}/{@code closedir} of a C program (5 system calls for a small directory), a
     * directory stream 9; only when it fails is the directory opened as a stream, to tell a missing directory from
     * one that cannot be read.
     */
    static List<String> list(Path dir) {
        List<String> names = new ArrayList<>(listUnsorted(dir));
        names.sort(null);
        return List.copyOf(names);
    }

    /** The names in a directory in the order the file system gives them, as {@link #list} reads them. */
    static List<String> listUnsorted(Path dir) {
        String[] listed = dir.toFile().list();
        if (listed != null) {
            return Arrays.asList(listed);
        }
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
        return names;
    }

    /**
     * An attribute file's bytes, read without following a link, at most {@value #MAX_READ} bytes. A first read that
     * returns less than {@value #FIRST_READ} bytes is the whole file, so a small attribute costs one {@code read}, not
     * a second one that finds the end: a regular file returns less than asked only at its end, a sysfs text attribute
     * returns all of itself in one read, and a binary one (vpd_pg83) at least a page (4 KiB or more) per read.
     */
    static byte[] readBytes(Path file) throws IOException {
        try (SeekableByteChannel channel = Files.newByteChannel(file,
                StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            ByteBuffer first = ByteBuffer.allocate(FIRST_READ);
            int read = channel.read(first);
            if (read < FIRST_READ) {
                return Arrays.copyOf(first.array(), Math.max(read, 0));
            }
            try (InputStream in = Channels.newInputStream(channel)) {
                byte[] rest = in.readNBytes(MAX_READ - FIRST_READ);
                byte[] all = Arrays.copyOf(first.array(), FIRST_READ + rest.length);
                System.arraycopy(rest, 0, all, FIRST_READ, rest.length);
                return all;
            }
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
