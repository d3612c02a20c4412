package io.brick.reliability;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Sequences come from their seed alone; the shrinker keeps exactly the steps a failure needs. */
class ScenarioAndShrinkerTest {
    @Test
    void a_seed_makes_the_same_sequence_every_time() {
        for (long seed = 0; seed < 200; seed++) {
            Scenario scenario = Scenario.generate(seed);
            assertThat(Scenario.generate(seed)).isEqualTo(scenario);
            assertThat(scenario.steps()).hasSizeBetween(Scenario.MIN_STEPS, Scenario.MAX_STEPS);
        }
        assertThat(Scenario.generate(1)).isNotEqualTo(Scenario.generate(2));
    }

    @Test
    void the_generated_sequences_cover_every_topology_action_and_fault() {
        java.util.Set<Topology> topologies = java.util.EnumSet.noneOf(Topology.class);
        java.util.Set<Step.Action> actions = java.util.EnumSet.noneOf(Step.Action.class);
        java.util.Set<Fault.Type> faults = java.util.EnumSet.noneOf(Fault.Type.class);
        for (long seed = 1; seed <= 500; seed++) {
            Scenario scenario = Scenario.generate(seed);
            topologies.add(scenario.topology());
            scenario.steps().forEach(step -> {
                actions.add(step.action());
                step.fault().ifPresent(fault -> faults.add(fault.type()));
            });
        }
        assertThat(topologies).containsExactlyInAnyOrder(Topology.values());
        assertThat(actions).containsExactlyInAnyOrder(Step.Action.values());
        assertThat(faults).containsExactlyInAnyOrder(Fault.Type.values());
    }

    @Test
    void sequences_inject_only_the_faults_of_their_transport_and_reuse_luns_only_with_scsi_wwn() {
        int fibreChannel = 0;
        int reused = 0;
        for (long each = 1; each <= 2000; each++) {
            long seed = each;
            Scenario scenario = Scenario.generate(seed);
            Topology topology = scenario.topology();
            fibreChannel += topology.fibreChannel() ? 1 : 0;
            List<Fault> faults = scenario.steps().stream().flatMap(step -> step.fault().stream()).toList();
            assertThat(faults).as("seed %d", seed).allSatisfy(fault -> {
                assertThat(fault.type().appliesTo(topology)).isTrue();
                assertThat(fault.type().name()).doesNotContain(topology.fibreChannel() ? "LOGIN" : "HBA");
                if (fault.type() == Fault.Type.REUSE_LUN || fault.type() == Fault.Type.DUPLICATE_WWID) {
                    assertThat(scenario.withWwid()).isTrue();
                }
                if (fault.type() == Fault.Type.DUPLICATE_WWID) {
                    assertThat(topology.duplicable()).isTrue();
                    assertThat(fault.index()).isPositive();
                }
            });
            reused += faults.stream().anyMatch(fault -> fault.type() == Fault.Type.REUSE_LUN) ? 1 : 0;
            scenario.steps().stream().filter(step -> step.action() == Step.Action.CONCURRENT).forEach(step ->
                    assertThat(step.parts().get(0).volume()).as("seed %d", seed)
                            .isNotEqualTo(step.parts().get(1).volume()));
        }
        assertThat(fibreChannel).isBetween(600, 1100);
        assertThat(reused).isGreaterThan(50);
        assertThat(Fault.Type.SLOW_ISCSIADM.appliesTo(Topology.FC_FOUR_PATHS)).isFalse();
        assertThat(Fault.Type.HBA_LINK_DOWN.appliesTo(Topology.TWO_PORTALS)).isFalse();
        assertThat(Topology.SINGLE_PATH.duplicable()).isFalse();
        assertThat(Topology.FC_TWO_FABRICS.duplicable()).isTrue();
    }

    @Test
    void a_concurrent_step_prints_both_operations() {
        Step step = Step.concurrently(Step.connect(0), Step.disconnectForce(1));

        assertThat(step.describe()).isEqualTo("at once: connect volume 0 | disconnect volume 1 force");
        assertThat(step.toJava()).isEqualTo("Step.concurrently(Step.connect(0), Step.disconnectForce(1))");
        assertThatThrownBy(() -> Step.concurrently(Step.connect(0), Step.waitSeconds(2)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void a_reproduction_prints_as_lines_and_as_java() {
        Scenario scenario = new Scenario(9, Topology.SHARED_TARGET, true, List.of(Step.connect(2),
                Step.fault(new Fault(Fault.Type.SLOW_UDEV, 0, 1500)), Step.disconnectForce(2)));

        assertThat(scenario.describe()).isEqualTo("""
                seed 9, SHARED_TARGET, with scsi_wwn
                   1. connect volume 2
                   2. fault SLOW_UDEV +1500 ms
                   3. disconnect volume 2 force
                """);
        assertThat(scenario.toJava()).isEqualTo("""
                new Scenario(9L, Topology.SHARED_TARGET, true, List.of(
                        Step.connect(2),
                        Step.fault(new Fault(Fault.Type.SLOW_UDEV, 0, 1500L)),
                        Step.disconnectForce(2)))""");
    }

    @Test
    void the_shrinker_keeps_only_the_steps_the_failure_needs() {
        Step needed = Step.connect(1);
        Step alsoNeeded = Step.fault(new Fault(Fault.Type.PATH_DOWN, 2, 0));
        List<Step> steps = List.of(Step.waitSeconds(2), needed, Step.write(0), Step.clearFaults(), Step.extend(0),
                alsoNeeded, Step.waitSeconds(10), Step.disconnect(0), Step.connect(0));
        AtomicInteger runs = new AtomicInteger();
        Function<Scenario, SequenceResult> fake = scenario -> {
            runs.incrementAndGet();
            boolean fails = scenario.steps().contains(needed) && scenario.steps().contains(alsoNeeded);
            return result(scenario, fails);
        };
        Shrinker shrinker = new Shrinker(fake);

        SequenceResult shrunk = shrinker.shrink(result(new Scenario(4, Topology.TWO_PORTALS, false, steps), true));

        assertThat(shrunk.scenario().steps()).containsExactly(needed, alsoNeeded);
        assertThat(shrinker.runs()).isEqualTo(runs.get()).isLessThan(40);
    }

    @Test
    void only_a_failing_sequence_is_shrunk() {
        Shrinker shrinker = new Shrinker(scenario -> result(scenario, true));
        Scenario passing = new Scenario(4, Topology.TWO_PORTALS, false, List.of(Step.connect(0)));

        assertThatThrownBy(() -> shrinker.shrink(result(passing, false))).isInstanceOf(IllegalArgumentException.class);
    }

    private static SequenceResult result(Scenario scenario, boolean fails) {
        List<Violation> violations = fails
                ? List.of(new Violation(0, Violation.Invariant.WRONG_DEVICE, "planted"))
                : List.of();
        return new SequenceResult(scenario, violations, Map.of(), Map.of(), 0, Duration.ZERO, 0);
    }
}
