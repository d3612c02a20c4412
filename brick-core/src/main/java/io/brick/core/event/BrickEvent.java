package io.brick.core.event;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Progress of an operation, one phase at a time (login per portal, scan, device found, map formed, flush, removal,
 * logout), for the CLI's progress lines, a caller's logs or metrics. Details never hold secrets.
 *
 * @param type what happened
 * @param at when
 * @param subject what it happened to ({@code 127.0.0.1:3260}, {@code sda}, {@code dm-0})
 * @param duration how long the phase took, for events that end a phase
 * @param details more, in order ({@code hctl}, {@code wwid}, {@code exitCode}, ...)
 */
public record BrickEvent(EventType type, Instant at, String subject, Optional<Duration> duration, Map<String, String> details) {
    public BrickEvent {
        requireNonNull(type, "type is null");
        requireNonNull(at, "at is null");
        requireNonNull(subject, "subject is null");
        requireNonNull(duration, "duration is null");
        details = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(details));
    }
}
