package io.brick.reliability;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Collectors;

import static java.util.Objects.requireNonNull;

/**
 * One campaign sequence: a topology, whether connection properties carry the volume's WWID ({@code scsi_wwn}),
 * and the steps. {@link #generate(long)} makes the same sequence from the same seed; the seed also seeds the
 * simulated host's random faults (a flaky login).
 *
 * @param seed the seed it was generated from
 * @param topology the storage layout
 * @param withWwid whether the properties carry {@code scsi_wwn}
 * @param steps the steps, in order
 */
record Scenario(long seed, Topology topology, boolean withWwid, List<Step> steps) {
    /** The fewest steps a generated sequence has. */
    static final int MIN_STEPS = 3;
    /** The most steps a generated sequence has. */
    static final int MAX_STEPS = 10;

    Scenario {
        requireNonNull(topology, "topology is null");
        steps = List.copyOf(steps);
    }

    /** The same scenario with other steps (what the shrinker tries). */
    Scenario withSteps(List<Step> value) {
        return new Scenario(seed, topology, withWwid, value);
    }

    /**
     * The sequence of a seed: a topology, 3 to 10 steps, about half of them operations (connect first when the
     * volume is believed detached), one in twelve two operations at once on two volumes, a quarter faults (those of
     * the topology's transport; LUN reuse and duplicate WWIDs only with {@code scsi_wwn}), the rest clearing faults or
     * letting time pass.
     */
    static Scenario generate(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        Topology topology = Topology.values()[random.nextInt(Topology.values().length)];
        boolean withWwid = random.nextBoolean();
        int count = MIN_STEPS + random.nextInt(MAX_STEPS - MIN_STEPS + 1);
        Set<Integer> attached = new LinkedHashSet<>();
        List<Step> steps = new ArrayList<>();
        int volumes = topology.volumes().size();
        for (int i = 0; i < count; i++) {
            int roll = random.nextInt(100);
            if (roll < 50) {
                int volume = random.nextInt(3) == 0 ? random.nextInt(volumes) : 0;
                steps.add(operation(random, volume, attached));
            } else if (roll < 58) {
                int first = random.nextInt(volumes);
                int second = (first + 1 + random.nextInt(volumes - 1)) % volumes;
                steps.add(Step.concurrently(concurrentOperation(random, first, attached),
                        concurrentOperation(random, second, attached)));
            } else if (roll < 85) {
                Fault fault = fault(random, topology, withWwid);
                if (fault.type() == Fault.Type.DUPLICATE_WWID && attached.contains(fault.index() % volumes)) {
                    // the runner skips a duplicate on a LUN the host has a device of: reuse that LUN instead
                    fault = new Fault(Fault.Type.REUSE_LUN, fault.index(), 0);
                }
                if (fault.type() == Fault.Type.REUSE_LUN) {
                    attached.remove(fault.index() % volumes); // the caller forgets the old volume
                }
                steps.add(Step.fault(fault));
            } else if (roll < 92) {
                steps.add(Step.clearFaults());
            } else {
                steps.add(Step.waitSeconds(new long[] {2, 10, 30}[random.nextInt(3)]));
            }
        }
        return new Scenario(seed, topology, withWwid, steps);
    }

    private static Step operation(SplittableRandom random, int volume, Set<Integer> attached) {
        if (!attached.contains(volume)) {
            attached.add(volume);
            return random.nextInt(10) == 0 ? Step.disconnect(volume) : Step.connect(volume);
        }
        int roll = random.nextInt(100);
        if (roll < 30) {
            return Step.write(volume);
        }
        if (roll < 45) {
            return Step.extend(volume);
        }
        if (roll < 50) {
            return Step.connect(volume);
        }
        attached.remove(volume);
        if (roll < 80) {
            return Step.disconnect(volume);
        }
        return roll < 95 ? Step.disconnectForce(volume) : Step.disconnectForceIgnore(volume);
    }

    /** A connect, extend or disconnect (what two threads run at once). */
    private static Step concurrentOperation(SplittableRandom random, int volume, Set<Integer> attached) {
        if (!attached.contains(volume)) {
            attached.add(volume);
            return Step.connect(volume);
        }
        int roll = random.nextInt(100);
        if (roll < 20) {
            return Step.extend(volume);
        }
        if (roll < 30) {
            return Step.connect(volume);
        }
        attached.remove(volume);
        if (roll < 80) {
            return Step.disconnect(volume);
        }
        return roll < 95 ? Step.disconnectForce(volume) : Step.disconnectForceIgnore(volume);
    }

    /** The fault types a sequence on that topology may inject. */
    static List<Fault.Type> faults(Topology topology, boolean withWwid) {
        return Arrays.stream(Fault.Type.values()).filter(type -> type.appliesTo(topology))
                .filter(type -> withWwid || type != Fault.Type.REUSE_LUN && type != Fault.Type.DUPLICATE_WWID)
                .filter(type -> type != Fault.Type.DUPLICATE_WWID || topology.duplicable())
                .toList();
    }

    private static Fault fault(SplittableRandom random, Topology topology, boolean withWwid) {
        List<Fault.Type> types = faults(topology, withWwid);
        Fault.Type type = types.get(random.nextInt(types.size()));
        if (type == Fault.Type.MULTIPATHD_DOWN && random.nextBoolean()) {
            type = Fault.Type.PATH_DOWN; // multipathd never comes back: make it rarer
        }
        int volumes = topology.volumes().size();
        int index = switch (type.target()) {
            case PORT -> random.nextInt(topology.ports().size());
            case VOLUME -> type == Fault.Type.DUPLICATE_WWID ? 1 + random.nextInt(volumes - 1)
                    : random.nextInt(3) == 0 ? random.nextInt(volumes) : 0;
            case HBA -> random.nextInt(topology.hbas().size());
            case HOST -> 0;
        };
        long amount = switch (type) {
            case SLOW_LOGIN -> 1000L * (1 + random.nextInt(30));
            case SLOW_UDEV -> 500L * (1 + random.nextInt(40));
            case SLOW_ISCSIADM -> 100L * (1 + random.nextInt(50));
            case FLAKY_LOGIN -> 20 + random.nextInt(61);
            case ISCSIADM_FAILS -> 1 + random.nextInt(3);
            case ISCSIADM_FLAKY -> 10 + random.nextInt(41);
            default -> 0;
        };
        return new Fault(type, index, amount);
    }

    /** The steps, one a line, numbered from 1. */
    String describe() {
        StringBuilder text = new StringBuilder();
        text.append("seed ").append(seed).append(", ").append(topology).append(withWwid ? ", with scsi_wwn" : "")
                .append('\n');
        for (int i = 0; i < steps.size(); i++) {
            text.append(String.format(java.util.Locale.ROOT, "  %2d. %s%n", i + 1, steps.get(i).describe()));
        }
        return text.toString();
    }

    /** The Java expression that makes this scenario (to paste into a test). */
    String toJava() {
        return "new Scenario(" + seed + "L, Topology." + topology.name() + ", " + withWwid + ", List.of(\n"
                + steps.stream().map(step -> "        " + step.toJava()).collect(Collectors.joining(",\n"))
                + "))";
    }
}
