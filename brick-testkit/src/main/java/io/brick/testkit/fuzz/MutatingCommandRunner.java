package io.brick.testkit.fuzz;

import io.brick.core.port.Command;
import io.brick.core.port.CommandResult;
import io.brick.core.port.CommandRunner;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import static java.util.Objects.requireNonNull;

/**
 * A {@link CommandRunner} that runs each command on a delegate (the simulated host's runner) and, with a given
 * probability, hands back a mutated standard output and standard error ({@link Mutator#mutate}: truncated, lines
 * reordered or dropped, unknown lines, garbage): the tools' outputs fuzzed while the host itself behaves. Exit codes
 * are left alone, so what the tool did and what it said it did still agree; only what it printed is damaged.
 */
public final class MutatingCommandRunner implements CommandRunner {
    private final CommandRunner delegate;
    private final Mutator mutator;
    private final double probability;
    private final Predicate<Command> which;
    private final AtomicInteger mutated = new AtomicInteger();

    /**
     * @param delegate runs the commands
     * @param mutator chooses the mutations
     * @param probability the chance that one command's output is mutated
     * @param which the commands whose output may be mutated
     */
    public MutatingCommandRunner(CommandRunner delegate, Mutator mutator, double probability, Predicate<Command> which) {
        this.delegate = requireNonNull(delegate, "delegate is null");
        this.mutator = requireNonNull(mutator, "mutator is null");
        this.which = requireNonNull(which, "which is null");
        if (probability < 0 || probability > 1) {
            throw new IllegalArgumentException("probability must be in [0, 1]: " + probability);
        }
        this.probability = probability;
    }

    @Override
    public CommandResult run(Command command) {
        CommandResult result = delegate.run(command);
        synchronized (mutator) {
            if (!which.test(command) || !mutator.chance(probability)) {
                return result;
            }
            mutated.incrementAndGet();
            String stdout = mutator.mutate(result.stdout());
            String stderr = mutator.chance(0.3) ? mutator.mutate(result.stderr()) : result.stderr();
            return new CommandResult(result.command(), result.exitCode(), stdout, stderr, result.elapsed(),
                    result.truncated());
        }
    }

    /** How many outputs were mutated so far. */
    public int mutated() {
        return mutated.get();
    }
}
