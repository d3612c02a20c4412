package io.brick.reliability;

import io.brick.testkit.host.FaultKind;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * What one sequence did and broke.
 *
 * @param scenario the sequence
 * @param violations the invariants that did not hold (the sequence stops at the first step that has any)
 * @param outcomes how each operation ended, counted by {@code "connect: ok"}, {@code "disconnect force:
 *                 DisconnectFailedException"}, ...
 * @param fired the faults that fired on the host during the steps (the clean-up's path-ups not counted)
 * @param forcedDataLoss data-loss events a forced disconnect caused (allowed: that is what force means)
 * @param longestOperation the longest operation, in simulated time
 * @param closestToBudget the largest share of its budget an operation used (1.0 = all of it)
 */
record SequenceResult(Scenario scenario, List<Violation> violations, Map<String, Integer> outcomes,
                      Map<FaultKind, Integer> fired, int forcedDataLoss, Duration longestOperation,
                      double closestToBudget) {
    SequenceResult {
        requireNonNull(scenario, "scenario is null");
        violations = List.copyOf(violations);
        outcomes = Map.copyOf(outcomes);
        fired = Map.copyOf(fired);
        requireNonNull(longestOperation, "longestOperation is null");
    }

    boolean failed() {
        return !violations.isEmpty();
    }

    /** The first violation's invariant: what the shrinker keeps failing. */
    Violation.Invariant firstInvariant() {
        return violations.get(0).invariant();
    }
}
