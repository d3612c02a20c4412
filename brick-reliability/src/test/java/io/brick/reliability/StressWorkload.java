package io.brick.reliability;

import io.brick.core.connector.Connector;
import io.brick.core.connector.DisconnectOptions;
import io.brick.core.error.BrickException;
import io.brick.core.model.AttachedVolume;
import io.brick.core.model.MultipathMap;
import io.brick.core.port.TopologyProvider;
import io.brick.testkit.host.Leftovers;
import io.brick.testkit.host.SimulatedClock;
import io.brick.testkit.host.SimulatedHost;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import static java.util.Objects.requireNonNull;

/**
 * Threads that each, round after round, attach a volume of their own, maybe write to it, keep it a while, check that
 * none of its paths went away meanwhile, and detach it; all at once on one simulated host, with random pauses from a
 * seed. Every operation and every check is recorded as an {@link Op}; nothing a thread sees is thrown, so one run
 * reports everything that went wrong.
 */
final class StressWorkload {
    private static final Duration POLL = Duration.ofMillis(100);

    private final SimulatedHost host;
    private final Connector connector;
    private final TopologyProvider topology;
    private final long seed;
    private final Duration allPathsWait;

    /**
     * A workload whose threads wait (simulated) at most {@code allPathsWait} after a connect for every portal's path
     * to be in the volume's map.
     */
    StressWorkload(SimulatedHost host, Connector connector, TopologyProvider topology, long seed, Duration allPathsWait) {
        this.allPathsWait = requireNonNull(allPathsWait, "allPathsWait is null");
        this.host = requireNonNull(host, "host is null");
        this.connector = requireNonNull(connector, "connector is null");
        this.topology = requireNonNull(topology, "topology is null");
        this.seed = seed;
    }

    /**
     * One thing a thread did or checked.
     *
     * @param thread the thread's index
     * @param round the round
     * @param volume the volume
     * @param step {@code connect}, {@code paths} (every portal's path in the map), {@code kept} (still every path
     *             just before the detach), {@code disconnect} or {@code gone} (nothing of the volume left after it)
     * @param problem what went wrong, if anything
     * @param simulated how long it took, in simulated time
     */
    record Op(int thread, int round, StressVolume volume, String step, Optional<String> problem, Duration simulated) {
        Op {
            requireNonNull(volume, "volume is null");
            requireNonNull(step, "step is null");
            requireNonNull(problem, "problem is null");
            requireNonNull(simulated, "simulated is null");
        }

        boolean ok() {
            return problem.isEmpty();
        }

        @Override
        public String toString() {
            return "thread " + thread + " round " + round + " " + volume + " " + step + ": "
                    + problem.orElse("ok") + " (" + simulated.toMillis() + " ms simulated)";
        }
    }

    /** What a run did. */
    record Result(List<Op> ops, int threads, int rounds, List<String> stuck, Duration wall, Duration simulated) {
        Result {
            ops = List.copyOf(ops);
            stuck = List.copyOf(stuck);
            requireNonNull(wall, "wall is null");
            requireNonNull(simulated, "simulated is null");
        }

        List<Op> failures() {
            return ops.stream().filter(op -> !op.ok()).toList();
        }

        long count(String step) {
            return ops.stream().filter(op -> op.step().equals(step)).count();
        }

        long countOk(String step) {
            return ops.stream().filter(op -> op.step().equals(step) && op.ok()).count();
        }

        /** The mean and longest simulated time of a step, as {@code mean/max ms}. */
        String timing(String step) {
            List<Duration> times = ops.stream().filter(op -> op.step().equals(step)).map(Op::simulated).toList();
            if (times.isEmpty()) {
                return "-";
            }
            long total = times.stream().mapToLong(Duration::toMillis).sum();
            long max = times.stream().mapToLong(Duration::toMillis).max().orElse(0);
            return (total / times.size()) + "/" + max + " ms";
        }
    }

    /**
     * Runs {@code plan.get(thread).get(round)}: thread {@code t} works on its volume of round {@code r}; no two
     * threads have the same volume in one round. Waits at most {@code wallLimit} of real time; threads still running
     * then are listed in {@link Result#stuck()} (with their stacks) and interrupted.
     */
    Result run(List<List<StressVolume>> plan, Duration wallLimit) throws InterruptedException {
        int threads = plan.size();
        int rounds = plan.get(0).size();
        List<Op> ops = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger names = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads, runnable -> {
            Thread thread = new Thread(runnable, "stress-" + names.getAndIncrement());
            thread.setDaemon(true);
            return thread;
        });
        SimulatedClock clock = host.clock();
        long wallStart = System.nanoTime();
        Duration simulatedStart = clock.elapsed();
        List<String> stuck = new ArrayList<>();
        List<Thread> workers = Collections.synchronizedList(new ArrayList<>());
        try {
            clock.hold();
            List<Future<?>> futures = new ArrayList<>();
            for (int index = 0; index < threads; index++) {
                int thread = index;
                futures.add(pool.submit(() -> {
                    workers.add(Thread.currentThread());
                    work(thread, plan.get(thread), ops);
                }));
            }
            long startBy = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (clock.sleepingThreads() < threads && System.nanoTime() < startBy) {
                Thread.sleep(1);
            }
            clock.release();
            long end = System.nanoTime() + wallLimit.toNanos();
            for (int index = 0; index < futures.size(); index++) {
                try {
                    futures.get(index).get(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (TimeoutException e) {
                    stuck.add("thread " + index + " still running after " + wallLimit.toSeconds() + " s");
                } catch (ExecutionException e) {
                    stuck.add("thread " + index + " died: " + e.getCause());
                }
            }
            if (!stuck.isEmpty()) {
                synchronized (workers) {
                    for (Thread worker : workers) {
                        if (worker.isAlive()) {
                            stuck.add(worker.getName() + " " + worker.getState() + " at "
                                    + List.of(worker.getStackTrace()).subList(0, Math.min(12, worker.getStackTrace().length)));
                        }
                    }
                }
            }
        } finally {
            clock.release();
            pool.shutdownNow();
        }
        return new Result(ops, threads, rounds, stuck, Duration.ofNanos(System.nanoTime() - wallStart),
                clock.elapsed().minus(simulatedStart));
    }

    private void work(int thread, List<StressVolume> volumes, List<Op> ops) {
        Random random = new Random(seed * 1_000_003L + thread);
        SimulatedClock clock = host.clock();
        clock.sleep(Duration.ofMillis(1 + random.nextInt(300)));
        for (int round = 0; round < volumes.size(); round++) {
            StressVolume volume = volumes.get(round);
            Optional<AttachedVolume> attached = step(ops, thread, round, volume, "connect", () -> {
                host.oracle().operatingOn(volume.wwidValue());
                try {
                    return Optional.of(connector.connect(volume.properties()));
                } finally {
                    host.oracle().done(volume.wwidValue());
                }
            });
            if (attached.isPresent()) {
                AttachedVolume volumeAttached = attached.get();
                if (random.nextBoolean()) {
                    host.write(volumeAttached.path());
                }
                step(ops, thread, round, volume, "paths", () -> allPaths(volume, allPathsWait));
                clock.sleep(Duration.ofMillis(random.nextInt(1000)));
                step(ops, thread, round, volume, "kept", () -> allPaths(volume, Duration.ZERO));
                Optional<AttachedVolume> deviceInfo = random.nextBoolean() ? attached : Optional.empty();
                step(ops, thread, round, volume, "disconnect", () -> {
                    host.oracle().operatingOn(volume.wwidValue());
                    try {
                        connector.disconnect(volume.properties(), deviceInfo, DisconnectOptions.SAFE);
                        return Optional.empty();
                    } finally {
                        host.oracle().done(volume.wwidValue());
                    }
                });
                step(ops, thread, round, volume, "gone", () -> nothingLeft(volume));
            }
            clock.sleep(Duration.ofMillis(1 + random.nextInt(300)));
        }
    }

    /** Runs one step, records it; its value, or empty when it failed. */
    private <T> Optional<T> step(List<Op> ops, int thread, int round, StressVolume volume, String name,
                                 java.util.function.Supplier<Optional<T>> action) {
        Duration start = host.clock().elapsed();
        Optional<String> problem;
        Optional<T> value = Optional.empty();
        try {
            value = action.get();
            problem = Optional.empty();
        } catch (Check failed) {
            problem = Optional.of(failed.getMessage());
        } catch (BrickException failed) {
            problem = Optional.of(failed.getClass().getSimpleName() + " (" + failed.kind() + "): " + failed.getMessage());
        } catch (RuntimeException failed) {
            problem = Optional.of("untyped " + failed);
        }
        ops.add(new Op(thread, round, volume, name, problem, host.clock().elapsed().minus(start)));
        return value;
    }

    /** Waits (simulated, at most {@code wait}) until the volume's map has a path through every portal. */
    private <T> Optional<T> allPaths(StressVolume volume, Duration wait) {
        Duration until = host.clock().elapsed().plus(wait);
        while (true) {
            Optional<String> problem = pathProblem(volume);
            if (problem.isEmpty()) {
                return Optional.empty();
            }
            if (host.clock().elapsed().compareTo(until) >= 0) {
                throw new Check(problem.get());
            }
            host.clock().sleep(POLL);
        }
    }

    /** What is wrong with the volume's map now (none, or short of a path per portal), or empty when it is whole. */
    Optional<String> pathProblem(StressVolume volume) {
        Optional<MultipathMap> map = topology.multipathMapByWwid(volume.wwidValue());
        if (map.isEmpty()) {
            return Optional.of("no map of " + volume.wwid());
        }
        if (map.get().slaves().size() != volume.portals().size()) {
            return Optional.of("map " + map.get().kernelName() + " has " + map.get().slaves()
                    + ", not a path per portal " + volume.portals());
        }
        return Optional.empty();
    }

    private <T> Optional<T> nothingLeft(StressVolume volume) {
        Leftovers left = host.oracle().leftovers(volume.wwidValue());
        if (!left.devices().isEmpty() || !left.maps().isEmpty() || !left.links().isEmpty()) {
            throw new Check("left of " + volume + ": " + left);
        }
        return Optional.empty();
    }

    /** A check of the workload failed. */
    private static final class Check extends RuntimeException {
        Check(String message) {
            super(message, null, false, false);
        }
    }
}
