package io.brick.exec.good3;

import org.apache.commons.exec.CommandLine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Good for rules 2, 3 and 7: brick-exec starts processes, may sleep, and may read /proc about its children. */
final class Runner {
    private Runner() {
    }

    static boolean zombie(long pid) throws IOException {
        return Files.readString(Path.of("/proc", Long.toString(pid), "stat")).contains(") Z ");
    }

    static Process start() throws IOException, InterruptedException {
        Thread.sleep(1);
        return new ProcessBuilder(CommandLine.parse("true").getExecutable()).start();
    }
}
