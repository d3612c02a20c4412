package io.brick.benchmarks;

import io.brick.core.bootstrap.Brick;
import io.brick.core.host.HostRoot;
import io.brick.core.lock.ProcessLocks;
import io.brick.core.port.TopologyProvider;
import io.brick.sysfs.SysfsPlugin;

import java.nio.file.Path;

/** brick's runtime over a benchmark tree, built through the public bootstrap as an application builds it. */
public final class Hosts {
    private Hosts() {
    }

    /** A runtime with the sysfs plugin over the tree at {@code root}; commands are refused (lookups run none). */
    public static Brick sysfsRuntime(Path root) {
        return Brick.builder().plugins(new SysfsPlugin()).hostRoot(HostRoot.under(root.toString()))
                .processLocks(ProcessLocks.none())
                .commandRunner(command -> {
                    throw new IllegalStateException("a lookup ran a command: " + command);
                })
                .build();
    }

    /** The topology provider of such a runtime. */
    public static TopologyProvider topology(Brick brick) {
        return brick.port(TopologyProvider.class);
    }
}
