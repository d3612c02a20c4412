package io.brick.testkit.host;

import java.util.List;

/**
 * The simulated host was asked to run a command it does not know (a program, an option or an option combination
 * brick should not send): the test fails loudly, with the argv (secrets masked).
 */
public final class UnexpectedCommandError extends AssertionError {
    private static final long serialVersionUID = 1L;

    private final List<String> argv;

    UnexpectedCommandError(List<String> maskedArgv, String why) {
        super("the simulated host does not know this command: " + String.join(" ", maskedArgv) + " (" + why + ")");
        this.argv = List.copyOf(maskedArgv);
    }

    /** The argv, secrets masked. */
    public List<String> argv() {
        return argv;
    }
}
