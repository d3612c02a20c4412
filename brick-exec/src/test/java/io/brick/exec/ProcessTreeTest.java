package io.brick.exec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** How the process tree tells a running process from an ended one (a zombie counts as ended). */
class ProcessTreeTest {
    private final ProcessHandle self = ProcessHandle.current();

    private ProcessTree treeWithStat(Path proc, String stat) throws IOException {
        Files.createDirectories(proc.resolve("self"));
        Files.writeString(proc.resolve("self").resolve("stat"), "1 (java) S 0");
        Path dir = Files.createDirectories(proc.resolve(Long.toString(self.pid())));
        Files.writeString(dir.resolve("stat"), stat);
        return new ProcessTree(proc);
    }

    @Test
    void aSleepingProcessIsRunning(@TempDir Path proc) throws IOException {
        assertThat(treeWithStat(proc, self.pid() + " (java) S 1 2 3").isRunning(self)).isTrue();
    }

    @Test
    void aZombieHasEnded(@TempDir Path proc) throws IOException {
        assertThat(treeWithStat(proc, self.pid() + " (sleep) Z 1 2 3").isRunning(self)).isFalse();
    }

    @Test
    void theStateIsReadAfterTheLastParenthesisOfTheName(@TempDir Path proc) throws IOException {
        assertThat(treeWithStat(proc, self.pid() + " (a) Z (b) R 1 2 3").isRunning(self)).isTrue();
        assertThat(treeWithStat(proc, self.pid() + " (a) R (b) Z 1 2 3").isRunning(self)).isFalse();
    }

    @Test
    void aProcessWithoutAProcEntryHasEnded(@TempDir Path proc) throws IOException {
        Files.createDirectories(proc.resolve("self"));
        Files.writeString(proc.resolve("self").resolve("stat"), "1 (java) S 0");

        assertThat(new ProcessTree(proc).isRunning(self)).isFalse();
    }

    @Test
    void withoutProcAliveMeansRunning(@TempDir Path empty) {
        assertThat(new ProcessTree(empty).isRunning(self)).isTrue();
    }

    @Test
    void theRealProcShowsThisJvmRunning() {
        assertThat(new ProcessTree().isRunning(self)).isTrue();
    }
}
