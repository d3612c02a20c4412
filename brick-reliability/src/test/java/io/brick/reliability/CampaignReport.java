package io.brick.reliability;

import io.brick.testkit.host.FaultKind;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import static java.util.Objects.requireNonNull;

/**
 * What a campaign ran and found: what the summary file and the docs quote.
 *
 * @param sequences how many sequences ran
 * @param firstSeed the first seed
 * @param lastSeed the last seed
 * @param topologies sequences per topology
 * @param steps steps per action
 * @param injected faults injected by the steps, per kind of step fault
 * @param outcomes operations by outcome ({@code "connect: ok"}, ...)
 * @param fired faults that fired on the hosts, per kind (the oracle's count)
 * @param forcedDataLoss data-loss events caused by forced disconnects (allowed)
 * @param longestOperation the longest operation, simulated time
 * @param closestToBudget the largest share of its budget one operation used
 * @param failures the failing sequences, with their shrunk reproductions
 * @param unconfirmed sequences whose only violation was an over-budget reading that did not come back when the
 *                    sequence ran again alone (see {@code Campaign#confirm}): reported, not counted as violations
 * @param byFault per fault type, the sequences that inject it at least once, per topology
 * @param concurrent per topology, the sequences with at least one concurrent step (two operations at once)
 * @param failedByTopology per topology, the sequences that broke an invariant (confirmed)
 * @param wallTime how long the campaign took, real time
 * @param cpuTime the processor time the whole test JVM spent meanwhile (every thread: the campaign's, the simulated
 *                clocks', the JIT's and the garbage collector's); the figure to compare runs by on a busy machine
 * @param threads how many sequences ran at once
 */
record CampaignReport(int sequences, long firstSeed, long lastSeed, Map<Topology, Integer> topologies,
                      Map<Step.Action, Integer> steps, Map<Fault.Type, Integer> injected,
                      Map<String, Integer> outcomes, Map<FaultKind, Integer> fired, int forcedDataLoss,
                      Duration longestOperation, double closestToBudget, List<Failure> failures,
                      List<SequenceResult> unconfirmed, Map<Fault.Type, Map<Topology, Integer>> byFault,
                      Map<Topology, Integer> concurrent, Map<Topology, Integer> failedByTopology, Duration wallTime,
                      Duration cpuTime, int threads) {
    CampaignReport {
        byFault = byFault.entrySet().stream().collect(Collectors.toUnmodifiableMap(Map.Entry::getKey,
                entry -> Map.copyOf(entry.getValue())));
        concurrent = Map.copyOf(concurrent);
        failedByTopology = Map.copyOf(failedByTopology);
        topologies = Map.copyOf(topologies);
        steps = Map.copyOf(steps);
        injected = Map.copyOf(injected);
        outcomes = Map.copyOf(outcomes);
        fired = Map.copyOf(fired);
        requireNonNull(longestOperation, "longestOperation is null");
        failures = List.copyOf(failures);
        unconfirmed = List.copyOf(unconfirmed);
        requireNonNull(wallTime, "wallTime is null");
        requireNonNull(cpuTime, "cpuTime is null");
    }

    int violations() {
        return failures.stream().mapToInt(failure -> failure.original().violations().size()).sum();
    }

    int totalSteps() {
        return steps.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** The summary, as written to {@code target/reliability/campaign.txt}. */
    String summary() {
        StringBuilder text = new StringBuilder();
        text.append("brick fault campaign (issues 9 and 15): seeded sequences on the simulated host\n");
        text.append(String.format(Locale.ROOT, "sequences: %d (seeds %d..%d), steps: %d, violations: %d%n", sequences,
                firstSeed, lastSeed, totalSteps(), violations()));
        text.append(String.format(Locale.ROOT, "wall time: %.1f s on %d threads (%d processors), processor time: %.1f s%n",
                wallTime.toMillis() / 1000.0, threads, Runtime.getRuntime().availableProcessors(),
                cpuTime.toMillis() / 1000.0));
        text.append("\nsequences by topology:\n");
        text.append(String.format(Locale.ROOT, "  %-16s %9s %12s %7s%n", "", "sequences", "concurrent", "failed"));
        for (Topology topology : Topology.values()) {
            text.append(String.format(Locale.ROOT, "  %-16s %9d %12d %7d%n", topology,
                    topologies.getOrDefault(topology, 0), concurrent.getOrDefault(topology, 0),
                    failedByTopology.getOrDefault(topology, 0)));
        }
        text.append("\nsequences by fault (a sequence counts once per fault it injects), per topology:\n");
        text.append(String.format(Locale.ROOT, "  %-22s %6s", "", "all"));
        for (Topology topology : Topology.values()) {
            text.append(String.format(Locale.ROOT, " %15s", topology));
        }
        text.append('\n');
        for (Fault.Type type : Fault.Type.values()) {
            Map<Topology, Integer> row = byFault.getOrDefault(type, Map.of());
            text.append(String.format(Locale.ROOT, "  %-22s %6d", type,
                    row.values().stream().mapToInt(Integer::intValue).sum()));
            for (Topology topology : Topology.values()) {
                text.append(String.format(Locale.ROOT, " %15s", type.appliesTo(topology)
                        ? Integer.toString(row.getOrDefault(topology, 0)) : "-"));
            }
            text.append('\n');
        }
        text.append("\nsteps by action:\n").append(lines(steps));
        text.append("\nfaults injected by the steps:\n").append(lines(injected));
        text.append("\nfaults fired on the hosts (oracle.firedByKind, clean-up path-ups not counted):\n")
                .append(lines(fired));
        text.append("\noperations by outcome:\n").append(lines(outcomes));
        text.append(String.format(Locale.ROOT, "%ndata-loss events of forced disconnects (allowed): %d%n",
                forcedDataLoss));
        text.append(String.format(Locale.ROOT, "longest operation: %.1f s simulated; most of a budget used: %.0f %%%n",
                longestOperation.toMillis() / 1000.0, closestToBudget * 100));
        text.append("over-budget readings not confirmed when re-run alone (approximate multi-threaded time under load): ")
                .append(unconfirmed.size()).append('\n');
        unconfirmed.forEach(result -> text.append("  seed ").append(result.scenario().seed()).append(": ")
                .append(result.violations().get(0).describe()).append('\n'));
        text.append("\nviolations: ").append(violations()).append('\n');
        failures.forEach(failure -> text.append('\n').append(failure.reproduction()));
        return text.toString();
    }

    private static String lines(Map<?, Integer> counts) {
        if (counts.isEmpty()) {
            return "  (none)\n";
        }
        return counts.entrySet().stream().sorted(Map.Entry.comparingByKey((a, b) -> a.toString().compareTo(
                b.toString()))).map(entry -> String.format(Locale.ROOT, "  %-45s %7d%n", entry.getKey(),
                entry.getValue())).collect(Collectors.joining());
    }

    /**
     * A failing sequence and its shrunk form.
     *
     * @param original the sequence as generated, and what it broke
     * @param shrunk the smallest sub-sequence found that breaks the same invariant
     * @param shrinkRuns how many runs the shrinking took
     */
    record Failure(SequenceResult original, SequenceResult shrunk, int shrinkRuns) {
        Failure {
            requireNonNull(original, "original is null");
            requireNonNull(shrunk, "shrunk is null");
        }

        /** The seed, what broke, the minimal steps as lines and as Java, and the command that re-runs the seed. */
        String reproduction() {
            Scenario scenario = shrunk.scenario();
            StringBuilder text = new StringBuilder();
            text.append("FAILED seed ").append(original.scenario().seed()).append('\n');
            original.violations().forEach(violation -> text.append("  ").append(violation.describe()).append('\n'));
            if (shrinkRuns == 0) {
                text.append("not shrunk (only the first ").append(Campaign.SHRUNK_AT_MOST)
                        .append(" failures are); the sequence:\n");
            } else {
                text.append("minimal reproduction (").append(original.scenario().steps().size()).append(" steps -> ")
                        .append(scenario.steps().size()).append(", ").append(shrinkRuns).append(" shrinking runs):\n");
            }
            text.append(scenario.describe());
            shrunk.violations().forEach(violation -> text.append("  => ").append(violation.describe()).append('\n'));
            text.append("re-run the seed: mvn -B -pl brick-reliability -am verify -Dtest=FaultCampaignTest "
                    + "-Dsurefire.failIfNoSpecifiedTests=false -Dbrick.campaign.seed=")
                    .append(original.scenario().seed()).append('\n');
            text.append("as a test (package io.brick.reliability):\n");
            text.append("    SequenceResult result = new SequenceRunner(dir).run(").append(scenario.toJava())
                    .append(");\n");
            text.append("    assertThat(result.violations()).isEmpty();\n");
            return text.toString();
        }
    }
}
