package io.brick.core.error;

import java.time.Duration;
import java.util.Map;

/** A command ran past its timeout and was ended, with its children. Retriable: the host may answer later. */
public final class CommandTimeoutException extends BrickException {
    private final String command;
    private final Duration timeout;

    public CommandTimeoutException(String maskedCommand, Duration timeout, String stderr) {
        super("command-timeout", "'" + maskedCommand + "' did not finish within " + timeout.toMillis() + " ms and was ended",
                true, Map.of("command", maskedCommand, "timeoutMillis", Long.toString(timeout.toMillis()),
                        "stderr", stderr == null ? "" : stderr.strip()));
        this.command = maskedCommand;
        this.timeout = timeout;
    }

    public String command() {
        return command;
    }

    public Duration timeout() {
        return timeout;
    }
}
