package io.brick.testkit.snapshot;

import io.brick.core.error.InvalidInputException;
import io.brick.core.host.HostRoot;
import io.brick.core.json.Json;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * A recording of a real host (a folder with {@code sysfs.json}, {@code commands.json} and friends, as in the
 * testkit's {@link Recordings} or {@code brick snapshot}'s output), loaded so that the production adapters can be
 * run against it.
 *
 * <p>{@link #materialise(Path)} writes the recording as a host root ({@code <dir>/sys}, {@code <dir>/dev},
 * {@code <dir>/etc}) that brick-sysfs reads unchanged:
 * <ul>
 *   <li>directories as directories (entries the recorder {@code skipped}, such as {@code power/}, are empty);</li>
 *   <li>readable files with their recorded content ({@code text}, or {@code b64} decoded for binary attributes
 *   such as {@code vpd_pg83});</li>
 *   <li>write-only files ({@code scan}, {@code delete}, {@code rescan}) as empty regular files, so a test can
 *   write into them and read back what was written;</li>
 *   <li>files whose read failed on the recorded host (an {@code error} such as {@code EIO}) as empty files: the
 *   failure cannot be reproduced on a regular file (root reads everything), so they are listed in
 *   {@link #unreadable()} instead;</li>
 *   <li>symlinks exactly as recorded (relative targets such as {@code ../devices/platform/host2/...}), so the
 *   reader follows them as it would on the real host; targets outside the recorded subtrees dangle, as they
 *   would in an incomplete copy;</li>
 *   <li>{@code /dev}, which the recorder does not walk: an empty regular file {@code dev/NAME} stands for the
 *   device node of every {@code /sys/block/NAME}, and the links of {@code /dev/disk/by-id}, {@code /dev/disk/by-path}
 *   and {@code /dev/mapper} are rebuilt from the recorded {@code ls -l} outputs ({@code name -> ../../sda}), and
 *   from the {@code dev} section that {@code brick snapshot} adds (links {@code l}, directories {@code d}, device
 *   nodes {@code n} as empty files);
 *   a directory whose {@code ls -l} failed is not created;</li>
 *   <li>an empty {@code etc} directory.</li>
 * </ul>
 * Recorded file modes are not applied: every file is created readable and writable by its owner.
 *
 * <p>The JSON files are read with brick-core's {@link Json} (UTF-8, an optional byte-order mark skipped), as
 * trusted documents of at most {@link #MAX_JSON_BYTES} each: a recording grows with the host's devices, so it may
 * be larger than the 1 MiB brick accepts from outside. {@link SnapshotWriter} writes this format.
 *
 * <p>Instances are immutable; {@link #materialise(Path)} may be called for several directories.
 */
public final class Snapshot {
    private static final String RESOURCE_ROOT = "io/brick/testkit/fixtures/";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    private static final List<String> DEV_LISTINGS = List.of("/dev/disk/by-id", "/dev/disk/by-path", "/dev/mapper");
    /** An {@code ls -l} line of a symlink: permissions, links, owner, group, size, 3 date fields, then name -> target. */
    private static final Pattern LS_LINK = Pattern.compile(
            "^l\\S*\\s+\\d+\\s+\\S+\\s+\\S+\\s+\\d+\\s+\\S+\\s+\\S+\\s+\\S+\\s+(.+?) -> (.+)$");
    /** An {@code ls -l} line of a device node: the size field is {@code major, minor}. */
    private static final Pattern LS_NODE = Pattern.compile(
            "^[bc]\\S*\\s+\\d+\\s+\\S+\\s+\\S+\\s+\\d+,\\s*\\d+\\s+\\S+\\s+\\S+\\s+\\S+\\s+(.+)$");

    /**
     * Largest {@code sysfs.json} or {@code commands.json} read, in bytes (256 MiB): the recordings hold about 50 KiB
     * per SCSI device, so this is thousands of devices, yet it stops a wrong file from filling the heap.
     */
    public static final int MAX_JSON_BYTES = 256 * 1024 * 1024;
    private static final char BYTE_ORDER_MARK = '\uFEFF';

    private final String name;
    private final Map<?, ?> sysfs;
    private final Map<?, ?> entries;
    private final List<CommandRecord> commands;
    private final Map<String, String> unreadable;
    private final FileSource source;

    /** Reads one file of a recording by file name; empty when the recording has no such file. */
    private interface FileSource {
        Optional<byte[]> read(String fileName);
    }

    private Snapshot(String name, FileSource source) {
        this.name = requireNonNull(name, "name is null");
        this.source = requireNonNull(source, "source is null");
        byte[] sysfsJson = source.read("sysfs.json")
                .orElseThrow(() -> new IllegalArgumentException("recording " + name + " has no sysfs.json"));
        Object parsed = parse(sysfsJson, name + "/sysfs.json");
        // a document that is not an object has no members, as if it were empty
        this.sysfs = parsed instanceof Map<?, ?> map ? map : Map.of();
        this.commands = source.read("commands.json")
                .map(bytes -> readCommands(parse(bytes, name + "/commands.json"), name))
                .orElse(List.of());
        this.entries = entries(sysfs, name);
        this.unreadable = readUnreadable(entries);
    }

    /**
     * A recording shipped in the testkit, by name (see {@link Recordings}).
     *
     * @throws IllegalArgumentException when there is no such recording on the classpath
     */
    public static Snapshot load(String recordingName) {
        requireNonNull(recordingName, "recordingName is null");
        if (!NAME.matcher(recordingName).matches()) {
            throw new IllegalArgumentException("'" + recordingName + "' is not a recording name");
        }
        ClassLoader loader = Snapshot.class.getClassLoader();
        return new Snapshot(recordingName, fileName -> {
            try (InputStream in = loader.getResourceAsStream(RESOURCE_ROOT + recordingName + "/" + fileName)) {
                return in == null ? Optional.empty() : Optional.of(in.readAllBytes());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read recording " + recordingName + "/" + fileName, e);
            }
        });
    }

    /**
     * A recording in a directory holding {@code sysfs.json} and usually {@code commands.json}.
     *
     * @throws IllegalArgumentException when the directory has no {@code sysfs.json}
     */
    public static Snapshot fromDirectory(Path directory) {
        requireNonNull(directory, "directory is null");
        Path dir = directory.toAbsolutePath().normalize();
        Path fileName = dir.getFileName();
        return new Snapshot(fileName == null ? dir.toString() : fileName.toString(), file -> {
            try {
                return Optional.of(Files.readAllBytes(dir.resolve(file)));
            } catch (NoSuchFileException e) {
                return Optional.empty();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + dir.resolve(file), e);
            }
        });
    }

    /** The recording's name (its folder name). */
    public String name() {
        return name;
    }

    /** The kernel release of the recorded host, e.g. {@code 6.1.0-56-amd64}; empty when not recorded. */
    public String kernel() {
        return text(sysfs.get("kernel"), "");
    }

    /** The recorded host's state in one line ({@code NOTE.txt}), if the recording has one. */
    public Optional<String> note() {
        return file("NOTE.txt").map(String::strip);
    }

    /** Paths the recorder found absent, e.g. {@code /sys/class/fc_host}. */
    public List<String> absent() {
        return strings(sysfs.get("absent"));
    }

    /** The subtrees the recorder walked without following links. */
    public List<String> walked() {
        return strings(sysfs.get("walked"));
    }

    /** Every recorded command, in the order they ran. */
    public List<CommandRecord> commands() {
        return commands;
    }

    /** The recorded output of a command, by its exact command line (e.g. {@code multipath -ll}). */
    public Optional<CommandRecord> command(String cmd) {
        requireNonNull(cmd, "cmd is null");
        return commands.stream().filter(record -> record.cmd().equals(cmd)).findFirst();
    }

    /** Another file of the recording as UTF-8 text (e.g. {@code osbrick-daemon-trace.txt}), if it has one. */
    public Optional<String> file(String fileName) {
        requireNonNull(fileName, "fileName is null");
        if (!NAME.matcher(fileName).matches()) {
            throw new IllegalArgumentException("'" + fileName + "' is not a file name");
        }
        return source.read(fileName).map(bytes -> new String(bytes, StandardCharsets.UTF_8));
    }

    /**
     * Files whose read failed on the recorded host, by absolute path ({@code /sys/...}), with the errno name
     * ({@code EIO}). They are materialised as empty files.
     */
    public Map<String, String> unreadable() {
        return unreadable;
    }

    /**
     * Writes the recording as a host root under {@code directory} (created if missing) and returns that host root.
     * Existing files of the same names are replaced.
     *
     * @throws UncheckedIOException when the tree cannot be written
     * @throws IllegalArgumentException when an entry of the recording is not an absolute, normalised {@code /sys} path
     */
    public HostRoot materialise(Path directory) {
        requireNonNull(directory, "directory is null");
        Path root = directory.toAbsolutePath().normalize();
        try {
            Files.createDirectories(root.resolve("sys"));
            Files.createDirectories(root.resolve("dev"));
            Files.createDirectories(root.resolve("etc"));
            List<String> blockDevices = new ArrayList<>();
            Set<Path> directories = new HashSet<>();
            for (Map.Entry<?, ?> entry : entries.entrySet()) {
                String path = (String) entry.getKey();
                Path target = hostPath(root, path, "/sys");
                writeEntry(target, path, entry.getValue(), directories);
                if (path.startsWith("/sys/block/") && path.indexOf('/', "/sys/block/".length()) < 0) {
                    blockDevices.add(path.substring("/sys/block/".length()));
                }
            }
            for (String device : blockDevices) {
                writeFile(root.resolve("dev").resolve(device), new byte[0]);
            }
            for (String listing : DEV_LISTINGS) {
                Optional<CommandRecord> record = command("ls -l " + listing);
                if (record.isPresent() && record.get().succeeded()) {
                    materialiseListing(hostPath(root, listing, "/dev"), record.get().stdout());
                }
            }
            Map<?, ?> dev = sysfs.get("dev") instanceof Map<?, ?> map ? map : Map.of();
            for (Map.Entry<?, ?> entry : dev.entrySet()) {
                String path = (String) entry.getKey();
                Path target = hostPath(root, path, "/dev");
                if ("n".equals(text(member(entry.getValue(), "t"), ""))) {
                    Files.createDirectories(target.getParent());
                    if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                        writeFile(target, new byte[0]);
                    }
                } else {
                    writeEntry(target, path, entry.getValue(), directories);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot materialise recording " + name + " under " + root, e);
        }
        return HostRoot.under(root.toString());
    }

    private void writeEntry(Path target, String path, Object entry, Set<Path> directories) throws IOException {
        String type = text(member(entry, "t"), "");
        if (directories.add(target.getParent())) {
            Files.createDirectories(target.getParent());
        }
        switch (type) {
            case "d" -> {
                if (directories.add(target)) {
                    Files.createDirectories(target);
                }
            }
            case "f" -> {
                byte[] content;
                if (has(entry, "b64")) {
                    content = Base64.getDecoder().decode(text(member(entry, "b64")));
                } else if (has(entry, "text")) {
                    content = text(member(entry, "text")).getBytes(StandardCharsets.UTF_8);
                } else {
                    content = new byte[0];
                }
                writeFile(target, content);
            }
            case "l" -> {
                String linkTarget = text(member(entry, "target"), "");
                if (linkTarget.isEmpty()) {
                    throw new IllegalArgumentException("recording " + name + ": link " + path + " has no target");
                }
                writeLink(target, linkTarget);
            }
            default -> throw new IllegalArgumentException("recording " + name + ": entry " + path
                    + " has unknown type '" + type + "'");
        }
    }

    private static void materialiseListing(Path dir, String lsOutput) throws IOException {
        Files.createDirectories(dir);
        for (String line : lsOutput.split("\n")) {
            Matcher link = LS_LINK.matcher(line);
            Matcher node = LS_NODE.matcher(line);
            if (link.matches()) {
                writeLink(dir.resolve(checkedName(link.group(1))), link.group(2).strip());
            } else if (node.matches()) {
                writeFile(dir.resolve(checkedName(node.group(1).strip())), new byte[0]);
            }
        }
    }

    private static String checkedName(String fileName) {
        if (fileName.isEmpty() || fileName.contains("/") || fileName.equals(".") || fileName.equals("..")) {
            throw new IllegalArgumentException("'" + fileName + "' is not a file name");
        }
        return fileName;
    }

    /** Writes a file in an existing directory. */
    private static void writeFile(Path target, byte[] content) throws IOException {
        if (Files.isSymbolicLink(target)) {
            Files.delete(target);
        }
        Files.write(target, content);
    }

    /** Creates a symlink in an existing directory, replacing whatever had that name. */
    private static void writeLink(Path target, String linkTarget) throws IOException {
        Files.deleteIfExists(target);
        Files.createSymbolicLink(target, Path.of(linkTarget));
    }

    /** {@code root} joined with an absolute host path that must lie under {@code top} and hold no {@code .}/{@code ..}. */
    private Path hostPath(Path root, String path, String top) {
        if (!(path.equals(top) || path.startsWith(top + "/")) || path.endsWith("/")) {
            throw new IllegalArgumentException("recording " + name + ": '" + path + "' is not under " + top);
        }
        for (String element : path.substring(1).split("/", -1)) {
            if (element.isEmpty() || element.equals(".") || element.equals("..")) {
                throw new IllegalArgumentException("recording " + name + ": '" + path + "' is not a normalised path");
            }
        }
        return root.resolve(path.substring(1));
    }

    /**
     * The JSON value of a recording's file: UTF-8 (a leading byte-order mark skipped), at most
     * {@link #MAX_JSON_BYTES}.
     */
    private static Object parse(byte[] json, String what) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(json)).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException(what + " is not valid JSON: not UTF-8", e);
        }
        if (!text.isEmpty() && text.charAt(0) == BYTE_ORDER_MARK) {
            text = text.substring(1);
        }
        try {
            return Json.parse(text, what, MAX_JSON_BYTES);
        } catch (InvalidInputException e) {
            // the message names the file and where the text went wrong ("a/sysfs.json: not valid JSON: ...")
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    private static Map<?, ?> entries(Map<?, ?> sysfs, String name) {
        if (!(sysfs.get("entries") instanceof Map<?, ?> entries)) {
            throw new IllegalArgumentException("recording " + name + ": sysfs.json has no entries object");
        }
        return entries;
    }

    private static List<CommandRecord> readCommands(Object array, String name) {
        if (!(array instanceof List<?> list)) {
            throw new IllegalArgumentException("recording " + name + ": commands.json is not an array");
        }
        List<CommandRecord> records = new ArrayList<>();
        for (Object node : list) {
            records.add(new CommandRecord(text(member(node, "cmd")), integer(member(node, "rc")),
                    text(member(node, "stdout"), ""), text(member(node, "stderr"), ""),
                    decimal(member(node, "seconds"))));
        }
        return List.copyOf(records);
    }

    private static Map<String, String> readUnreadable(Map<?, ?> entries) {
        Map<String, String> found = new LinkedHashMap<>();
        entries.forEach((path, entry) -> {
            if (has(entry, "error")) {
                found.put((String) path, text(member(entry, "error")));
            }
        });
        return Collections.unmodifiableMap(found);
    }

    /** The texts of an array's elements (an object's values); none for anything else. */
    private static List<String> strings(Object array) {
        Collection<?> elements = array instanceof List<?> list ? list
                : array instanceof Map<?, ?> map ? map.values() : List.of();
        List<String> values = new ArrayList<>();
        elements.forEach(node -> values.add(text(node)));
        return List.copyOf(values);
    }

    // The lenient reads below are the ones this class made of the recordings when it read them with Jackson's tree
    // (path(..).asText(), asInt(), asDouble()): a missing or mistyped member reads as empty or zero, not as an error.

    /** An object's member; Java {@code null} when the value is not an object or has no such member. */
    private static Object member(Object node, String key) {
        return node instanceof Map<?, ?> map ? map.get(key) : null;
    }

    private static boolean has(Object node, String key) {
        return node instanceof Map<?, ?> map && map.containsKey(key);
    }

    /** A value as text, {@code orElse} when it is missing or JSON {@code null}. */
    private static String text(Object value, String orElse) {
        return value == null || value == Json.NULL ? orElse : text(value);
    }

    /**
     * A value as text: a string as it is, a number or boolean as written, {@code null} as {@code "null"}, an array or
     * object (or a missing value) as {@code ""}.
     */
    private static String text(Object value) {
        if (value instanceof String string) {
            return string;
        }
        if (value instanceof BigDecimal number) {
            return number.scale() == 0 ? number.toPlainString() : Double.toString(number.doubleValue());
        }
        if (value instanceof Boolean || value == Json.NULL) {
            return value.toString();
        }
        return "";
    }

    /** A value as an {@code int}: a number truncated, a numeric string parsed, {@code true} as 1, else 0. */
    private static int integer(Object value) {
        if (value instanceof BigDecimal number) {
            return number.intValue();
        }
        if (value instanceof Boolean bool) {
            return bool ? 1 : 0;
        }
        if (value instanceof String string) {
            try {
                return Integer.parseInt(string.strip());
            } catch (NumberFormatException e) {
                return (int) decimal(value);
            }
        }
        return 0;
    }

    /** A value as a {@code double}: a number, a numeric string parsed, {@code true} as 1, else 0. */
    private static double decimal(Object value) {
        if (value instanceof BigDecimal number) {
            return number.doubleValue();
        }
        if (value instanceof Boolean bool) {
            return bool ? 1 : 0;
        }
        if (value instanceof String string) {
            try {
                return Double.parseDouble(string.strip());
            } catch (NumberFormatException e) {
                return 0;
            }
        }
        return 0;
    }

    /** The recorded sysfs entries by absolute path, as read (for {@link RecordedTree}). */
    Map<?, ?> entries() {
        return entries;
    }

    @Override
    public String toString() {
        return "Snapshot[" + name + "]";
    }
}
