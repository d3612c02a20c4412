package io.brick.cli.snapshot;

import io.brick.core.host.HostRoot;

import static java.util.Objects.requireNonNull;

/** Records a host's relevant /sys and /dev as a fixture (stub: replaced on merge). */
public final class SnapshotWriter {
    private final HostRoot root;

    /** A writer reading the host under {@code root}. */
    public SnapshotWriter(HostRoot root) {
        this.root = requireNonNull(root, "root is null");
    }

    /** The recording as JSON (the fixtures' {@code sysfs.json} format). */
    public String toJson() {
        return "{}";
    }

    @Override
    public String toString() {
        return "SnapshotWriter[" + root + "]";
    }
}
