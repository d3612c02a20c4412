package io.brick.multipath;

import io.brick.testkit.snapshot.CommandRecord;
import io.brick.testkit.snapshot.Snapshot;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * One of the testkit's real-kernel recordings, for parser tests: what the tools printed, and the sysfs tree recorded
 * at the same moment (materialised under a test's temporary directory) to check the parsed values against.
 */
final class RecordedHost {
    private final Snapshot snapshot;
    private final Path root;

    private RecordedHost(Snapshot snapshot, Path root) {
        this.snapshot = snapshot;
        this.root = root;
    }

    /** The recording's commands only. */
    static RecordedHost commandsOf(String recording) {
        return new RecordedHost(Snapshot.load(recording), null);
    }

    /** The recording with its sysfs tree written under {@code dir}. */
    static RecordedHost materialise(String recording, Path dir) {
        Snapshot snapshot = Snapshot.load(recording);
        snapshot.materialise(dir);
        return new RecordedHost(snapshot, dir);
    }

    String name() {
        return snapshot.name();
    }

    CommandRecord command(String cmd) {
        return snapshot.command(cmd).orElseThrow(() -> new AssertionError(snapshot.name() + " did not record " + cmd));
    }

    String stdout(String cmd) {
        return command(cmd).stdout();
    }

    /** A sysfs attribute's text, stripped ({@code /sys/class/iscsi_session/session1/targetname}). */
    String sysfs(String path) {
        try {
            return Files.readString(host(path)).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A sysfs symlink's target as the kernel wrote it. */
    String link(String path) {
        try {
            return Files.readSymbolicLink(host(path)).toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The names in a sysfs directory, sorted; none when it does not exist. */
    List<String> list(String path) {
        Path dir = host(path);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.map(entry -> entry.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Path host(String path) {
        if (root == null) {
            throw new IllegalStateException("recording " + name() + " was not materialised");
        }
        return root.resolve(path.substring(1));
    }
}
