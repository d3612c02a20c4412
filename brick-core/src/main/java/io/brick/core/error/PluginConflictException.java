package io.brick.core.error;

import java.util.Map;

/** Two plugins claim the same protocol (or port); raised at start-up, naming both. */
public final class PluginConflictException extends BrickException {
    public PluginConflictException(String what, String firstPlugin, String secondPlugin) {
        super("plugin-conflict", what + " is provided by two plugins: " + firstPlugin + " and " + secondPlugin,
                false, Map.of("claimed", what, "first", firstPlugin, "second", secondPlugin));
    }
}
