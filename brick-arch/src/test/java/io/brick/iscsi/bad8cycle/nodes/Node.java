package io.brick.iscsi.bad8cycle.nodes;

import io.brick.iscsi.bad8cycle.sessions.Session;

import java.util.List;

/** ... and nodes uses sessions: a package cycle. */
public record Node(String name, List<Session> sessions) {
}
