package io.brick.sysfs;

import io.brick.core.host.HostRoot;
import io.brick.core.port.SysfsAccess;
import jakarta.inject.Inject;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

import static java.util.Objects.requireNonNull;

/** {@link SysfsAccess} over the host root's {@code sys} directory, with brick-sysfs's confinement and size cap. */
final class HostSysfsAccess implements SysfsAccess {
    private final HostFiles files;

    @Inject
    HostSysfsAccess(HostRoot root) {
        this.files = new HostFiles(requireNonNull(root, "root is null"));
    }

    @Override
    public List<String> list(String directory) {
        return files.realInSys(path(directory)).map(HostFiles::list).orElse(List.of());
    }

    @Override
    public Optional<String> read(String attribute) {
        Path path = path(attribute);
        Optional<Path> parent = files.realInSys(path.getParent());
        if (parent.isEmpty()) {
            return Optional.empty();
        }
        return readIn(parent.get(), path.getFileName().toString());
    }

    /**
     * Resolves the directory once ({@link HostFiles#realInSys}), then reads each attribute in it as {@link #read}
     * does.
     */
    @Override
    public Map<String, String> readAll(String directory, List<String> names) {
        checkNames(names);
        return files.realInSys(path(directory)).map(dir -> readAllIn(dir, names)).orElseGet(Map::of);
    }

    /**
     * Resolves the directory once ({@link HostFiles#realInSys}), then each entry from there: its link read and its
     * target's names checked one by one ({@link HostFiles#realEntryInSys}), the directories shared by the entries
     * checked once.
     */
    @Override
    public List<Entry> entries(String directory, Predicate<String> names) {
        requireNonNull(names, "names is null");
        Optional<Path> dir = files.realInSys(path(directory));
        Optional<Path> sys = files.sysReal();
        if (dir.isEmpty() || sys.isEmpty()) {
            return List.of();
        }
        Set<Path> checked = new HashSet<>();
        List<Entry> entries = new ArrayList<>();
        // filtered before sorted: a class directory of a big host has a thousand names, a lookup wants a few
        List<String> wanted = new ArrayList<>();
        for (String name : HostFiles.listUnsorted(dir.get())) {
            if (names.test(name)) {
                wanted.add(name);
            }
        }
        wanted.sort(null);
        for (String name : wanted) {
            files.realEntryInSys(dir.get(), name, checked).ifPresent(
                    real -> entries.add(new RealEntry(name, sys.get().relativize(real).toString(), real)));
        }
        return List.copyOf(entries);
    }

    @Override
    public Optional<Entry> entry(String path) {
        Path asked = path(path);
        Optional<Path> sys = files.sysReal();
        return files.realInSys(asked).flatMap(real -> sys.map(top -> new RealEntry(asked.getFileName().toString(),
                top.relativize(real).toString(), real)));
    }

    /** An entry at its real directory: its attributes are read there, without resolving it again. */
    private record RealEntry(String name, String path, Path real) implements Entry {
        @Override
        public Map<String, String> readAll(List<String> attributes) {
            checkNames(attributes);
            return readAllIn(real, attributes);
        }
    }

    private static void checkNames(List<String> names) {
        requireNonNull(names, "names is null");
        for (String name : names) {
            if (name.isEmpty() || name.contains("/") || name.equals(".") || name.equals("..")
                    || name.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("not an attribute name: '" + name + "'");
            }
        }
    }

    private static Map<String, String> readAllIn(Path dir, List<String> names) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String name : names) {
            readIn(dir, name).ifPresent(value -> values.put(name, value));
        }
        return values;
    }

    /** One attribute of a real directory: absent when missing, a link or a directory, or gone while read. */
    private static Optional<String> readIn(Path parent, String name) {
        Path file = parent.resolve(name);
        try {
            return Optional.of(HostFiles.readText(file).stripTrailing());
        } catch (NoSuchFileException | NotDirectoryException e) {
            return Optional.empty();
        } catch (IOException e) {
            if (!HostFiles.isDirectory(parent) || java.nio.file.Files.isSymbolicLink(file)
                    || HostFiles.isDirectory(file)) {
                return Optional.empty(); // gone while it was read, or a link or directory: no attribute
            }
            throw HostFiles.unreadable(file, e);
        }
    }

    @Override
    public Optional<String> resolve(String path) {
        Optional<Path> sys = files.sysReal();
        return files.realInSys(path(path)).flatMap(real -> sys.map(top -> top.relativize(real).toString()));
    }

    /** A path under {@code /sys} from a relative one, checked name by name. */
    private Path path(String relative) {
        requireNonNull(relative, "path is null");
        if (relative.isEmpty() || relative.startsWith("/") || relative.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("not a path relative to /sys: '" + relative + "'");
        }
        String[] names = relative.split("/", -1);
        for (String name : names) {
            if (name.isEmpty() || name.equals(".") || name.equals("..")) {
                throw new IllegalArgumentException("not a path relative to /sys: '" + relative + "'");
            }
        }
        return files.sys(names[0], java.util.Arrays.copyOfRange(names, 1, names.length));
    }
}
