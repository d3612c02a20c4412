package io.brick.iscsi;

import io.brick.core.host.HostRoot;
import io.brick.testkit.snapshot.Snapshot;

import java.nio.file.Path;

/** A recording materialised in a directory, with brick-sysfs's readers and the iSCSI session reader over it. */
record RecordedFixture(Snapshot snapshot, HostRoot host, Path root, SysfsHost topology) {
    static RecordedFixture load(String recording, Path dir) {
        Snapshot snapshot = Snapshot.load(recording);
        Path root = dir.resolve(recording);
        HostRoot host = snapshot.materialise(root);
        return new RecordedFixture(snapshot, host, root, SysfsHost.over(host));
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
