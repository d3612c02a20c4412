package io.brick.exec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import static java.util.Objects.requireNonNull;

/**
 * Where a command's program is found: a bare name ({@code iscsiadm}) in the first of a fixed list of system
 * directories that holds an executable regular file of that name, never through the caller's {@code PATH} or the
 * current directory, so a program planted earlier in {@code PATH} is never run as root. An absolute program path is
 * taken as given (it is brick's code that names it); a relative path with a slash is never run. A name found once is
 * kept for the life of the runner; a name not found is looked for again next time (the tool may be installed
 * meanwhile).
 */
final class ToolLocator {
    /** The directories tools are run from, in order: the system's, as root's default {@code PATH} lists them. */
    static final List<String> SYSTEM_DIRECTORIES = List.of("/usr/sbin", "/usr/bin", "/sbin", "/bin");

    private final List<String> directories;
    private final ConcurrentMap<String, String> found = new ConcurrentHashMap<>();

    ToolLocator(List<String> directories) {
        this.directories = List.copyOf(requireNonNull(directories, "directories is null"));
        this.directories.forEach(directory -> {
            if (!directory.startsWith("/")) {
                throw new IllegalArgumentException("a tool directory is an absolute path: " + directory);
            }
        });
    }

    /** The directories looked in, in order. */
    List<String> directories() {
        return directories;
    }

    /** The absolute path to run for {@code program}, if there is one. */
    Optional<String> locate(String program) {
        requireNonNull(program, "program is null");
        if (program.startsWith("/")) {
            return Optional.of(program);
        }
        if (program.isBlank() || program.indexOf('/') >= 0 || program.indexOf('\0') >= 0
                || program.equals(".") || program.equals("..")) {
            return Optional.empty();
        }
        String known = found.get(program);
        if (known != null) {
            return Optional.of(known);
        }
        for (String directory : directories) {
            Path candidate = Path.of(directory, program);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                String path = candidate.toString();
                found.putIfAbsent(program, path);
                return Optional.of(path);
            }
        }
        return Optional.empty();
    }
}
