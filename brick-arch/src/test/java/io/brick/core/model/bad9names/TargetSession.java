package io.brick.core.model.bad9names;

/** Bad for rule 9: a transport's session in core. */
public record TargetSession(int id) {
}
