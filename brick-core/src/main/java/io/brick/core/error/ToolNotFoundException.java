package io.brick.core.error;

import java.util.List;

/**
 * A command could not be started because its program is in none of the system directories brick runs tools from
 * (brick never looks a program up through the caller's {@code PATH} or the current directory). A
 * {@link CommandFailedException} with exit code {@code -1}, so code that handles a tool that cannot run keeps doing
 * so; its own kind, {@code tool-not-found}, and its message name the program and every directory looked in.
 */
public final class ToolNotFoundException extends CommandFailedException {
    private final String program;
    private final List<String> searched;

    public ToolNotFoundException(String maskedCommand, String program, List<String> searched) {
        super("tool-not-found", maskedCommand, -1, "", explain(program, searched), false);
        this.program = program;
        this.searched = List.copyOf(searched);
    }

    /** The program that was looked for, as the command named it. */
    public String program() {
        return program;
    }

    /** The directories looked in, in order. */
    public List<String> searched() {
        return searched;
    }

    private static String explain(String program, List<String> searched) {
        return "'" + program + "' is not an executable file in " + String.join(", ", searched)
                + " (brick runs tools from these directories only, never through PATH); install it there";
    }
}
