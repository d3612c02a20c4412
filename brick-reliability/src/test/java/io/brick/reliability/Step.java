package io.brick.reliability;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * One step of a campaign sequence: an operation on a volume, a fault injected into the host, faults cleared, or
 * time passing. Steps are intents: a write or extend of a volume that is not attached at that moment is skipped, so
 * any sub-list of a sequence (what the shrinker tries) is still a sequence.
 *
 * @param action what the step does
 * @param volume the volume of an operation (its position in the topology); 0 for the other actions
 * @param fault the fault of a {@link Action#FAULT} step
 * @param seconds how long a {@link Action#WAIT} lasts
 * @param parts the two operations of a {@link Action#CONCURRENT} step, on two volumes; empty for the other actions
 */
record Step(Action action, int volume, Optional<Fault> fault, long seconds, List<Step> parts) {
    /** What a step does. */
    enum Action {
        /** {@code connect} the volume. */
        CONNECT,
        /** Write to the volume's attached device (unflushed data), when it is attached. */
        WRITE,
        /** Grow the volume's LUN on the storage by 64 MiB, then {@code extend} it, when it is attached. */
        EXTEND,
        /** {@code disconnect} with {@code DisconnectOptions.SAFE}. */
        DISCONNECT,
        /** {@code disconnect} with {@code force}. */
        DISCONNECT_FORCE,
        /** {@code disconnect} with {@code force} and {@code ignoreErrors}. */
        DISCONNECT_FORCE_IGNORE,
        /** Inject a fault. */
        FAULT,
        /** Remove every configured fault (paths already down stay down). */
        CLEAR_FAULTS,
        /** Let simulated time pass (sessions' recovery timeouts, maps forming). */
        WAIT,
        /**
         * Two operations on two volumes at once, each on its own thread (connect A while disconnecting B, two
         * connects, ...); the invariants are checked once both ended.
         */
        CONCURRENT;

        boolean operation() {
            return this == CONNECT || this == EXTEND || disconnect();
        }

        boolean disconnect() {
            return this == DISCONNECT || this == DISCONNECT_FORCE || this == DISCONNECT_FORCE_IGNORE;
        }

        boolean forced() {
            return this == DISCONNECT_FORCE || this == DISCONNECT_FORCE_IGNORE;
        }
    }

    Step {
        requireNonNull(action, "action is null");
        requireNonNull(fault, "fault is null");
        parts = List.copyOf(parts);
        if ((action == Action.CONCURRENT) != (parts.size() == 2)) {
            throw new IllegalArgumentException("a CONCURRENT step, and only it, has two parts: " + action);
        }
        if (parts.stream().anyMatch(part -> !part.action().operation())) {
            throw new IllegalArgumentException("a CONCURRENT step's parts are operations: " + parts);
        }
        if (fault.isPresent() != (action == Action.FAULT)) {
            throw new IllegalArgumentException("a FAULT step, and only it, has a fault: " + action);
        }
        if (volume < 0 || seconds < 0) {
            throw new IllegalArgumentException("volume and seconds are not negative");
        }
    }

    Step(Action action, int volume, Optional<Fault> fault, long seconds) {
        this(action, volume, fault, seconds, List.of());
    }

    static Step connect(int volume) {
        return new Step(Action.CONNECT, volume, Optional.empty(), 0);
    }

    static Step write(int volume) {
        return new Step(Action.WRITE, volume, Optional.empty(), 0);
    }

    static Step extend(int volume) {
        return new Step(Action.EXTEND, volume, Optional.empty(), 0);
    }

    static Step disconnect(int volume) {
        return new Step(Action.DISCONNECT, volume, Optional.empty(), 0);
    }

    static Step disconnectForce(int volume) {
        return new Step(Action.DISCONNECT_FORCE, volume, Optional.empty(), 0);
    }

    static Step disconnectForceIgnore(int volume) {
        return new Step(Action.DISCONNECT_FORCE_IGNORE, volume, Optional.empty(), 0);
    }

    static Step fault(Fault fault) {
        return new Step(Action.FAULT, 0, Optional.of(fault), 0);
    }

    static Step clearFaults() {
        return new Step(Action.CLEAR_FAULTS, 0, Optional.empty(), 0);
    }

    static Step waitSeconds(long seconds) {
        return new Step(Action.WAIT, 0, Optional.empty(), seconds);
    }

    /** {@code first} and {@code second} at once, on two threads (both are operations). */
    static Step concurrently(Step first, Step second) {
        return new Step(Action.CONCURRENT, 0, Optional.empty(), 0, List.of(first, second));
    }

    /** One readable line: {@code connect volume 0}, {@code fault PATH_DOWN port 1}, {@code wait 20 s}. */
    String describe() {
        return switch (action) {
            case CONNECT -> "connect volume " + volume;
            case WRITE -> "write volume " + volume;
            case EXTEND -> "extend volume " + volume + " (LUN +64 MiB first)";
            case DISCONNECT -> "disconnect volume " + volume + " SAFE";
            case DISCONNECT_FORCE -> "disconnect volume " + volume + " force";
            case DISCONNECT_FORCE_IGNORE -> "disconnect volume " + volume + " force ignoreErrors";
            case FAULT -> "fault " + fault.orElseThrow().describe();
            case CLEAR_FAULTS -> "clear faults";
            case WAIT -> "wait " + seconds + " s";
            case CONCURRENT -> "at once: " + parts.get(0).describe() + " | " + parts.get(1).describe();
        };
    }

    /** The Java expression that makes this step. */
    String toJava() {
        return switch (action) {
            case CONNECT -> "Step.connect(" + volume + ")";
            case WRITE -> "Step.write(" + volume + ")";
            case EXTEND -> "Step.extend(" + volume + ")";
            case DISCONNECT -> "Step.disconnect(" + volume + ")";
            case DISCONNECT_FORCE -> "Step.disconnectForce(" + volume + ")";
            case DISCONNECT_FORCE_IGNORE -> "Step.disconnectForceIgnore(" + volume + ")";
            case FAULT -> "Step.fault(" + fault.orElseThrow().toJava() + ")";
            case CLEAR_FAULTS -> "Step.clearFaults()";
            case WAIT -> String.format(Locale.ROOT, "Step.waitSeconds(%d)", seconds);
            case CONCURRENT -> "Step.concurrently(" + parts.get(0).toJava() + ", " + parts.get(1).toJava() + ")";
        };
    }

    @Override
    public String toString() {
        return describe();
    }
}
