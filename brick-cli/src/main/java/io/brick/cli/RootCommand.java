package io.brick.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;

import static java.util.Objects.requireNonNull;

/** {@code brick}: the global options; with no command, the usage and exit code 2. */
@Command(name = "brick", mixinStandardHelpOptions = true, version = "brick 0.1.0-SNAPSHOT",
        description = "Attach, detach, inspect and diagnose iSCSI / Fibre Channel / dm-multipath volumes.",
        footer = {"", "Exit codes: 0 done, 1 the operation failed, 2 bad usage or invalid input (nothing was done).",
                "Documentation: docs/cli.md"})
final class RootCommand implements Callable<Integer> {
    private final CliContext context;

    @Spec
    CommandSpec spec;

    @Option(names = "--root", paramLabel = "DIR", scope = ScopeType.INHERIT,
            description = "Host root holding sys/, dev/ and etc/ (default /): a snapshot, or /host in a container.")
    Path root;

    @Option(names = "--json", scope = ScopeType.INHERIT, description = "Print the result as one JSON document.")
    boolean json;

    @Option(names = {"-v", "--verbose"}, scope = ScopeType.INHERIT,
            description = "Log io.brick at DEBUG on stderr and print progress lines even when stderr is not a terminal.")
    boolean verbose;

    @Option(names = "--lock-dir", paramLabel = "DIR", scope = ScopeType.INHERIT,
            description = "Directory of the inter-process lock files (default /run/brick/locks).")
    Path lockDir;

    @Option(names = "--timeout", paramLabel = "SECONDS", scope = ScopeType.INHERIT,
            description = "Time budget of a connect, disconnect or extend, in seconds (default: the connector's, 120).")
    Long timeoutSeconds;

    RootCommand(CliContext context) {
        this.context = requireNonNull(context, "context is null");
    }

    @Override
    public Integer call() {
        context.err().println("brick: a command is needed (see 'brick --help')");
        return BrickCli.BAD_INPUT;
    }

    RuntimeOptions runtimeOptions() {
        if (timeoutSeconds != null && timeoutSeconds <= 0) {
            throw new UsageProblem("--timeout must be a positive number of seconds, not " + timeoutSeconds);
        }
        return new RuntimeOptions(Optional.ofNullable(root), Optional.ofNullable(lockDir),
                Optional.ofNullable(timeoutSeconds).map(Duration::ofSeconds));
    }
}
