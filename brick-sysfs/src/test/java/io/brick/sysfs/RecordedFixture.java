package io.brick.sysfs;

import io.brick.core.host.HostRoot;
import io.brick.testkit.snapshot.Snapshot;

import java.nio.file.Path;

/** A recording materialised in a directory, with a topology provider reading it. */
record RecordedFixture(Snapshot snapshot, HostRoot host, Path root, SysfsTopologyProvider topology) {
    static RecordedFixture load(String recording, Path dir) {
        Snapshot snapshot = Snapshot.load(recording);
        Path root = dir.resolve(recording);
        HostRoot host = snapshot.materialise(root);
        return new RecordedFixture(snapshot, host, root, new SysfsTopologyProvider(host));
    }

    Path sys(String relative) {
        return Path.of(host.sys()).resolve(relative);
    }

    Path dev(String relative) {
        return Path.of(host.dev()).resolve(relative);
    }

    ToolOutputs tools() {
        return new ToolOutputs(snapshot);
    }
}
