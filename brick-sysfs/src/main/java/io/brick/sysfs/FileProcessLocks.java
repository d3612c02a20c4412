package io.brick.sysfs;

import io.brick.core.error.HostStateException;
import io.brick.core.error.OperationTimeoutException;
import io.brick.core.host.LockDirectory;
import io.brick.core.lock.ProcessLocks;
import io.brick.core.time.Deadline;
import io.brick.core.time.Sleeper;
import jakarta.inject.Inject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import static java.util.Objects.requireNonNull;

/**
 * {@link ProcessLocks} with an exclusive {@link FileChannel} lock (an fcntl lock on Linux) on
 * {@code <lock directory>/brick-<key>-<hash>.lock}: the key with every character outside {@code [A-Za-z0-9._-]}
 * replaced by {@code _} (and cut to 80 characters), then 8 hex digits of its SHA-256 so that keys differing only in
 * replaced characters do not share a file. The directory is created with mode 0700 when missing. A lock held by a
 * process that dies is released by the kernel; lock files are left in place (removing one would race with a waiter).
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
        Path file = lockFile(key);
        ensureDirectory();
        FileChannel channel = open(file);
        boolean held = false;
        try {
            while (true) {
                FileLock lock = tryLock(channel, file);
                if (lock != null) {
                    held = true;
                    recordOwner(channel, file);
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

    private void ensureDirectory() {
        if (Files.isDirectory(directory)) {
            return;
        }
        try {
            Files.createDirectories(directory, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            log.debug("created lock directory {}", directory);
        } catch (FileAlreadyExistsException e) {
            log.debug("lock directory {} appeared meanwhile", directory);
        } catch (IOException e) {
            throw new HostStateException("cannot create the lock directory " + directory, true,
                    HostFiles.evidence(directory, e), e);
        }
    }

    private static FileChannel open(Path file) {
        try {
            return FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new HostStateException("cannot open the lock file " + file, true, HostFiles.evidence(file, e), e);
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

    /** Writes this process's id into the lock file, for whoever waits on it. */
    private static void recordOwner(FileChannel channel, Path file) {
        try {
            channel.truncate(0);
            channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
        } catch (IOException e) {
            log.debug("could not record the owner in {}: {}", file, HostFiles.reason(e));
        }
    }

    private static String owner(Path file) {
        try {
            return Files.readString(file, StandardCharsets.US_ASCII).strip();
        } catch (IOException e) {
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
