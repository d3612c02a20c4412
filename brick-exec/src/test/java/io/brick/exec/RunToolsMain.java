package io.brick.exec;

import io.brick.core.error.BrickException;
import io.brick.core.error.CommandFailedException;
import io.brick.core.port.Command;
import io.brick.core.port.CommandResult;

/**
 * Run in a second JVM by {@link PathIsNeverSearchedTest}, with a {@code PATH} that starts with a directory of planted
 * programs: runs each program named in the arguments with the production runner and prints one line per program,
 * {@code NAME exit CODE} or {@code NAME KIND} (the error's kind).
 */
public final class RunToolsMain {
    private RunToolsMain() {
    }

    public static void main(String[] args) {
        CommonsExecCommandRunner runner = new CommonsExecCommandRunner(ExecConfig.defaults());
        for (String program : args) {
            try {
                CommandResult result = runner.run(Command.builder(program).arg("--version").acceptExitCodes(0, 1, 2, 22)
                        .build());
                System.out.println(program + " exit " + result.exitCode());
            } catch (CommandFailedException e) {
                System.out.println(program + " " + e.kind() + " " + e.exitCode());
            } catch (BrickException e) {
                System.out.println(program + " " + e.kind());
            }
        }
        System.out.flush();
    }
}
