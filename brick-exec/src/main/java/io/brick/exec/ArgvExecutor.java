package io.brick.exec;

import org.apache.commons.exec.CommandLine;
import org.apache.commons.exec.DefaultExecutor;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A commons-exec executor that starts exactly the given argv with exactly the given environment.
 *
 * <p>commons-exec's own {@link CommandLine} trims every argument (and can substitute {@code ${...}} and rewrite
 * backslashes in the program), which would silently change e.g. a password with a trailing space. So the launch is
 * done here, with {@link ProcessBuilder} and the argv as the caller gave it; the {@code CommandLine} handed to
 * {@code execute} is only commons-exec's bookkeeping. Everything else (stream pumping, the process destroyer,
 * result handling) is commons-exec's.
 */
final class ArgvExecutor extends DefaultExecutor {
    private final List<String> argv;
    private final Map<String, String> environment;

    @SuppressWarnings("deprecation") // the builder cannot make a subclass; this constructor is the supported way
    ArgvExecutor(List<String> argv, Map<String, String> environment) {
        this.argv = List.copyOf(argv);
        this.environment = Map.copyOf(environment);
    }

    /** The command line to hand to {@code execute}: the program only, for commons-exec's messages. */
    CommandLine bookkeepingCommandLine() {
        return new CommandLine(argv.get(0).isBlank() ? "?" : argv.get(0));
    }

    @Override
    protected Process launch(CommandLine command, Map<String, String> env, File workingDirectory) throws IOException {
        return start();
    }

    @Override
    protected Process launch(CommandLine command, Map<String, String> env, Path workingDirectory) throws IOException {
        return start();
    }

    private Process start() throws IOException {
        ProcessBuilder builder = new ProcessBuilder(argv);
        // not the caller's directory, which another user may own: nothing a tool reads by a relative name comes from it
        builder.directory(new File("/"));
        builder.environment().clear();
        builder.environment().putAll(environment);
        return builder.start();
    }
}
