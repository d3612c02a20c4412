package io.brick.cli;

import picocli.CommandLine;

import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

import static java.util.Objects.requireNonNull;

/**
 * The {@code brick} command: attach, detach, inspect and diagnose block-storage volumes from a shell (docs/cli.md).
 * Exit codes: 0 done, 1 the operation failed, 2 bad usage or invalid input (nothing was done).
 */
public final class BrickCli {
    /** Exit code: done. */
    public static final int DONE = 0;
    /** Exit code: the operation failed (a typed error was printed). */
    public static final int FAILED = 1;
    /** Exit code: bad usage or invalid input; nothing was done. */
    public static final int BAD_INPUT = 2;

    private BrickCli() {
    }

    /** Runs the command line and exits with its code. */
    public static void main(String[] args) {
        quickGuice();
        System.exit(run(args, System.out, System.err, System.in, RuntimeFactory.real()));
    }

    /**
     * Guice settings for a process that builds one injector and exits, set before Guice is loaded (unless the JVM
     * was given them): no stack trace captured for the source of every binding (errors then name the module rather
     * than the line), and no bytecode generated for fast constructor calls (reflection is cheaper for one call).
     */
    private static void quickGuice() {
        setUnlessGiven("guice_include_stack_traces", "OFF");
        setUnlessGiven("guice_bytecode_gen_option", "DISABLED");
    }

    private static void setUnlessGiven(String property, String value) {
        if (System.getProperty(property) == null) {
            System.setProperty(property, value);
        }
    }

    /** Runs one command line against the runtime {@code factory} builds; returns the exit code. */
    static int run(String[] args, PrintStream out, PrintStream err, InputStream in, RuntimeFactory factory) {
        requireNonNull(args, "args is null");
        CliContext context = new CliContext(out, err, in, factory, System.console() != null);
        CommandLine line = commandLine(context);
        return line.execute(args);
    }

    /** The picocli command tree, wired to {@code context}. */
    static CommandLine commandLine(CliContext context) {
        RootCommand root = new RootCommand(context);
        CommandLine line = new CommandLine(root);
        line.addSubcommand("connect", new ConnectCommand(context));
        line.addSubcommand("disconnect", new DisconnectCommand(context));
        line.addSubcommand("extend", new ExtendCommand(context));
        line.addSubcommand("paths", new PathsCommand(context));
        line.addSubcommand("topology", new TopologyCommand(context));
        line.addSubcommand("doctor", new DoctorCommand(context));
        line.addSubcommand("connector-properties", new ConnectorPropertiesCommand(context));
        line.addSubcommand("snapshot", new SnapshotCommand(context));
        line.addSubcommand("demo", new DemoCommand(context));
        line.setOut(new PrintWriter(context.out(), true, StandardCharsets.UTF_8));
        line.setErr(new PrintWriter(context.err(), true, StandardCharsets.UTF_8));
        line.setExecutionExceptionHandler((problem, failed, parsed) -> {
            context.err().println("brick: internal error: " + problem);
            return FAILED;
        });
        line.setParameterExceptionHandler((problem, arguments) -> {
            CommandLine failed = problem.getCommandLine();
            context.err().println("brick: " + problem.getMessage().replace('\n', ' ')
                    + " (see '" + failed.getCommandSpec().qualifiedName() + " --help')");
            return BAD_INPUT;
        });
        return line;
    }
}
