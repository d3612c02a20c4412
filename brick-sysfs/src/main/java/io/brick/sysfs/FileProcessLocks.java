package io.brick.sysfs;

import io.brick.core.error.HostStateException;
import io.brick.core.error.OperationTimeoutException;
import io.brick.core.error.UnsafePathException;
import io.brick.core.host.LockDirectory;
import io.brick.core.lock.ProcessLocks;
import io.brick.core.time.Deadline;
import io.brick.core.time.Sleeper;
import jakarta.inject.Inject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

import static java.util.Objects.requireNonNull;

/**
 * {@link ProcessLocks} with an exclusive {@link FileChannel} lock (an fcntl lock on Linux) on
 * {@code <lock directory>/brick-<key>-<hash>.lock}: the key with every character outside {@code [A-Za-z0-9._-]}
 * replaced by {@code _} (and cut to 80 characters), then 8 hex digits of its SHA-256 so that keys differing only in
 * replaced characters do not share a file. A lock held by a process that dies is released by the kernel; lock files
 * are left in place (removing one would race with a waiter).
 *
 * <p>Root's files stay root's (issue 14): lock file names are predictable, so the directory is used only when it is
 * brick's own ({@link SafeFiles#checkOwnedDirectory}: a real directory owned by brick's effective user, writable by
 * nobody else, under parents only root or that user can change); it is created with mode 0700 when missing. A lock
 * file is opened without following a link and used only when it is a regular file of brick's user with one name;
 * nothing is ever written into it (the holder's process ID for a waiter's message comes from the kernel's
 * {@code /proc/locks}). Anything else is an {@link UnsafePathException} naming what was found, and nothing is written.
 *
 * <p>Such locks belong to the process: within one JVM the in-JVM lock of {@link io.brick.core.lock.LockManager} must
 * serialise a key before this is called (as its contract says), and one instance should serve the JVM, because on
 * Linux closing any channel of a lock file drops every lock the process holds on it: an acquire of a key this JVM
 * already holds waits like any other waiter, but if it then gives up at its deadline, closing its channel also drops
 * the holder's lock for other processes.
 */
final class FileProcessLocks implements ProcessLocks {
    private static final Logger log = LoggerFactory.getLogger(FileProcessLocks.class);

    static final Duration POLL_INTERVAL = Duration.ofMillis(50);
    private static final FileAttribute<Set<PosixFilePermission>> PRIVATE_FILE =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
    private static final Path PROC_LOCKS = Path.of("/proc/locks");
    private static final String FIX_DIRECTORY = "brick keeps its lock files only in a directory of its own user with "
            + "mode 0700, and makes it when it is missing: remove %s (rm -r) or name another directory "
            + "(--lock-dir, Brick.builder().lockDirectory)";
    private static final String FIX_FILE = "Lock files are brick's own regular files: remove %s; brick makes it again";
    private static final int MAX_KEY_CHARS = 80;

    private final Path directory;
    private final Sleeper sleeper;

    @Inject
    FileProcessLocks(LockDirectory directory, Sleeper sleeper) {
        this.directory = Path.of(requireNonNull(directory, "directory is null").path());
        this.sleeper = requireNonNull(sleeper, "sleeper is null");
    }

    @Override
    public Release acquire(String key, Deadline deadline) {
        requireNonNull(key, "key is null");
        requireNonNull(deadline, "deadline is null");
        Path file = ensureDirectory().resolve(lockFile(key).getFileName());
        FileChannel channel = open(file);
        boolean held = false;
        try {
            while (true) {
                FileLock lock = tryLock(channel, file);
                if (lock != null) {
                    held = true;
                    log.debug("took process lock {}", file);
                    return new FileRelease(channel, file);
                }
                if (deadline.expired()) {
                    throw new OperationTimeoutException("process lock for " + key, deadline.elapsed(), deadline.budget(),
                            Map.of("lockFile", file.toString(), "owner", owner(file)));
                }
                sleeper.sleep(deadline.cap(POLL_INTERVAL));
            }
        } finally {
            if (!held) {
                close(channel, file);
            }
        }
    }

    /** The lock file of a key. */
    Path lockFile(String key) {
        return directory.resolve("brick-" + sanitise(key) + "-" + hash(key) + ".lock");
    }

    static String sanitise(String key) {
        String safe = key.replaceAll("[^A-Za-z0-9._-]", "_");
        return safe.length() > MAX_KEY_CHARS ? safe.substring(0, MAX_KEY_CHARS) : safe;
    }

    private static String hash(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** The lock directory's real path once it is known to be brick's own; created (0700) when missing. */
    private Path ensureDirectory() {
        try {
            return SafeFiles.ensureOwnedDirectory(directory, "the lock directory", FIX_DIRECTORY.formatted(directory));
        } catch (IOException e) {
            throw new HostStateException("cannot create or check the lock directory " + directory + ": "
                    + HostFiles.reason(e), true, HostFiles.evidence(directory, e), e);
        }
    }

    /** Opens a lock file without following a link at its name, and checks it is brick's own; writes nothing. */
    private static FileChannel open(Path file) {
        FileChannel channel;
        try {
            channel = FileChannel.open(file, Set.of(StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS), PRIVATE_FILE);
        } catch (IOException e) {
            if (Files.isSymbolicLink(file)) {
                throw new UnsafePathException("refusing the lock file " + file + ": it is a symbolic link. "
                        + FIX_FILE.formatted(file), Map.of("path", file.toString(), "type", "a symbolic link",
                        "fix", FIX_FILE.formatted(file)));
            }
            throw new HostStateException("cannot open the lock file " + file, true, HostFiles.evidence(file, e), e);
        }
        try {
            SafeFiles.checkOwnedFile(file, "the lock file", FIX_FILE.formatted(file));
            return channel;
        } catch (IOException e) {
            close(channel, file);
            throw new HostStateException("cannot check the lock file " + file, true, HostFiles.evidence(file, e), e);
        } catch (RuntimeException e) {
            close(channel, file);
            throw e;
        }
    }

    private static FileLock tryLock(FileChannel channel, Path file) {
        try {
            return channel.tryLock();
        } catch (OverlappingFileLockException e) {
            // this JVM holds it through another channel: wait like any other holder
            return null;
        } catch (IOException e) {
            throw new HostStateException("cannot lock " + file, true, HostFiles.evidence(file, e), e);
        }
    }

    /** The process holding the lock on a lock file, from the kernel's lock table; empty when it cannot be told. */
    private static String owner(Path file) {
        try {
            Map<String, Object> attributes = Files.readAttributes(file, "unix:dev,ino", LinkOption.NOFOLLOW_LINKS);
            long dev = (Long) attributes.get("dev");
            long inode = (Long) attributes.get("ino");
            String table = Files.readString(PROC_LOCKS, StandardCharsets.US_ASCII);
            long self = ProcessHandle.current().pid();
            return ProcLocksParser.holders(table, ProcLocksParser.major(dev), ProcLocksParser.minor(dev), inode).stream()
                    .filter(pid -> pid != self).findFirst().map(String::valueOf).orElse("");
        } catch (IOException | RuntimeException e) {
            log.debug("could not tell who holds {}: {}", file, e.toString());
            return "";
        }
    }

    private static void close(FileChannel channel, Path file) {
        try {
            channel.close();
        } catch (IOException e) {
            log.warn("closing the lock file {} failed: {}", file, HostFiles.reason(e));
        }
    }

    /** Releases the lock by closing its channel; closing twice does nothing. */
    private static final class FileRelease implements Release {
        private final FileChannel channel;
        private final Path file;
        private final AtomicBoolean open = new AtomicBoolean(true);

        FileRelease(FileChannel channel, Path file) {
            this.channel = channel;
            this.file = file;
        }

        @Override
        public void close() {
            if (open.compareAndSet(true, false)) {
                FileProcessLocks.close(channel, file);
                log.debug("released process lock {}", file);
            }
        }
    }
}
