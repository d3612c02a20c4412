package io.brick.core.event;

import io.brick.core.error.BrickException;
import io.brick.core.time.Clock;
import jakarta.inject.Inject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Emits {@link BrickEvent}s to the runtime's {@link EventListener}, stamped with the {@link Clock}'s time. What a
 * listener throws is logged at WARN (without a stack trace) and dropped: reporting progress never breaks an
 * operation.
 *
 * <p>Instant events go through {@link #publish}; a phase with a duration starts with {@link #started} and ends with
 * {@link Phase#finished} or {@link Phase#failed}:
 * <pre>{@code
 * EventPublisher.Phase login = events.started(EventType.LOGIN_STARTED, "10.0.0.1:3260", Map.of("iqn", iqn));
 * ...
 * login.finished(EventType.LOGIN_FINISHED, Map.of());
 * }</pre>
 * Thread-safe.
 */
public final class EventPublisher {
    private static final Logger log = LoggerFactory.getLogger(EventPublisher.class);

    private final EventListener listener;
    private final Clock clock;

    /** A publisher to {@code listener}, timing with {@code clock}. */
    @Inject
    public EventPublisher(EventListener listener, Clock clock) {
        this.listener = requireNonNull(listener, "listener is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /** Emits an instant event (no duration). Details must not hold secrets. */
    public void publish(EventType type, String subject, Map<String, String> details) {
        deliver(new BrickEvent(type, clock.instant(), subject, Optional.empty(), details));
    }

    /** Emits an instant event without details. */
    public void publish(EventType type, String subject) {
        publish(type, subject, Map.of());
    }

    /** Emits a {@link EventType#WARNING} about {@code subject}, with the message under the detail {@code message}. */
    public void warning(String subject, String message) {
        requireNonNull(message, "message is null");
        publish(EventType.WARNING, subject, Map.of("message", message));
    }

    /** Emits {@code type} (a phase's start) and returns the phase, whose end event carries its duration. */
    public Phase started(EventType type, String subject, Map<String, String> details) {
        Phase phase = new Phase(subject, clock.nanoTime());
        publish(type, subject, details);
        return phase;
    }

    /** Emits {@code type} (a phase's start) without details and returns the phase. */
    public Phase started(EventType type, String subject) {
        return started(type, subject, Map.of());
    }

    /** Hands {@code event} to the listener; what the listener throws is logged and dropped. */
    public void deliver(BrickEvent event) {
        requireNonNull(event, "event is null");
        try {
            listener.onEvent(event);
        } catch (RuntimeException failure) {
            log.warn("event listener {} failed on {} event for {}: {}", listener.getClass().getName(), event.type(),
                    event.subject(), failure.toString());
        }
    }

    /** A phase in progress: knows when it started, and emits its end with the time it took. */
    public final class Phase {
        private final String subject;
        private final long startNanos;

        private Phase(String subject, long startNanos) {
            this.subject = requireNonNull(subject, "subject is null");
            this.startNanos = startNanos;
        }

        /** The subject the phase is about. */
        public String subject() {
            return subject;
        }

        /** Time since the phase started. */
        public Duration elapsed() {
            return Duration.ofNanos(Math.max(0, clock.nanoTime() - startNanos));
        }

        /** Emits {@code type} as the phase's successful end, with its duration. */
        public void finished(EventType type, Map<String, String> details) {
            deliver(new BrickEvent(type, clock.instant(), subject, Optional.of(elapsed()), details));
        }

        /** Emits {@code type} as the phase's successful end, with its duration and no details. */
        public void finished(EventType type) {
            finished(type, Map.of());
        }

        /**
         * Emits {@code type} as the phase's failed end, with its duration and the error's {@code kind} and
         * {@code message} added to the details (a {@link BrickException}'s message never holds secrets).
         */
        public void failed(EventType type, BrickException error, Map<String, String> details) {
            requireNonNull(error, "error is null");
            Map<String, String> all = new LinkedHashMap<>(details);
            all.put("error", error.kind());
            all.put("message", error.getMessage());
            deliver(new BrickEvent(type, clock.instant(), subject, Optional.of(elapsed()), all));
        }

        /** Emits {@code type} as the phase's failed end, with the error's kind and message as details. */
        public void failed(EventType type, BrickException error) {
            failed(type, error, Map.of());
        }
    }
}
