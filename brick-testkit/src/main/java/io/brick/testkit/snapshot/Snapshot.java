package io.brick.testkit.snapshot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.brick.core.host.HostRoot;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.Iterator;
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

    private final String name;
    private final JsonNode sysfs;
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
        ObjectMapper mapper = new ObjectMapper();
        byte[] sysfsJson = source.read("sysfs.json")
                .orElseThrow(() -> new IllegalArgumentException("recording " + name + " has no sysfs.json"));
        this.sysfs = parse(mapper, sysfsJson, name + "/sysfs.json");
        this.commands = source.read("commands.json")
                .map(bytes -> readCommands(parse(mapper, bytes, name + "/commands.json"), name))
                .orElse(List.of());
        this.unreadable = readUnreadable(entries(sysfs, name));
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
        return sysfs.path("kernel").asText("");
    }

    /** The recorded host's state in one line ({@code NOTE.txt}), if the recording has one. */
    public Optional<String> note() {
        return file("NOTE.txt").map(String::strip);
    }

    /** Paths the recorder found absent, e.g. {@code /sys/class/fc_host}. */
    public List<String> absent() {
        return strings(sysfs.path("absent"));
    }

    /** The subtrees the recorder walked without following links. */
    public List<String> walked() {
        return strings(sysfs.path("walked"));
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
            Iterator<Map.Entry<String, JsonNode>> fields = entries(sysfs, name).fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> entry = fields.next();
                String path = entry.getKey();
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
            Iterator<Map.Entry<String, JsonNode>> devFields = sysfs.path("dev").fields();
            while (devFields.hasNext()) {
                Map.Entry<String, JsonNode> entry = devFields.next();
                Path target = hostPath(root, entry.getKey(), "/dev");
                if ("n".equals(entry.getValue().path("t").asText(""))) {
                    Files.createDirectories(target.getParent());
                    if (!Files.exists(target, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                        writeFile(target, new byte[0]);
                    }
                } else {
                    writeEntry(target, entry.getKey(), entry.getValue(), directories);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot materialise recording " + name + " under " + root, e);
        }
        return HostRoot.under(root.toString());
    }

    private void writeEntry(Path target, String path, JsonNode entry, Set<Path> directories) throws IOException {
        String type = entry.path("t").asText("");
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
                if (entry.has("b64")) {
                    content = Base64.getDecoder().decode(entry.get("b64").asText());
                } else if (entry.has("text")) {
                    content = entry.get("text").asText().getBytes(StandardCharsets.UTF_8);
                } else {
                    content = new byte[0];
                }
                writeFile(target, content);
            }
            case "l" -> {
                String linkTarget = entry.path("target").asText("");
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

    private static JsonNode parse(ObjectMapper mapper, byte[] json, String what) {
        try {
            return mapper.readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException(what + " is not valid JSON: " + e.getMessage(), e);
        }
    }

    private static JsonNode entries(JsonNode sysfs, String name) {
        JsonNode entries = sysfs.path("entries");
        if (!entries.isObject()) {
            throw new IllegalArgumentException("recording " + name + ": sysfs.json has no entries object");
        }
        return entries;
    }

    private static List<CommandRecord> readCommands(JsonNode array, String name) {
        if (!array.isArray()) {
            throw new IllegalArgumentException("recording " + name + ": commands.json is not an array");
        }
        List<CommandRecord> records = new ArrayList<>();
        for (JsonNode node : array) {
            records.add(new CommandRecord(node.path("cmd").asText(), node.path("rc").asInt(),
                    node.path("stdout").asText(""), node.path("stderr").asText(""), node.path("seconds").asDouble()));
        }
        return List.copyOf(records);
    }

    private static Map<String, String> readUnreadable(JsonNode entries) {
        Map<String, String> found = new LinkedHashMap<>();
        entries.fields().forEachRemaining(entry -> {
            if (entry.getValue().has("error")) {
                found.put(entry.getKey(), entry.getValue().get("error").asText());
            }
        });
        return java.util.Collections.unmodifiableMap(found);
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(node -> values.add(node.asText()));
        return List.copyOf(values);
    }

    @Override
    public String toString() {
        return "Snapshot[" + name + "]";
    }
}
