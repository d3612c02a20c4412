package io.brick.core.model.bad9names;

/** Bad for rule 9: a Fibre Channel HBA's value in core. */
public record FcHost(int hostNumber) {
}
