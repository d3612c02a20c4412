package io.brick.cli.doctor;

import io.brick.core.host.HostRoot;
import io.brick.core.port.TopologyProvider;

import java.util.List;

import static java.util.Objects.requireNonNull;

/** Looks for leftovers on a host (stub: replaced by the doctor's own implementation on merge). */
public final class Doctor {
    private final TopologyProvider topology;
    private final HostRoot root;

    /** A doctor reading the host through {@code topology} and the files under {@code root}. */
    public Doctor(TopologyProvider topology, HostRoot root) {
        this.topology = requireNonNull(topology, "topology is null");
        this.root = requireNonNull(root, "root is null");
    }

    /** What is wrong on the host, worst first; empty when the host is clean. */
    public List<Finding> examine() {
        return List.of();
    }

    @Override
    public String toString() {
        return "Doctor[" + root + ", " + topology.getClass().getSimpleName() + "]";
    }
}
