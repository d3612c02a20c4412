package io.brick.exec;

import io.brick.core.error.CommandTimeoutException;
import io.brick.core.error.OperationInterruptedException;
import io.brick.core.port.Command;
import io.brick.core.port.CommandRunner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * A command past its timeout, or whose caller is interrupted, is ended with its children: real processes, and the
 * acceptance bound "within timeout + grace" checked on the wall clock (hence an integration test).
 */
class ProcessTreeTerminationIT {
    private static final Duration TIMEOUT = Duration.ofMillis(700);
    /** Allowance for a loaded machine on top of the bound under test. */
    private static final Duration SLACK = Duration.ofSeconds(1);

    @TempDir
    Path dir;

    @Test
    void aCommandPastItsTimeoutIsEndedWithItsChildren() throws Exception {
        Path pids = dir.resolve("pids");
        CommandRunner runner = new CommonsExecCommandRunner(ExecConfig.defaults());
        Command command = Command.builder("sh").args("-c",
                "sleep 30 & echo $! >> " + pids + "; sleep 30 & echo $! >> " + pids + "; wait")
                .timeout(TIMEOUT).build();

        long start = System.nanoTime();
        CommandTimeoutException timeout = catchThrowableOfType(CommandTimeoutException.class,
                () -> runner.run(command));
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(timeout).isNotNull();
        assertThat(timeout.timeout()).isEqualTo(TIMEOUT);
        assertThat(timeout.retriable()).isTrue();
        assertThat(took).isLessThan(TIMEOUT.plus(ExecConfig.DEFAULT_KILL_GRACE_PERIOD));
        List<Long> children = readPids(pids);
        assertThat(children).hasSize(2);
        assertThat(children).allSatisfy(pid -> assertThat(running(pid)).as("sleep %d running", pid).isFalse());
    }

    @Test
    void aTreeThatIgnoresTermIsKilledAfterTheGracePeriod() throws Exception {
        Path pids = dir.resolve("pids");
        Duration grace = Duration.ofMillis(500);
        CommandRunner runner = new CommonsExecCommandRunner(ExecConfig.defaults().withKillGracePeriod(grace));
        Command command = Command.builder("sh").args("-c",
                "trap '' TERM; echo $$ >> " + pids + "; sleep 30 & echo $! >> " + pids + "; wait; wait")
                .timeout(TIMEOUT).build();

        long start = System.nanoTime();
        CommandTimeoutException timeout = catchThrowableOfType(CommandTimeoutException.class,
                () -> runner.run(command));
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(timeout).isNotNull();
        // they ignore TERM, so only the KILL after the grace period can have ended them
        assertThat(took).isGreaterThanOrEqualTo(TIMEOUT.plus(grace))
                .isLessThan(TIMEOUT.plus(grace).plus(SLACK));
        List<Long> tree = readPids(pids);
        assertThat(tree).hasSize(2);
        assertThat(tree).allSatisfy(pid -> assertThat(running(pid)).as("process %d running", pid).isFalse());
    }

    @Test
    void anInterruptEndsTheProcessKeepsTheFlagAndRaisesOperationInterrupted() throws Exception {
        CommandRunner runner = new CommonsExecCommandRunner(ExecConfig.defaults());
        AtomicReference<RuntimeException> thrown = new AtomicReference<>();
        AtomicBoolean flagKept = new AtomicBoolean();
        Thread caller = new Thread(() -> {
            try {
                runner.run(Command.builder("sleep").arg("30").timeout(Duration.ofSeconds(60)).build());
            } catch (RuntimeException e) {
                thrown.set(e);
                flagKept.set(Thread.currentThread().isInterrupted());
            }
        }, "interrupted-caller");

        caller.start();
        ProcessHandle sleep = awaitChild("sleep");
        caller.interrupt();
        caller.join(Duration.ofSeconds(10).toMillis());

        assertThat(caller.isAlive()).isFalse();
        assertThat(thrown.get()).isInstanceOf(OperationInterruptedException.class)
                .hasMessage("'sleep 30' was interrupted");
        assertThat(flagKept).isTrue();
        assertThat(running(sleep.pid())).isFalse();
    }

    @Test
    void anInterruptEndsTheChildrenToo() throws Exception {
        Path pids = dir.resolve("pids");
        CommandRunner runner = new CommonsExecCommandRunner(ExecConfig.defaults());
        AtomicReference<RuntimeException> thrown = new AtomicReference<>();
        Thread caller = new Thread(() -> {
            try {
                runner.run(Command.builder("sh").args("-c", "sleep 30 & echo $! >> " + pids + "; wait")
                        .timeout(Duration.ofSeconds(60)).build());
            } catch (RuntimeException e) {
                thrown.set(e);
            }
        }, "interrupted-caller");

        caller.start();
        awaitLines(pids, 1);
        caller.interrupt();
        caller.join(Duration.ofSeconds(10).toMillis());

        assertThat(thrown.get()).isInstanceOf(OperationInterruptedException.class);
        assertThat(readPids(pids)).singleElement().satisfies(pid -> assertThat(running(pid)).isFalse());
    }

    /** Running: present, alive and not a zombie (an orphan's zombie waits for init, which brick does not control). */
    private static boolean running(long pid) {
        Optional<ProcessHandle> handle = ProcessHandle.of(pid);
        if (handle.isEmpty() || !handle.get().isAlive()) {
            return false;
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.ISO_8859_1);
            return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
        } catch (NoSuchFileException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    private static List<Long> readPids(Path file) throws IOException {
        return Files.readAllLines(file).stream().map(String::strip).filter(line -> !line.isEmpty())
                .map(Long::valueOf).collect(Collectors.toList());
    }

    private static ProcessHandle awaitChild(String program) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            Optional<ProcessHandle> child = ProcessHandle.current().children()
                    .filter(handle -> handle.info().command()
                            .map(command -> command.endsWith("/" + program)).orElse(false))
                    .filter(ProcessHandle::isAlive)
                    .findFirst();
            if (child.isPresent()) {
                return child.get();
            }
            Thread.sleep(10);
        }
        throw new AssertionError("no child process " + program + " appeared");
    }

    private static void awaitLines(Path file, int count) throws InterruptedException, IOException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.exists(file) && readPids(file).size() >= count) {
                return;
            }
            Thread.sleep(10);
        }
        throw new AssertionError(file + " did not get " + count + " lines");
    }
}
