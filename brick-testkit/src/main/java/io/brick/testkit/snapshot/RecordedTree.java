package io.brick.testkit.snapshot;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;

/**
 * One of the testkit's real-kernel recordings, read in memory, for parser tests: what the tools printed, and the
 * sysfs tree recorded at the same moment ({@code sysfs.json}, symlinks followed as the kernel's would be) to check
 * parsed values against, without materialising the tree. Missing commands or entries fail the test with an
 * {@link AssertionError} naming the recording.
 */
public final class RecordedTree {
    private static final int MAX_LINKS = 40;
    private final Snapshot snapshot;
    private final Map<?, ?> entries;

    private RecordedTree(Snapshot snapshot) {
        this.snapshot = snapshot;
        this.entries = snapshot.entries();
    }

    /** The recording of that name (see {@link Recordings}). */
    public static RecordedTree of(String recording) {
        return new RecordedTree(Snapshot.load(recording));
    }

    /** The recording's name. */
    public String name() {
        return snapshot.name();
    }

    /** What one command printed in the recording. */
    public CommandRecord command(String cmd) {
        return snapshot.command(cmd).orElseThrow(() -> new AssertionError(snapshot.name() + " did not record " + cmd));
    }

    /** One command's standard output in the recording. */
    public String stdout(String cmd) {
        return command(cmd).stdout();
    }

    /** A sysfs attribute's text, stripped ({@code /sys/class/iscsi_session/session1/targetname}). */
    public String sysfs(String path) {
        Map<?, ?> entry = entry(resolve(path), path);
        if (!"f".equals(entry.get("t")) || !(entry.get("text") instanceof String text)) {
            throw new AssertionError(name() + ": " + path + " is not a readable file");
        }
        return text.strip();
    }

    /** A sysfs symlink's target as the kernel wrote it. */
    public String link(String path) {
        int slash = path.lastIndexOf('/');
        String resolved = resolve(path.substring(0, slash)) + path.substring(slash);
        Map<?, ?> entry = entry(resolved, path);
        if (!"l".equals(entry.get("t"))) {
            throw new AssertionError(name() + ": " + path + " is not a symlink");
        }
        return (String) entry.get("target");
    }

    /** The names in a sysfs directory, sorted; none when it was not recorded. */
    public List<String> list(String path) {
        String prefix = resolve(path) + "/";
        List<String> names = new ArrayList<>();
        for (Object key : entries.keySet()) {
            String entryPath = (String) key;
            if (entryPath.startsWith(prefix) && entryPath.indexOf('/', prefix.length()) < 0) {
                names.add(entryPath.substring(prefix.length()));
            }
        }
        names.sort(null);
        return names;
    }

    private Map<?, ?> entry(String resolved, String path) {
        if (!(entries.get(resolved) instanceof Map<?, ?> entry)) {
            throw new AssertionError(name() + " did not record " + path + " (" + resolved + ")");
        }
        return entry;
    }

    /** The path with every symlink among its components followed. */
    private String resolve(String path) {
        Deque<String> pending = new ArrayDeque<>(List.of(path.substring(1).split("/")));
        List<String> current = new ArrayList<>();
        int links = 0;
        while (!pending.isEmpty()) {
            String component = pending.removeFirst();
            if (component.isEmpty() || component.equals(".")) {
                continue;
            }
            if (component.equals("..")) {
                current.remove(current.size() - 1);
                continue;
            }
            current.add(component);
            Object entry = entries.get("/" + String.join("/", current));
            if (entry instanceof Map<?, ?> map && "l".equals(map.get("t"))) {
                if (++links > MAX_LINKS) {
                    throw new AssertionError(name() + ": too many links in " + path);
                }
                current.remove(current.size() - 1);
                List<String> target = List.of(((String) map.get("target")).split("/"));
                for (int i = target.size() - 1; i >= 0; i--) {
                    pending.addFirst(target.get(i));
                }
            }
        }
        return "/" + String.join("/", current);
    }
}
