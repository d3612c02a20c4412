package io.brick.core.event;

/**
 * Receives {@link BrickEvent}s. Called on brick's threads, possibly concurrently; must be quick and must not throw
 * (what it throws is logged and dropped).
 */
@FunctionalInterface
public interface EventListener {
    void onEvent(BrickEvent event);

    /** Drops every event. */
    static EventListener none() {
        return event -> { };
    }
}
