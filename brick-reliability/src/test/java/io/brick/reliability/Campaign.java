package io.brick.reliability;

import io.brick.testkit.host.FaultKind;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

import io.brick.core.error.OperationInterruptedException;

import static java.util.Objects.requireNonNull;

/**
 * Runs many seeded sequences on a few threads, each on its own simulated host; shrinks the failing ones and
 * aggregates what happened into a {@link CampaignReport}.
 */
final class Campaign {
    /** How many failing sequences are shrunk (each shrink runs the sequence again a few dozen times). */
    static final int SHRUNK_AT_MOST = 5;
    /** How many times an over-budget reading is re-run alone to confirm it (each must break the budget again). */
    static final int CONFIRMATIONS = 3;

    private final SequenceRunner runner;
    private final int threads;
    private final Duration sequenceLimit;

    /**
     * @param runner runs one sequence
     * @param threads how many sequences run at once
     * @param sequenceLimit the wall-clock time after which a sequence counts as hung
     */
    Campaign(SequenceRunner runner, int threads, Duration sequenceLimit) {
        this.runner = requireNonNull(runner, "runner is null");
        if (threads < 1) {
            throw new IllegalArgumentException("at least one thread: " + threads);
        }
        this.threads = threads;
        this.sequenceLimit = requireNonNull(sequenceLimit, "sequenceLimit is null");
    }

    /** Runs the sequences of seeds {@code firstSeed}, {@code firstSeed + 1}, ... ({@code count} of them). */
    CampaignReport run(long firstSeed, int count) {
        List<Long> seeds = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            seeds.add(firstSeed + i);
        }
        return run(seeds);
    }

    CampaignReport run(List<Long> seeds) {
        long started = System.nanoTime();
        long startedCpu = processCpuNanos();
        ExecutorService pool = Executors.newFixedThreadPool(threads, runnable -> {
            Thread thread = new Thread(runnable, "campaign-" + runnable.hashCode());
            thread.setDaemon(true);
            return thread;
        });
        List<Future<SequenceResult>> futures = new ArrayList<>();
        List<AtomicLong> startTimes = new ArrayList<>();
        for (long seed : seeds) {
            AtomicLong start = new AtomicLong();
            startTimes.add(start);
            futures.add(pool.submit(() -> {
                start.set(System.nanoTime());
                return runner.run(Scenario.generate(seed));
            }));
        }
        Aggregate aggregate = new Aggregate();
        List<SequenceResult> failures = new ArrayList<>();
        try {
            for (int i = 0; i < futures.size(); i++) {
                SequenceResult result = await(futures.get(i), startTimes.get(i), seeds.get(i));
                aggregate.add(result);
                if (result.failed()) {
                    failures.add(result);
                }
            }
        } finally {
            pool.shutdownNow();
        }
        List<SequenceResult> confirmed = new ArrayList<>();
        List<SequenceResult> unconfirmed = new ArrayList<>();
        for (SequenceResult failure : failures) {
            Optional<SequenceResult> again = confirm(failure);
            if (again.isPresent()) {
                confirmed.add(again.get());
            } else {
                unconfirmed.add(failure);
            }
        }
        List<CampaignReport.Failure> reported = new ArrayList<>();
        for (SequenceResult failure : confirmed) {
            if (reported.size() < SHRUNK_AT_MOST && failure.firstInvariant() != Violation.Invariant.HANG) {
                Shrinker shrinker = new Shrinker(runner::run);
                reported.add(new CampaignReport.Failure(failure, shrinker.shrink(failure), shrinker.runs()));
            } else {
                reported.add(new CampaignReport.Failure(failure, failure, 0));
            }
        }
        return aggregate.report(seeds, reported, unconfirmed, Duration.ofNanos(System.nanoTime() - started),
                Duration.ofNanos(Math.max(0, processCpuNanos() - startedCpu)), threads);
    }

    /** The JVM's processor time so far (0 where the platform does not tell). */
    private static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return Math.max(0, os.getProcessCpuTime());
        }
        return 0;
    }

    /**
     * A sequence whose only violations are over-budget readings is run again alone (no other sequence competing for
     * the processors), {@link #CONFIRMATIONS} times: with several threads on a host (a multipath connect's portal
     * workers) simulated time is driven by real-time quiet periods, and it runs on while a portal worker's thread has
     * not even started, so a loaded machine can stretch an operation (seen: connects of 75 s against a 60 s budget,
     * the connect's deadline passed while its workers waited for a processor, then the bounded wait for them). The
     * reading counts only if every re-run brings it back.
     */
    private Optional<SequenceResult> confirm(SequenceResult failure) {
        boolean onlyOverBudget = failure.violations().stream()
                .allMatch(violation -> violation.invariant() == Violation.Invariant.OVER_BUDGET);
        if (!onlyOverBudget) {
            return Optional.of(failure);
        }
        SequenceResult again = failure;
        for (int attempt = 0; attempt < CONFIRMATIONS; attempt++) {
            again = runner.run(failure.scenario());
            if (!again.failed()) {
                return Optional.empty();
            }
        }
        return Optional.of(again);
    }

    private SequenceResult await(Future<SequenceResult> future, AtomicLong start, long seed) {
        while (true) {
            try {
                return future.get(1, TimeUnit.SECONDS);
            } catch (TimeoutException notYet) {
                long began = start.get();
                if (began != 0 && System.nanoTime() - began > sequenceLimit.toNanos()) {
                    future.cancel(true);
                    Scenario scenario = Scenario.generate(seed);
                    return new SequenceResult(scenario, List.of(new Violation(Violation.TEARDOWN,
                            Violation.Invariant.HANG, "not finished after " + sequenceLimit.toSeconds()
                            + " s of real time")), Map.of(), Map.of(), 0, Duration.ZERO, 0);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new OperationInterruptedException("the campaign was interrupted", e);
            } catch (ExecutionException | CancellationException e) {
                Throwable cause = e.getCause() == null ? e : e.getCause();
                Scenario scenario = Scenario.generate(seed);
                return new SequenceResult(scenario, List.of(new Violation(Violation.TEARDOWN,
                        Violation.Invariant.HARNESS, "the sequence could not run: " + cause)), Map.of(), Map.of(), 0,
                        Duration.ZERO, 0);
            }
        }
    }

    private static Map<Topology, Integer> failedByTopology(List<CampaignReport.Failure> failures) {
        Map<Topology, Integer> counts = new EnumMap<>(Topology.class);
        failures.forEach(failure -> counts.merge(failure.original().scenario().topology(), 1, Integer::sum));
        return counts;
    }

    /** Sums of every sequence's result. */
    private static final class Aggregate {
        private final Map<Topology, Integer> topologies = new EnumMap<>(Topology.class);
        private final Map<Fault.Type, Map<Topology, Integer>> byFault = new EnumMap<>(Fault.Type.class);
        private final Map<Topology, Integer> concurrent = new EnumMap<>(Topology.class);
        private final Map<Step.Action, Integer> steps = new EnumMap<>(Step.Action.class);
        private final Map<Fault.Type, Integer> injected = new EnumMap<>(Fault.Type.class);
        private final Map<String, Integer> outcomes = new TreeMap<>();
        private final Map<FaultKind, Integer> fired = new EnumMap<>(FaultKind.class);
        private int forcedDataLoss;
        private Duration longest = Duration.ZERO;
        private double closest;

        void add(SequenceResult result) {
            Topology topology = result.scenario().topology();
            topologies.merge(topology, 1, Integer::sum);
            result.scenario().steps().stream().flatMap(step -> step.fault().stream()).map(Fault::type).distinct()
                    .forEach(type -> byFault.computeIfAbsent(type, key -> new EnumMap<>(Topology.class))
                            .merge(topology, 1, Integer::sum));
            if (result.scenario().steps().stream().anyMatch(step -> step.action() == Step.Action.CONCURRENT)) {
                concurrent.merge(topology, 1, Integer::sum);
            }
            for (Step step : result.scenario().steps()) {
                steps.merge(step.action(), 1, Integer::sum);
                step.fault().ifPresent(fault -> injected.merge(fault.type(), 1, Integer::sum));
            }
            result.outcomes().forEach((key, value) -> outcomes.merge(key, value, Integer::sum));
            result.fired().forEach((key, value) -> fired.merge(key, value, Integer::sum));
            forcedDataLoss += result.forcedDataLoss();
            if (result.longestOperation().compareTo(longest) > 0) {
                longest = result.longestOperation();
            }
            closest = Math.max(closest, result.closestToBudget());
        }

        CampaignReport report(List<Long> seeds, List<CampaignReport.Failure> failures,
                              List<SequenceResult> unconfirmed, Duration wall, Duration cpu, int threads) {
            return new CampaignReport(seeds.size(), seeds.isEmpty() ? 0 : seeds.get(0),
                    seeds.isEmpty() ? 0 : seeds.get(seeds.size() - 1), topologies, steps, injected, outcomes, fired,
                    forcedDataLoss, longest, closest, failures, unconfirmed, byFault, concurrent,
                    failedByTopology(failures), wall, cpu, threads);
        }
    }
}
