package io.brick.exec.good3;

import org.apache.commons.exec.CommandLine;

import java.io.IOException;

/** Good for rules 3 and 7: brick-exec starts processes and may sleep. */
final class Runner {
    private Runner() {
    }

    static Process start() throws IOException, InterruptedException {
        Thread.sleep(1);
        return new ProcessBuilder(CommandLine.parse("true").getExecutable()).start();
    }
}
