package io.brick.sysfs;

import io.brick.core.error.UnsafePathException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * The rules every file brick writes as root follows (DESIGN.md promise 8: root's files stay root's), in one place.
 *
 * <ul>
 *   <li><b>Trusted directories</b> ({@link #checkTrustedDirectory}): brick writes into a directory only when every
 *   directory from {@code /} down to it (after resolving links, whose targets are then the paths used) is owned by
 *   root or by brick's effective user and is writable by nobody else, except a sticky directory such as {@code /tmp}
 *   or {@code /run/lock} above it (there another user can add names but not rename or remove brick's). Nobody but
 *   root and brick's user can then swap a name on the way between a check and a use.</li>
 *   <li><b>Owned directories</b> ({@link #checkOwnedDirectory}): a directory brick keeps its own files in (the lock
 *   directory) is a real directory, not a link, owned by brick's effective user and not writable by group or others,
 *   in a trusted parent.</li>
 *   <li><b>Owned files</b> ({@link #checkOwnedFile}): a file brick opens again by name in such a directory is a
 *   regular file, not a link, owned by brick's user and with one name only (a hard link to another file would make
 *   brick act on that file).</li>
 *   <li><b>New files</b> ({@link #writeAtomically}): a file brick writes where a caller chose the name (a snapshot's
 *   {@code --out}, a state file) is written into a new file created exclusively under a random name (which never
 *   follows a link or opens an existing file), through its descriptor, then renamed over the name: a link or a hard
 *   link planted at the name is replaced, never written through.</li>
 * </ul>
 *
 * <p>Every refusal is an {@link UnsafePathException} that names the path, what was found (owner, mode, kind)
 * and how to fix it; a path that is missing or cannot be read is the file system's {@link IOException}, for the
 * caller to report as it reports any other. The checks read the {@code unix} file attributes of Linux's JDK file system provider.
 */
public final class SafeFiles {
    private static final Logger log = LoggerFactory.getLogger(SafeFiles.class);
    private static final Set<PosixFilePermission> PRIVATE_DIRECTORY = PosixFilePermissions.fromString("rwx------");
    private static final int GROUP_OR_OTHERS_WRITE = 0022;
    private static final int STICKY = 01000;
    private static final int ROOT = 0;

    private SafeFiles() {
    }

    /** The effective user ID of this process: the owner the kernel gives {@code /proc/self}. */
    public static int effectiveUid() {
        try {
            return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        } catch (IOException | UnsupportedOperationException e) {
            throw new IllegalStateException("cannot tell this process's user from /proc/self", e);
        }
    }

    /**
     * Checks that brick may write into {@code directory}: it exists, and every directory from {@code /} to it (links
     * resolved) is owned by root or by brick's user and writable by nobody else unless sticky. Returns its real path,
     * the path to use from now on.
     *
     * @param what what the directory is for, for the message ("the lock directory")
     */
    public static Path checkTrustedDirectory(Path directory, String what) throws IOException {
        requireNonNull(directory, "directory is null");
        requireNonNull(what, "what is null");
        Path real = directory.toAbsolutePath().toRealPath();
        int euid = effectiveUid();
        Path step = real.getRoot();
        checkTrustedStep(step, euid, what, directory);
        for (Path name : real) {
            step = step.resolve(name);
            checkTrustedStep(step, euid, what, directory);
        }
        return real;
    }

    /**
     * Checks that {@code directory} is brick's own: not a link, a directory, owned by brick's effective user, not
     * writable by group or others, in a trusted parent ({@link #checkTrustedDirectory}). Returns its real path.
     *
     * @param what what the directory is for ("the lock directory")
     * @param fix  how an operator fixes a refusal, a sentence ("Remove it, or name another with --lock-dir.")
     */
    public static Path checkOwnedDirectory(Path directory, String what, String fix) throws IOException {
        requireNonNull(directory, "directory is null");
        requireNonNull(fix, "fix is null");
        Path absolute = directory.toAbsolutePath().normalize();
        Path parent = absolute.getParent();
        if (parent == null) {
            throw refused(absolute, what + " cannot be /", Map.of(), fix);
        }
        Path realParent = checkTrustedDirectory(parent, what + "'s parent");
        Path real = realParent.resolve(absolute.getFileName());
        Attributes found = Attributes.of(real, what);
        int euid = effectiveUid();
        if (found.isLink()) {
            throw refused(real, what + " " + real + ": it is a symbolic link", found.evidence(), fix);
        }
        if (!found.isDirectory()) {
            throw refused(real, what + " " + real + ": it is not a directory (" + found.kind() + ")", found.evidence(), fix);
        }
        if (found.uid() != euid) {
            throw refused(real, what + " " + real + ": it is owned by " + found.owner() + ", not by " + userName(euid)
                    + " (mode " + found.modeText() + ")", found.evidence(), fix);
        }
        if ((found.mode() & GROUP_OR_OTHERS_WRITE) != 0) {
            throw refused(real, what + " " + real + ": it has mode " + found.modeText()
                    + ": writable by group or others (owner " + found.owner() + ")", found.evidence(), fix);
        }
        return real;
    }

    /**
     * Brick's own directory, created (mode 0700, with any missing parent) when it does not exist, after checking that
     * the nearest directory that does exist is trusted ({@link #checkTrustedDirectory}); then checked as
     * {@link #checkOwnedDirectory} does. Returns its real path. Two processes creating it at once both succeed.
     *
     * @param what what the directory is for ("the lock directory")
     * @param fix  how an operator fixes a refusal, a sentence
     */
    public static Path ensureOwnedDirectory(Path directory, String what, String fix) throws IOException {
        requireNonNull(directory, "directory is null");
        if (!Files.exists(directory, LinkOption.NOFOLLOW_LINKS)) {
            Path existing = directory.toAbsolutePath().normalize().getParent();
            while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
                existing = existing.getParent();
            }
            if (existing != null) {
                checkTrustedDirectory(existing, "the parent of " + what);
            }
            try {
                Files.createDirectories(directory, PosixFilePermissions.asFileAttribute(PRIVATE_DIRECTORY));
                log.debug("created {} {}", what, directory);
            } catch (FileAlreadyExistsException e) {
                log.debug("{} {} appeared meanwhile", what, directory);
            }
        }
        return checkOwnedDirectory(directory, what, fix);
    }

    /**
     * Checks a file brick keeps in one of its own directories: a regular file (not a link), owned by brick's
     * effective user, one name only.
     */
    public static void checkOwnedFile(Path file, String what, String fix) throws IOException {
        Attributes found = Attributes.of(file, what);
        int euid = effectiveUid();
        if (found.isLink()) {
            throw refused(file, what + " " + file + ": it is a symbolic link", found.evidence(), fix);
        }
        if (!found.isRegularFile()) {
            throw refused(file, what + " " + file + ": it is not a regular file (" + found.kind() + ")", found.evidence(), fix);
        }
        if (found.uid() != euid) {
            throw refused(file, what + " " + file + ": it is owned by " + found.owner() + ", not by " + userName(euid),
                    found.evidence(), fix);
        }
        if (found.links() != 1) {
            throw refused(file, what + " " + file + ": it has " + found.links() + " names (a hard link to another file?)",
                    found.evidence(), fix);
        }
    }

    /**
     * Writes {@code content} to {@code file} so that nothing already at that name is written through: a new file is
     * created exclusively beside it under a random name, with {@code mode} (e.g. {@code "rw-------"}), written and
     * forced to disk through its descriptor, then renamed over {@code file} in one step. A reader sees the old
     * content or the new, never a part. On failure the temporary file is removed and {@code file} is untouched.
     */
    public static void writeAtomically(Path file, byte[] content, String mode) throws IOException {
        requireNonNull(file, "file is null");
        requireNonNull(content, "content is null");
        requireNonNull(mode, "mode is null");
        Path absolute = file.toAbsolutePath().normalize();
        Path parent = absolute.getParent();
        if (parent == null || absolute.getFileName() == null) {
            throw new IOException("not a file name: " + file);
        }
        // createTempFile opens with O_CREAT|O_EXCL under a random name: it never follows a link nor opens a file
        // that exists, and the permissions are set at creation
        Path temporary = Files.createTempFile(parent, "." + absolute.getFileName() + ".", ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(mode)));
        boolean moved = false;
        try {
            try (SeekableByteChannel channel = Files.newByteChannel(temporary,
                    Set.of(StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS))) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                if (channel instanceof java.nio.channels.FileChannel fileChannel) {
                    fileChannel.force(true);
                }
            }
            try {
                Files.move(temporary, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("cannot rename into place in " + parent + ": " + e.getMessage(), e);
            }
            moved = true;
        } finally {
            if (!moved) {
                Files.deleteIfExists(temporary);
            }
        }
    }

    private static void checkTrustedStep(Path step, int euid, String what, Path asked) throws IOException {
        Attributes found = Attributes.of(step, what);
        if (!found.isDirectory()) {
            throw refused(step, what + " " + asked + ": " + step + " is not a directory (" + found.kind() + ")",
                    found.evidence(), "Choose a directory that root owns.");
        }
        if (found.uid() != ROOT && found.uid() != euid) {
            throw refused(step, what + " " + asked + ": it is under " + step + ", which is owned by " + found.owner()
                    + " (mode " + found.modeText() + "): that user could swap what brick writes",
                    found.evidence(), "Choose a directory whose every parent root owns.");
        }
        if ((found.mode() & GROUP_OR_OTHERS_WRITE) != 0 && (found.mode() & STICKY) == 0) {
            throw refused(step, what + " " + asked + ": it is under " + step + ", which has mode " + found.modeText()
                    + " (owner " + found.owner() + "): writable by others, so a name in it could be swapped",
                    found.evidence(), "Choose a directory whose every parent only root can write.");
        }
    }

    private static UnsafePathException refused(Path path, String found, Map<String, String> attributes, String fix) {
        Map<String, String> evidence = new LinkedHashMap<>();
        evidence.put("path", path.toString());
        evidence.putAll(attributes);
        evidence.put("fix", fix);
        return new UnsafePathException("refusing " + found + ". " + fix, evidence);
    }

    /** A user's name from the system's user database, or {@code uid N} when it has none. */
    static String userName(int uid) {
        if (uid == ROOT) {
            return "root";
        }
        return "uid " + uid;
    }

    /**
     * The {@code unix} attributes of a path, not following a link at it. The owner's name is looked up only for a
     * message ({@link #owner()}): the lookup reads the user database, and every sysfs write checks a dozen directories.
     */
    record Attributes(int uid, int mode, int links, Path path) {
        private static final int TYPE_MASK = 0170000;
        private static final int DIRECTORY = 0040000;
        private static final int REGULAR = 0100000;
        private static final int LINK = 0120000;

        static Attributes of(Path path, String what) throws IOException {
            Map<String, Object> unix = Files.readAttributes(path, "unix:uid,mode,nlink", LinkOption.NOFOLLOW_LINKS);
            return new Attributes((Integer) unix.get("uid"), (Integer) unix.get("mode"), (Integer) unix.get("nlink"),
                    path);
        }

        boolean isDirectory() {
            return (mode & TYPE_MASK) == DIRECTORY;
        }

        boolean isRegularFile() {
            return (mode & TYPE_MASK) == REGULAR;
        }

        boolean isLink() {
            return (mode & TYPE_MASK) == LINK;
        }

        String kind() {
            return isDirectory() ? "a directory" : isRegularFile() ? "a regular file" : isLink() ? "a symbolic link"
                    : "type " + Integer.toOctalString(mode & TYPE_MASK);
        }

        /** The owner as {@code name (uid N)}, or {@code uid N} when the name is the number. */
        String owner() {
            String number = Integer.toString(uid);
            String ownerName;
            try {
                ownerName = Files.getOwner(path, LinkOption.NOFOLLOW_LINKS).getName();
            } catch (IOException | UnsupportedOperationException e) {
                ownerName = "";
            }
            return ownerName.isEmpty() || ownerName.equals(number) ? "uid " + number : ownerName + " (uid " + number + ")";
        }

        /** The mode as {@code ls} shows its permission part, with the octal: {@code rwxrwxrwt (1777)}. */
        String modeText() {
            StringBuilder text = new StringBuilder();
            String letters = "rwxrwxrwx";
            for (int bit = 0; bit < 9; bit++) {
                text.append((mode & (0400 >> bit)) != 0 ? letters.charAt(bit) : '-');
            }
            if ((mode & STICKY) != 0) {
                text.setCharAt(8, (mode & 01) != 0 ? 't' : 'T');
            }
            return text + " (" + String.format(Locale.ROOT, "%04o", mode & 07777) + ")";
        }

        Map<String, String> evidence() {
            Map<String, String> evidence = new LinkedHashMap<>();
            evidence.put("owner", owner());
            evidence.put("mode", modeText());
            evidence.put("type", kind());
            return evidence;
        }
    }
}
