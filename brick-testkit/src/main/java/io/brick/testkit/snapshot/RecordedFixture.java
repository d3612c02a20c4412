package io.brick.testkit.snapshot;

import io.brick.core.host.HostRoot;

import java.nio.file.Path;
import java.util.function.Function;

import static java.util.Objects.requireNonNull;

/**
 * A recording materialised in a directory, with the readers a test asks about it ({@code topology}: brick-sysfs's
 * topology provider, a transport's readers over it, ...) and the tools' recorded outputs to compare them with.
 *
 * @param snapshot the recording
 * @param host the host root it was materialised as
 * @param root the directory it was materialised in
 * @param topology the readers over {@code host}
 * @param <T> the readers' type
 */
public record RecordedFixture<T>(Snapshot snapshot, HostRoot host, Path root, T topology) {
    /** Requires every part. */
    public RecordedFixture {
        requireNonNull(snapshot, "snapshot is null");
        requireNonNull(host, "host is null");
        requireNonNull(root, "root is null");
        requireNonNull(topology, "topology is null");
    }

    /**
     * Loads a recording ({@link Recordings}), materialises it in {@code dir/<recording>} and builds the readers over
     * it.
     */
    public static <T> RecordedFixture<T> load(String recording, Path dir, Function<HostRoot, T> readers) {
        Snapshot snapshot = Snapshot.load(recording);
        Path root = dir.resolve(recording);
        HostRoot host = snapshot.materialise(root);
        return new RecordedFixture<>(snapshot, host, root, readers.apply(host));
    }

    /** A path under the materialised host's {@code /sys}. */
    public Path sys(String relative) {
        return Path.of(host.sys()).resolve(relative);
    }

    /** A path under the materialised host's {@code /dev}. */
    public Path dev(String relative) {
        return Path.of(host.dev()).resolve(relative);
    }

    /** What the tools said on the recorded host. */
    public ToolOutputs tools() {
        return new ToolOutputs(snapshot);
    }
}
