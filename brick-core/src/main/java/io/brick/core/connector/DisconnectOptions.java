package io.brick.core.connector;

/**
 * How a disconnect treats failures.
 *
 * @param force go on through every failure (a failed flush included: data may be lost) and remove what can be removed
 * @param ignoreErrors with force, do not raise the collected errors at the end (they are logged at WARN)
 */
public record DisconnectOptions(boolean force, boolean ignoreErrors) {
    public static final DisconnectOptions SAFE = new DisconnectOptions(false, false);

    public DisconnectOptions {
        if (ignoreErrors && !force) {
            throw new IllegalArgumentException("ignoreErrors needs force: without force the first failure stops the disconnect");
        }
    }
}
