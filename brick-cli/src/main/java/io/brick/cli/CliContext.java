package io.brick.cli;

import java.io.InputStream;
import java.io.PrintStream;

import static java.util.Objects.requireNonNull;

/**
 * Where a command line reads and writes, and how it gets its runtime.
 *
 * @param terminal whether stderr is a terminal (progress lines are then printed)
 */
record CliContext(PrintStream out, PrintStream err, InputStream in, RuntimeFactory factory, boolean terminal) {
    CliContext {
        requireNonNull(out, "out is null");
        requireNonNull(err, "err is null");
        requireNonNull(in, "in is null");
        requireNonNull(factory, "factory is null");
    }
}
