package io.brick.testkit.host;

import io.brick.core.error.CommandFailedException;
import io.brick.core.error.CommandTimeoutException;
import io.brick.core.port.Command;
import io.brick.core.port.CommandResult;
import io.brick.core.port.CommandRunner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * The simulated host's tools: parses the argv, sleeps the command's simulated latency on the host's clock in the
 * calling thread (or its timeout, for one that would take longer: then {@link CommandTimeoutException}, as brick-exec
 * throws), applies its effects and answers as the real tool does; an exit code the command does not accept raises
 * {@link CommandFailedException}. Unknown argv raises {@link UnexpectedCommandError}.
 */
final class SimulatedCommandRunner implements CommandRunner {
    private static final Logger log = LoggerFactory.getLogger(SimulatedCommandRunner.class);

    private final Kernel kernel;
    private final SimulatedClock clock;

    SimulatedCommandRunner(Kernel kernel) {
        this.kernel = kernel;
        this.clock = kernel.clock;
    }

    @Override
    public CommandResult run(Command command) {
        requireNonNull(command, "command is null");
        List<String> argv = command.argv();
        List<String> masked = command.arguments().stream().map(Command.Argument::display).toList();
        String display = command.display();
        Invocation invocation;
        long start;
        synchronized (clock) {
            clock.noteThread();
            clock.runDue();
            start = clock.nanoTime();
            invocation = parse(argv, masked);
        }
        if (invocation.latency().compareTo(command.timeout()) > 0) {
            clock.sleep(command.timeout());
            synchronized (clock) {
                kernel.oracle.command(new CommandLogEntry(since(start), masked, -1, true, elapsedSince(start)));
            }
            log.debug("{} timed out after {} ms (simulated)", display, command.timeout().toMillis());
            throw new CommandTimeoutException(display, command.timeout(), "");
        }
        clock.sleep(invocation.latency());
        Invocation.Output output;
        Duration elapsed;
        synchronized (clock) {
            clock.runDue();
            output = invocation.effect().get();
            elapsed = elapsedSince(start);
            kernel.oracle.command(new CommandLogEntry(since(start), masked, output.exitCode(), false, elapsed));
        }
        log.debug("{} -> {} (simulated, {} ms)", display, output.exitCode(), elapsed.toMillis());
        if (!command.accepts(output.exitCode())) {
            throw new CommandFailedException(display, output.exitCode(), output.stdout(), output.stderr(), false);
        }
        return new CommandResult(display, output.exitCode(), output.stdout(), output.stderr(), elapsed, false);
    }

    private Invocation parse(List<String> argv, List<String> masked) {
        String program = argv.get(0).substring(argv.get(0).lastIndexOf('/') + 1);
        return switch (program) {
            case "iscsiadm" -> new Iscsiadm(kernel, masked).parse(argv);
            case "multipath", "multipathd", "dmsetup", "blockdev" -> new MultipathTools(kernel, masked).parse(argv);
            default -> throw new UnexpectedCommandError(masked, "unknown program " + program);
        };
    }

    private Duration since(long startNanos) {
        return Duration.ofNanos(startNanos - SimulatedClock.START_NANOS);
    }

    private Duration elapsedSince(long startNanos) {
        return Duration.ofNanos(clock.nanoTime() - startNanos);
    }
}
