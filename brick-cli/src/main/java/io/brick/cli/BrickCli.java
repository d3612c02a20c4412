package io.brick.cli;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;

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

    /** The commands, in the order of the usage. */
    private static final List<String> COMMANDS = List.of("connect", "disconnect", "extend", "paths", "topology",
            "doctor", "connector-properties", "snapshot", "demo");

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
        CommandLine line = commandLine(context, args);
        return line.execute(args);
    }

    /** The picocli command tree with every command, wired to {@code context}. */
    static CommandLine commandLine(CliContext context) {
        return configure(new CommandLine(new RootCommand(context)), context, COMMANDS);
    }

    /**
     * The command tree for {@code args}, with only the commands they need (picocli reflects over every command it
     * is given, a good part of a short run's start-up): see {@link #commandsFor}.
     */
    static CommandLine commandLine(CliContext context, String[] args) {
        CommandLine line = new CommandLine(new RootCommand(context));
        return configure(line, context, commandsFor(line.getCommandSpec(), args));
    }

    /**
     * The commands to build for {@code args}, read as picocli reads them: options of {@code root} (with their values)
     * up to the first other argument. That argument names a command: that command only. There is none: no command
     * ({@code --version}, or no command given), except for {@code --help}, whose usage lists them all. Anything this
     * reading could take differently from picocli ({@code --}, an {@code @file}, an unknown option, an argument that
     * names no command): every command, as before.
     */
    static List<String> commandsFor(CommandSpec root, String[] args) {
        boolean help = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--") || arg.startsWith("@")) {
                return COMMANDS;
            }
            if (!arg.startsWith("-") || arg.equals("-")) {
                return COMMANDS.contains(arg) ? List.of(arg) : COMMANDS;
            }
            int equals = arg.indexOf('=');
            OptionSpec option = root.findOption(equals < 0 ? arg : arg.substring(0, equals));
            if (option == null) {
                return COMMANDS;
            }
            help |= option.usageHelp();
            if (equals < 0 && option.arity().max() > 0) {
                i++;
            }
        }
        return help ? COMMANDS : List.of();
    }

    private static CommandLine configure(CommandLine line, CliContext context, List<String> commands) {
        for (String name : commands) {
            line.addSubcommand(name, command(name, context));
        }
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

    private static BaseCommand command(String name, CliContext context) {
        return switch (name) {
            case "connect" -> new ConnectCommand(context);
            case "disconnect" -> new DisconnectCommand(context);
            case "extend" -> new ExtendCommand(context);
            case "paths" -> new PathsCommand(context);
            case "topology" -> new TopologyCommand(context);
            case "doctor" -> new DoctorCommand(context);
            case "connector-properties" -> new ConnectorPropertiesCommand(context);
            case "snapshot" -> new SnapshotCommand(context);
            case "demo" -> new DemoCommand(context);
            default -> throw new IllegalArgumentException("no command " + name);
        };
    }
}
