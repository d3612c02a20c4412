package io.brick.iscsi.good8.nodes;

/** A node knows nothing of sessions. */
public record Node(String name) {
}
