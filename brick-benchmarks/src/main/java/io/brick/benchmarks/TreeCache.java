package io.brick.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Benchmark trees, built once per shape and reused by every later trial (JMH runs each benchmark and parameter in
 * its own JVM): {@code <dir>/<shape>/}, where {@code dir} is the system property {@code brick.bench.dir}, by
 * default {@code /dev/shm/brick-benchmarks} (tmpfs: a tree of 64k disks is ~1 M inodes). A tree is complete once its
 * {@code .built} file holds the build time; an incomplete one (an interrupted build) is removed and built again.
 */
public final class TreeCache {
    private TreeCache() {
    }

    /** Where trees go. */
    public static Path directory() {
        return Path.of(System.getProperty("brick.bench.dir", "/dev/shm/brick-benchmarks"));
    }

    /** The tree of {@code shape}, built now if it is not there yet. */
    public static Path tree(HostShape shape) {
        Path root = directory().resolve(shape.toString());
        Path built = root.resolve(".built");
        try {
            if (Files.exists(built)) {
                return root;
            }
            delete(root);
            long start = System.nanoTime();
            HostTree.write(root, shape);
            long millis = (System.nanoTime() - start) / 1_000_000;
            Files.writeString(built, millis + "\n");
            return root;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** How long building the tree of {@code shape} took, in ms (as written when it was built). */
    public static long buildMillis(HostShape shape) {
        try {
            return Long.parseLong(Files.readString(tree(shape).resolve(".built")).strip());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Removes a directory tree (links are removed, not followed). */
    public static void delete(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path each : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(each);
            }
        }
    }
}
