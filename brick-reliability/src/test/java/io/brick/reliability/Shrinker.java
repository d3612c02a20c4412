package io.brick.reliability;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import static java.util.Objects.requireNonNull;

/**
 * Delta debugging (Zeller's ddmin) over a failing sequence's steps: drops chunks of steps, then single steps, while
 * the sequence still breaks the same invariant, down to a sequence where dropping any one step makes it pass.
 */
final class Shrinker {
    private final Function<Scenario, SequenceResult> runner;
    private int runs;

    Shrinker(Function<Scenario, SequenceResult> runner) {
        this.runner = requireNonNull(runner, "runner is null");
    }

    /** How many sequences the shrinking ran. */
    int runs() {
        return runs;
    }

    /** The smallest sub-sequence found that still breaks {@code invariant}, with its result. */
    SequenceResult shrink(SequenceResult failing) {
        if (!failing.failed()) {
            throw new IllegalArgumentException("only a failing sequence is shrunk: seed " + failing.scenario().seed());
        }
        Violation.Invariant invariant = failing.firstInvariant();
        SequenceResult best = failing;
        List<Step> steps = failing.scenario().steps();
        int chunks = 2;
        while (steps.size() >= 2) {
            boolean reduced = false;
            int size = steps.size();
            for (int chunk = 0; chunk < chunks && !reduced; chunk++) {
                int from = chunk * size / chunks;
                int to = (chunk + 1) * size / chunks;
                List<Step> complement = new ArrayList<>(steps.subList(0, from));
                complement.addAll(steps.subList(to, size));
                if (complement.isEmpty()) {
                    continue;
                }
                SequenceResult result = run(failing.scenario().withSteps(complement));
                if (result.violations().stream().anyMatch(violation -> violation.invariant() == invariant)) {
                    steps = complement;
                    best = result;
                    chunks = Math.max(chunks - 1, 2);
                    reduced = true;
                }
            }
            if (!reduced) {
                if (chunks >= size) {
                    break;
                }
                chunks = Math.min(chunks * 2, size);
            }
        }
        return best;
    }

    private SequenceResult run(Scenario scenario) {
        runs++;
        return runner.apply(scenario);
    }
}
