package io.brick.testkit.host;

import java.time.Duration;

import static java.util.Objects.requireNonNull;

/**
 * A fault that fired.
 *
 * @param at simulated time since the host was built
 * @param kind the kind of fault
 * @param detail what it hit (a portal, a command, a device)
 */
public record FiredFault(Duration at, FaultKind kind, String detail) {
    public FiredFault {
        requireNonNull(at, "at is null");
        requireNonNull(kind, "kind is null");
        requireNonNull(detail, "detail is null");
    }
}
