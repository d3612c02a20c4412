package io.brick.exec;

import io.brick.core.error.CommandFailedException;
import io.brick.core.error.CommandTimeoutException;
import io.brick.core.error.OperationInterruptedException;
import io.brick.core.error.ToolNotFoundException;
import io.brick.core.port.Command;
import io.brick.core.port.CommandResult;
import io.brick.core.port.CommandRunner;
import jakarta.inject.Inject;
import org.apache.commons.exec.PumpStreamHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static java.util.Objects.requireNonNull;

/**
 * The production {@link CommandRunner}, over Apache commons-exec.
 *
 * <p>The program is found by {@link ToolLocator}: a bare name only in the system directories ({@code /usr/sbin},
 * {@code /usr/bin}, {@code /sbin}, {@code /bin}), never through the caller's {@code PATH} or the current directory;
 * one found in none of them is a {@link ToolNotFoundException} naming where it was looked for, and nothing runs.
 * Each argument is handed to the process as it is (argv, never a shell, nothing re-quoted, split or trimmed: see
 * {@link ArgvExecutor}), in {@code /} as its working directory. The environment is the JVM's without the dynamic
 * loader's variables ({@code LD_*}), with {@code PATH} set to those same directories (for what a tool runs in turn,
 * and for {@code nsenter}/{@code chroot} prefixes), plus {@link ExecConfig#extraEnvironment()}, with
 * {@code LC_ALL=C} and {@code LANG=C}; stdin,
 * if any, is written and then closed (and never logged); stdout and stderr are read to the end but only the first
 * {@link ExecConfig#captureLimitBytes()} bytes of each are kept. Past its timeout, or when the calling thread is
 * interrupted, the process and its descendants get TERM, then KILL after {@link ExecConfig#killGracePeriod()}.
 * Secret arguments' values are replaced by {@code ***} in every log line and exception, output included.
 */
final class CommonsExecCommandRunner implements CommandRunner {
    private static final Logger log = LoggerFactory.getLogger(CommonsExecCommandRunner.class);

    /** How long output may still be read once the process has exited (a background child may hold the pipes). */
    private static final Duration OUTPUT_DRAIN = Duration.ofSeconds(2);
    /** How long to wait for the last output once a process tree has been ended. */
    private static final Duration OUTPUT_AFTER_END = Duration.ofMillis(500);
    private static final int LOGGED_STDERR_LINES = 3;
    private static final int LOGGED_OUTPUT_CHARS = 4096;

    private final ExecConfig config;
    private final Map<String, String> environment;
    private final ProcessTree processTree;

    private final ToolLocator tools;

    @Inject
    CommonsExecCommandRunner(ExecConfig config) {
        this.config = requireNonNull(config, "config is null");
        this.tools = new ToolLocator(ToolLocator.SYSTEM_DIRECTORIES);
        this.environment = environment(System.getenv(), config.extraEnvironment(), tools.directories());
        this.processTree = new ProcessTree();
    }

    @Override
    public CommandResult run(Command command) {
        requireNonNull(command, "command is null");
        return new Execution(command).run();
    }

    /**
     * The environment every command gets: the JVM's without the dynamic loader's variables, {@code PATH} set to the
     * tool directories, the extra variables, and the C locale.
     */
    static Map<String, String> environment(Map<String, String> inherited, Map<String, String> extra,
                                           List<String> toolDirectories) {
        Map<String, String> environment = new HashMap<>(inherited);
        // LD_PRELOAD and friends would load a library of the caller's choice into every tool brick runs as root
        environment.keySet().removeIf(name -> name.startsWith("LD_"));
        environment.put("PATH", String.join(":", toolDirectories));
        environment.putAll(extra);
        environment.put("LC_ALL", "C");
        environment.put("LANG", "C");
        return Map.copyOf(environment);
    }

    /** One run of one command. */
    private final class Execution {
        private final Command command;
        private final SecretScrubber scrubber;
        private final String display;
        private final BoundedSink stdout = new BoundedSink(config.captureLimitBytes());
        private final BoundedSink stderr = new BoundedSink(config.captureLimitBytes());
        private final Launch launch = new Launch();
        private long startedNanos;

        Execution(Command command) {
            this.command = command;
            this.scrubber = SecretScrubber.of(command);
            this.display = scrubber.scrub(command.display());
        }

        CommandResult run() {
            log.debug("running {}", display);
            startedNanos = System.nanoTime();
            long deadlineNanos = startedNanos + command.timeout().toNanos();
            start();
            try {
                Optional<Process> process = launch.awaitStart(Duration.ofNanos(deadlineNanos - System.nanoTime()));
                if (process.isEmpty()
                        || !process.get().waitFor(deadlineNanos - System.nanoTime(), TimeUnit.NANOSECONDS)) {
                    throw timedOut();
                }
                int exitCode = process.get().exitValue();
                Duration elapsed = elapsed();
                if (!launch.awaitEnd(OUTPUT_DRAIN)) {
                    log.warn("{} exited with {} but its output is still held open (by a background process?); "
                            + "continuing with what was read in {} ms", display, exitCode, OUTPUT_DRAIN.toMillis());
                }
                return finish(exitCode, elapsed);
            } catch (Launch.StartFailure e) {
                throw cannotStart(e.reason());
            } catch (InterruptedException e) {
                throw interrupted(e);
            }
        }

        private void start() {
            String program = command.argv().get(0);
            String path = tools.locate(program).orElseThrow(() -> {
                log.debug("{} could not be started: {} is in none of {}", display, program, tools.directories());
                return new ToolNotFoundException(display, scrubber.scrub(program), tools.directories());
            });
            List<String> argv = new ArrayList<>(command.argv());
            argv.set(0, path);
            InputStream stdin = command.stdin()
                    .map(text -> (InputStream) new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)))
                    .orElse(null);
            PumpStreamHandler streams = new PumpStreamHandler(stdout, stderr, stdin);
            streams.setStopTimeout(OUTPUT_DRAIN);
            ArgvExecutor executor = new ArgvExecutor(argv, environment);
            executor.setStreamHandler(streams);
            executor.setExitValues(null);
            executor.setProcessDestroyer(launch);
            try {
                executor.execute(executor.bookkeepingCommandLine(), environment, launch);
            } catch (IOException e) {
                throw cannotStart(String.valueOf(e.getMessage()));
            }
        }

        private CommandResult finish(int exitCode, Duration elapsed) {
            String out = stdout.text();
            String err = stderr.text();
            boolean truncated = stdout.truncated() || stderr.truncated();
            if (log.isDebugEnabled()) {
                log.debug("{} exited with {} after {} ms{}", display, exitCode, elapsed.toMillis(), stderrSummary(err));
                if (truncated) {
                    log.debug("output of {} cut at {} bytes per stream (stdout {} bytes, stderr {} bytes)",
                            display, config.captureLimitBytes(), stdout.totalBytes(), stderr.totalBytes());
                }
            }
            // stdin may hold secrets and a tool may echo it: output of a command with stdin is not logged
            if (log.isTraceEnabled() && command.stdin().isEmpty()) {
                log.trace("stdout of {}: {}", display, abbreviate(scrubber.scrub(out, stdout.truncated())));
            }
            if (!command.accepts(exitCode)) {
                throw new CommandFailedException(display, exitCode, scrubber.scrub(out, stdout.truncated()),
                        scrubber.scrub(err, stderr.truncated()), false);
            }
            return new CommandResult(display, exitCode, out, err, elapsed, truncated);
        }

        private CommandFailedException cannotStart(String reason) {
            String why = scrubber.scrub(reason);
            log.debug("{} could not be started: {}", display, why);
            return new CommandFailedException(display, -1, "", why, false);
        }

        private RuntimeException timedOut() {
            ProcessTree.Termination ended = endProcessTree();
            String err = stderr.text();
            log.debug("{} timed out after {} ms and was ended ({} processes, {} of them with KILL){}",
                    display, elapsed().toMillis(), ended.signalled(), ended.killed(), stderrSummary(err));
            if (ended.killed() > 0) {
                log.warn("{} ran past its timeout of {} ms and ignored TERM for {} ms: KILLed {} processes",
                        display, command.timeout().toMillis(), config.killGracePeriod().toMillis(), ended.killed());
            }
            if (ended.interrupted()) {
                Thread.currentThread().interrupt();
                return new OperationInterruptedException("'" + display + "'",
                        new InterruptedException("interrupted while ending a command past its timeout"));
            }
            return new CommandTimeoutException(display, command.timeout(), scrubber.scrub(err, stderr.truncated()));
        }

        private OperationInterruptedException interrupted(InterruptedException cause) {
            ProcessTree.Termination ended = endProcessTree();
            Thread.currentThread().interrupt();
            log.debug("{} was interrupted after {} ms and was ended ({} processes, {} of them with KILL)",
                    display, elapsed().toMillis(), ended.signalled(), ended.killed());
            return new OperationInterruptedException("'" + display + "'", cause);
        }

        /**
         * TERM, grace, KILL for the process and its descendants, then a short wait for the last output. Called with
         * the interrupt flag clear; an interrupt meanwhile cuts the waits short and is reported in the result.
         */
        private ProcessTree.Termination endProcessTree() {
            boolean interrupted = false;
            Optional<Process> process = launch.process();
            if (process.isEmpty()) {
                // not started yet: give the start the grace period, then end what was started
                try {
                    process = launch.awaitStart(config.killGracePeriod());
                } catch (InterruptedException e) {
                    interrupted = true;
                    process = launch.process();
                } catch (Launch.StartFailure e) {
                    return new ProcessTree.Termination(0, 0, false);
                }
            }
            if (process.isEmpty()) {
                return new ProcessTree.Termination(0, 0, interrupted);
            }
            ProcessTree.Termination ended = processTree.terminate(process.get().toHandle(),
                    interrupted ? Duration.ZERO : config.killGracePeriod());
            interrupted |= ended.interrupted();
            if (!interrupted) {
                try {
                    launch.awaitEnd(OUTPUT_AFTER_END);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            return new ProcessTree.Termination(ended.signalled(), ended.killed(), interrupted);
        }

        private Duration elapsed() {
            return Duration.ofNanos(System.nanoTime() - startedNanos);
        }

        private String stderrSummary(String err) {
            String lines = scrubber.scrub(err, stderr.truncated()).strip().lines()
                    .filter(line -> !line.isBlank())
                    .limit(LOGGED_STDERR_LINES)
                    .collect(Collectors.joining(" | "));
            return lines.isEmpty() ? "" : "; stderr: " + abbreviate(lines);
        }
    }

    private static String abbreviate(String text) {
        return text.length() <= LOGGED_OUTPUT_CHARS
                ? text
                : text.substring(0, LOGGED_OUTPUT_CHARS) + "... (" + text.length() + " characters)";
    }
}
