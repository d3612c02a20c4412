package io.brick.iscsi.bad8cycle.sessions;

import io.brick.iscsi.bad8cycle.nodes.Node;

/** Bad: sessions uses nodes ... */
public record Session(Node node) {
}
