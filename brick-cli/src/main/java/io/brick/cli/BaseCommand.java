package io.brick.cli;

import ch.qos.logback.classic.Level;
import io.brick.core.bootstrap.Brick;
import io.brick.core.error.BrickException;
import io.brick.core.error.InvalidInputException;
import io.brick.core.error.UnsupportedProtocolException;
import io.brick.core.json.Json;
import io.brick.core.model.ConnectionProperties;
import io.brick.core.model.Protocol;
import io.brick.core.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

import static java.util.Objects.requireNonNull;

/**
 * What every brick command shares: the global options, reading inputs, printing results (text or JSON) and turning
 * failures into exit codes (1: a typed error; 2: bad usage or invalid input, with a one-line reason on stderr).
 */
abstract class BaseCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(BaseCommand.class);

    @ParentCommand
    RootCommand root;

    final CliContext context;

    BaseCommand(CliContext context) {
        this.context = requireNonNull(context, "context is null");
    }

    /** The command's work; returns the exit code. */
    abstract int execute();

    @Override
    public final Integer call() {
        if (root.verbose) {
            verboseLogging();
        }
        try {
            return execute();
        } catch (UsageProblem e) {
            return badInput("usage", e.getMessage(), Map.of());
        } catch (InvalidInputException | UnsupportedProtocolException e) {
            return badInput(e.kind(), e.getMessage(), e.evidence());
        } catch (BrickException e) {
            return failed(e.kind(), e.getMessage(), e.evidence(), e.retriable());
        } catch (UncheckedIOException e) {
            return failed("io", e.getCause().toString(), Map.of(), false);
        } catch (IllegalStateException e) {
            log.debug("the command failed", e);
            return failed("internal", e.getMessage(), Map.of(), false);
        }
    }

    boolean json() {
        return root.json;
    }

    /** A progress listener: prints lines on stderr when it is a terminal or with --verbose. */
    Progress progress() {
        return new Progress(context.err(), context.terminal() || root.verbose, "");
    }

    /** The runtime for this command line's global options. */
    Brick runtime(Progress progress) {
        Brick brick = context.factory().create(root.runtimeOptions(), progress);
        progress.start(brick.port(Clock.class).instant());
        return brick;
    }

    /** The text of {@code file} ({@code -}: standard input); unreadable: bad input. */
    String readInput(String file, String option) {
        if (file.equals("-")) {
            try {
                return new String(context.in().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UsageProblem("cannot read " + option + " from standard input: " + e.getMessage());
            }
        }
        Path path = Path.of(file);
        try {
            return Files.readString(path, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new UsageProblem("cannot read " + option + " " + file + ": no such file");
        } catch (IOException e) {
            throw new UsageProblem("cannot read " + option + " " + file + ": "
                    + (Files.isDirectory(path) ? "it is a directory" : e.getClass().getSimpleName() + " " + e.getMessage()));
        }
    }

    /** os-brick connection properties from {@code file}; invalid: bad input. */
    ConnectionProperties properties(String file) {
        return ConnectionProperties.parseJson(readInput(file, "--properties"));
    }

    static Protocol protocol(String name) {
        return Protocol.of(name);
    }

    /** Prints {@code document} as indented JSON on stdout (brick-core's writer: no JSON library to load). */
    void printJson(Map<String, ?> document) {
        String text;
        try {
            text = Json.writePretty(document);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("cannot write the result as JSON: " + e.getMessage(), e);
        }
        context.out().println(text);
        context.out().flush();
    }

    static long millis(Clock clock, long startNanos) {
        return (clock.nanoTime() - startNanos) / 1_000_000L;
    }

    private int badInput(String kind, String message, Map<String, String> evidence) {
        context.err().println("brick: " + oneLine(message));
        if (json()) {
            printJson(Map.of("error", error(kind, message, evidence, false)));
        }
        return BrickCli.BAD_INPUT;
    }

    private int failed(String kind, String message, Map<String, String> evidence, boolean retriable) {
        if (json()) {
            printJson(Map.of("error", error(kind, message, evidence, retriable)));
        } else {
            context.err().println("brick: " + kind + ": " + oneLine(message) + (retriable ? " (retriable)" : ""));
            evidence.forEach((key, value) -> context.err().println("  " + key + ": " + oneLine(value)));
        }
        return BrickCli.FAILED;
    }

    private static Map<String, Object> error(String kind, String message, Map<String, String> evidence, boolean retriable) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("kind", kind);
        error.put("message", message);
        error.put("evidence", new LinkedHashMap<>(evidence));
        error.put("retriable", retriable);
        return error;
    }

    private static String oneLine(String text) {
        return text == null ? "" : text.replace('\n', ' ').strip();
    }

    private static void verboseLogging() {
        Logger brick = LoggerFactory.getLogger("io.brick");
        if (brick instanceof ch.qos.logback.classic.Logger logback) {
            logback.setLevel(Level.DEBUG);
        }
    }
}
