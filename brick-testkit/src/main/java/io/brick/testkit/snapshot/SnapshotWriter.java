package io.brick.testkit.snapshot;

import io.brick.core.host.HostRoot;
import io.brick.core.json.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import static java.util.Objects.requireNonNull;

/**
 * Records the host's storage-relevant sysfs as one JSON document in the format of the real-kernel recordings
 * ({@code labvm-sysfs-manifest/1}, the {@code sysfs.json} of a recording folder), so that {@code brick snapshot}
 * output can be loaded by {@link Snapshot} (the format's reader) and read by the production adapters like the host
 * itself. It lives with the reader so that the format is defined in one place; {@code brick snapshot} runs it.
 *
 * <p>What is recorded, as the recordings did:
 * <ul>
 *   <li>the class directories {@code /sys/class/{iscsi_host,iscsi_session,iscsi_connection,iscsi_transport,
 *   iscsi_endpoint,iscsi_iface,scsi_host,scsi_device,scsi_disk,scsi_generic,bsg,block,fc_host,fc_remote_ports,
 *   fc_transport}}, {@code /sys/block} and {@code /sys/bus/scsi/devices}, their entries as links
 *   ({@code {"t":"l","target":"../../devices/..."}}, exactly as the kernel has them); missing ones in
 *   {@code absent};</li>
 *   <li>the device trees those links point into (each resolved directory, minus those inside another one), walked
 *   without following links and listed in {@code walked}: directories {@code {"t":"d"}} ({@code power}
 *   directories {@code "skipped": true}, not entered), links, and files {@code {"t":"f","mode":"0644"}} with their
 *   content as {@code text} (UTF-8 without NUL) or {@code b64}, at most 4 KiB; write-only files are not read; a
 *   failed read gives {@code error} with an errno-like name ({@code EIO});</li>
 *   <li>every directory above a recorded entry, as {@code {"t":"d"}};</li>
 *   <li>{@code kernel}: the running kernel's release when the host root is {@code /}, else {@code ""}.</li>
 * </ul>
 * A brick extension the original recorder did not have: a top-level {@code dev} object with the entries of
 * {@code /dev/disk/by-id}, {@code /dev/disk/by-path} and {@code /dev/mapper} (by host path: links
 * {@code {"t":"l","target":"../../sda"}}, other entries such as device nodes {@code {"t":"n"}}, the directories
 * themselves {@code {"t":"d"}}); a missing one is listed in {@code absent}. Readers of the original format ignore it.
 *
 * <p>No link is followed out of the host root: a class link whose target resolves outside the root's {@code sys}
 * directory is recorded as a link but its target is not walked.
 */
public final class SnapshotWriter {
    private static final Logger log = LoggerFactory.getLogger(SnapshotWriter.class);

    /** The recording format this writer produces. */
    public static final String FORMAT = "labvm-sysfs-manifest/1";

    private static final List<String> CLASSES = List.of("iscsi_host", "iscsi_session", "iscsi_connection",
            "iscsi_transport", "iscsi_endpoint", "iscsi_iface", "scsi_host", "scsi_device", "scsi_disk",
            "scsi_generic", "bsg", "block", "fc_host", "fc_remote_ports", "fc_transport");
    private static final List<String> DEV_DIRECTORIES = List.of("disk/by-id", "disk/by-path", "mapper");
    private static final int CAP = 4096;

    private final HostRoot root;

    /** A writer for the host under {@code root} ({@link HostRoot#system()} for this host). */
    public SnapshotWriter(HostRoot root) {
        this.root = requireNonNull(root, "root is null");
    }

    /**
     * Walks the host now and returns the recording as JSON text.
     *
     * @throws UncheckedIOException when a directory that exists cannot be listed
     */
    public String toJson() {
        Path sys = Path.of(root.sys()).toAbsolutePath().normalize();
        Path dev = Path.of(root.dev()).toAbsolutePath().normalize();
        Map<String, Map<String, Object>> entries = new TreeMap<>();
        List<String> absent = new ArrayList<>();
        Set<Path> targets = new TreeSet<>();
        List<Path> linkDirectories = new ArrayList<>();
        for (String name : CLASSES) {
            linkDirectories.add(sys.resolve("class").resolve(name));
        }
        linkDirectories.add(sys.resolve("block"));
        linkDirectories.add(sys.resolve("bus/scsi/devices"));
        for (Path directory : linkDirectories) {
            if (!Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) {
                absent.add(hostPath(sys, "/sys", directory));
                continue;
            }
            put(entries, sys, "/sys", directory, directory());
            for (Path entry : list(directory)) {
                if (Files.isSymbolicLink(entry)) {
                    String target = readLink(entry);
                    put(entries, sys, "/sys", entry, link(target));
                    Path resolved = entry.getParent().resolve(target).normalize();
                    if (resolved.startsWith(sys) && !resolved.equals(sys)) {
                        targets.add(resolved);
                    } else {
                        log.debug("{} points out of the host's sys ({}): not followed", entry, target);
                    }
                } else {
                    targets.add(entry);
                }
            }
        }
        List<String> walked = new ArrayList<>();
        List<Path> roots = new ArrayList<>();
        for (Path target : targets) {
            if (roots.stream().noneMatch(target::startsWith) && Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
                roots.add(target);
            }
        }
        for (Path walkRoot : roots) {
            walked.add(hostPath(sys, "/sys", walkRoot));
            walk(entries, sys, walkRoot);
        }
        Map<String, Map<String, Object>> devEntries = new TreeMap<>();
        for (String name : DEV_DIRECTORIES) {
            Path directory = dev.resolve(name);
            if (!Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) {
                absent.add("/dev/" + name);
                continue;
            }
            put(devEntries, dev, "/dev", directory, directory());
            for (Path entry : list(directory)) {
                if (Files.isSymbolicLink(entry)) {
                    put(devEntries, dev, "/dev", entry, link(readLink(entry)));
                } else if (Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
                    put(devEntries, dev, "/dev", entry, directory());
                } else {
                    put(devEntries, dev, "/dev", entry, node("n"));
                }
            }
        }
        addParents(entries, "/sys");
        addParents(devEntries, "/dev");

        Map<String, Object> document = new LinkedHashMap<>();
        document.put("format", FORMAT);
        document.put("kernel", kernel());
        document.put("walked", walked);
        document.put("absent", absent);
        document.put("entries", entries);
        document.put("dev", devEntries);
        log.info("snapshot of {}: {} sysfs entries, {} /dev entries, {} trees walked", root.sys(), entries.size(),
                devEntries.size(), walked.size());
        return Json.writePretty(document) + "\n";
    }

    private void walk(Map<String, Map<String, Object>> entries, Path sys, Path directory) {
        put(entries, sys, "/sys", directory, directory());
        for (Path entry : list(directory)) {
            BasicFileAttributes attributes;
            try {
                attributes = Files.readAttributes(entry, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            } catch (NoSuchFileException e) {
                log.debug("{} disappeared while it was walked", entry);
                continue;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the attributes of " + entry, e);
            }
            if (attributes.isSymbolicLink()) {
                put(entries, sys, "/sys", entry, link(readLink(entry)));
            } else if (attributes.isDirectory()) {
                if (entry.getFileName().toString().equals("power")) {
                    Map<String, Object> skipped = directory();
                    skipped.put("skipped", true);
                    put(entries, sys, "/sys", entry, skipped);
                } else {
                    walk(entries, sys, entry);
                }
            } else {
                put(entries, sys, "/sys", entry, file(entry));
            }
        }
    }

    /** A file entry: its mode, and its content unless it is write-only. */
    private static Map<String, Object> file(Path file) {
        Map<String, Object> node = node("f");
        Optional<Integer> mode = mode(file);
        mode.ifPresent(bits -> node.put("mode", String.format(Locale.ROOT, "%04o", bits)));
        if (mode.isPresent() && (mode.get() & 0444) == 0) {
            return node;
        }
        byte[] content;
        try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
            content = in.readNBytes(CAP);
        } catch (IOException e) {
            node.put("error", errno(e));
            log.debug("reading {} failed: {}", file, e.toString());
            return node;
        }
        Optional<String> text = text(content);
        if (text.isPresent()) {
            node.put("text", text.get());
        } else {
            node.put("b64", Base64.getEncoder().encodeToString(content));
        }
        return node;
    }

    private static Optional<Integer> mode(Path file) {
        try {
            Set<PosixFilePermission> permissions = Files.readAttributes(file, PosixFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS).permissions();
            int bits = 0;
            for (PosixFilePermission permission : permissions) {
                bits |= switch (permission) {
                    case OWNER_READ -> 0400;
                    case OWNER_WRITE -> 0200;
                    case OWNER_EXECUTE -> 0100;
                    case GROUP_READ -> 040;
                    case GROUP_WRITE -> 020;
                    case GROUP_EXECUTE -> 010;
                    case OTHERS_READ -> 04;
                    case OTHERS_WRITE -> 02;
                    case OTHERS_EXECUTE -> 01;
                };
            }
            return Optional.of(bits);
        } catch (UnsupportedOperationException | IOException e) {
            log.debug("no POSIX mode for {}: {}", file, e.toString());
            return Optional.empty();
        }
    }

    /** The content as text when it is valid UTF-8 without NUL; empty for binary content. */
    static Optional<String> text(byte[] content) {
        for (byte b : content) {
            if (b == 0) {
                return Optional.empty();
            }
        }
        try {
            return Optional.of(StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(content)).toString());
        } catch (CharacterCodingException e) {
            return Optional.empty();
        }
    }

    /** An errno-like name for a failed read, from the exception type or the system's message. */
    static String errno(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "ENOENT";
        }
        if (e instanceof AccessDeniedException) {
            return "EACCES";
        }
        String message = e instanceof FileSystemException fse && fse.getReason() != null ? fse.getReason()
                : String.valueOf(e.getMessage());
        String lower = message.toLowerCase(Locale.ROOT);
        if (lower.contains("invalid argument")) {
            return "EINVAL";
        }
        if (lower.contains("no such device or address")) {
            return "ENXIO";
        }
        if (lower.contains("no such device")) {
            return "ENODEV";
        }
        if (lower.contains("operation not permitted")) {
            return "EPERM";
        }
        if (lower.contains("not supported")) {
            return "EOPNOTSUPP";
        }
        if (lower.contains("is a directory")) {
            return "EISDIR";
        }
        return "EIO";
    }

    private String kernel() {
        if (!root.isSystem()) {
            return "";
        }
        try {
            return Files.readString(Path.of("/proc/sys/kernel/osrelease"), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            log.debug("cannot read /proc/sys/kernel/osrelease ({}): using os.version", e.toString());
            return System.getProperty("os.version", "");
        }
    }

    /** Adds {@code {"t":"d"}} for every directory above an entry, up to {@code top} itself. */
    private static void addParents(Map<String, Map<String, Object>> entries, String top) {
        if (entries.isEmpty()) {
            return;
        }
        List<String> paths = new ArrayList<>(entries.keySet());
        for (String path : paths) {
            String parent = path;
            while (parent.length() > top.length()) {
                parent = parent.substring(0, parent.lastIndexOf('/'));
                if (entries.putIfAbsent(parent, directory()) != null) {
                    break;
                }
            }
        }
    }

    private static void put(Map<String, Map<String, Object>> entries, Path base, String top, Path path,
                            Map<String, Object> entry) {
        entries.put(hostPath(base, top, path), entry);
    }

    /** A path under {@code base} as the host names it under {@code top} ({@code /sys/...}). */
    private static String hostPath(Path base, String top, Path path) {
        Path relative = base.relativize(path);
        return relative.toString().isEmpty() ? top : top + "/" + relative;
    }

    private static List<Path> list(Path directory) {
        List<Path> children = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory)) {
            stream.forEach(children::add);
        } catch (NoSuchFileException e) {
            log.debug("{} disappeared while it was walked", directory);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + directory, e);
        }
        children.sort(null);
        return children;
    }

    private static String readLink(Path link) {
        try {
            return Files.readSymbolicLink(link).toString();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the link " + link, e);
        }
    }

    private static Map<String, Object> directory() {
        return node("d");
    }

    private static Map<String, Object> link(String target) {
        Map<String, Object> node = node("l");
        node.put("target", target);
        return node;
    }

    private static Map<String, Object> node(String type) {
        Map<String, Object> node = new LinkedHashMap<>();
        node.put("t", type);
        return node;
    }
}
