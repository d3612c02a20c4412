package io.brick.core.error;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A command exited with a code the caller did not accept, or could not be started. Carries the command line with
 * secrets masked, the exit code and the tail of its stderr.
 */
public class CommandFailedException extends BrickException {
    private final String command;
    private final int exitCode;
    private final String stdout;
    private final String stderr;

    public CommandFailedException(String maskedCommand, int exitCode, String stdout, String stderr, boolean retriable) {
        this("command-failed", maskedCommand, exitCode, stdout, stderr, retriable);
    }

    /** For a kind of failure more precise than {@code command-failed}, such as {@link ToolNotFoundException}. */
    protected CommandFailedException(String kind, String maskedCommand, int exitCode, String stdout, String stderr,
                                     boolean retriable) {
        super(kind, describe(maskedCommand, exitCode, stderr), retriable, evidence(maskedCommand, exitCode, stderr));
        this.command = maskedCommand;
        this.exitCode = exitCode;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    /** The command line as it may be shown: secrets replaced by {@code ***}. */
    public String command() {
        return command;
    }

    /** The exit code, or {@code -1} when the process could not be started. */
    public int exitCode() {
        return exitCode;
    }

    public String stdout() {
        return stdout;
    }

    public String stderr() {
        return stderr;
    }

    private static String describe(String command, int exitCode, String stderr) {
        String firstLine = stderr == null ? "" : stderr.strip().lines().findFirst().orElse("");
        String code = exitCode < 0 ? "could not be started" : "exited with " + exitCode;
        return "'" + command + "' " + code + (firstLine.isEmpty() ? "" : ": " + firstLine);
    }

    private static Map<String, String> evidence(String command, int exitCode, String stderr) {
        Map<String, String> evidence = new LinkedHashMap<>();
        evidence.put("command", command);
        evidence.put("exitCode", Integer.toString(exitCode));
        evidence.put("stderr", stderr == null ? "" : stderr.strip());
        return evidence;
    }
}
