package io.brick.iscsi.good8.sessions;

import io.brick.iscsi.good8.nodes.Node;

/** Good: sessions uses nodes, and nodes uses nothing of sessions. */
public record Session(Node node) {
}
