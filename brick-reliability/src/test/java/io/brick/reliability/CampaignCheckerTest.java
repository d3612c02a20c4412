package io.brick.reliability;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import io.brick.core.connector.Connector;
import io.brick.core.connector.DisconnectOptions;
import io.brick.core.model.AttachedVolume;
import io.brick.core.model.ConnectionProperties;
import io.brick.core.model.DevicePath;
import io.brick.core.model.Protocol;
import io.brick.core.connector.DisconnectPlan;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The campaign's checker catches what it claims to catch: connectors with planted bugs break the matching invariant,
 * the failing sequence shrinks to the steps that matter, and the report prints a reproduction.
 */
class CampaignCheckerTest {
    @TempDir
    Path dir;

    private Level brickLevel;

    @BeforeEach
    void quietBrick() {
        Logger brick = (Logger) LoggerFactory.getLogger("io.brick");
        brickLevel = brick.getLevel();
        brick.setLevel(Level.ERROR);
    }

    @AfterEach
    void restoreBrick() {
        ((Logger) LoggerFactory.getLogger("io.brick")).setLevel(brickLevel);
    }

    @Test
    void the_unsabotaged_connector_passes_the_planted_scenarios() {
        SequenceRunner runner = new SequenceRunner(dir);

        assertThat(runner.run(wrongDeviceScenario()).violations()).isEmpty();
        assertThat(runner.run(dataLossScenario()).violations()).isEmpty();
        assertThat(runner.run(new Scenario(3, Topology.TWO_PORTALS, true, List.of(Step.connect(0), Step.extend(0),
                Step.disconnect(0)))).violations()).isEmpty();
    }

    @Test
    void a_connect_that_returns_another_volumes_device_is_caught_and_shrunk() {
        SequenceRunner runner = new SequenceRunner(dir, (connector, host) -> new Sabotaged(connector) {
            @Override
            public AttachedVolume connect(ConnectionProperties properties) {
                AttachedVolume real = delegate.connect(properties);
                return new AttachedVolume(DevicePath.of("/dev/sda"), real.scsiWwn(), Optional.empty());
            }
        });

        SequenceResult failing = runner.run(wrongDeviceScenario());

        assertThat(failing.violations()).extracting(Violation::invariant)
                .containsExactly(Violation.Invariant.WRONG_DEVICE_RETURNED);
        SequenceResult shrunk = new Shrinker(runner::run).shrink(failing);
        assertThat(shrunk.scenario().steps()).containsExactly(Step.connect(1), Step.connect(0));
        assertThat(shrunk.firstInvariant()).isEqualTo(Violation.Invariant.WRONG_DEVICE_RETURNED);
    }

    @Test
    void a_disconnect_that_drops_the_connect_result_loses_data_and_is_caught() {
        // without the connect result brick does not know the path used, so it does not flush it (os-brick's rule)
        SequenceRunner runner = new SequenceRunner(dir, (connector, host) -> new Sabotaged(connector) {
            @Override
            public void disconnect(ConnectionProperties properties, Optional<AttachedVolume> attached,
                                   DisconnectOptions options) {
                delegate.disconnect(properties, Optional.empty(), options);
            }
        });

        SequenceResult failing = runner.run(dataLossScenario());

        assertThat(failing.firstInvariant()).isEqualTo(Violation.Invariant.DATA_LOSS);
        SequenceResult shrunk = new Shrinker(runner::run).shrink(failing);
        assertThat(shrunk.scenario().steps()).containsExactly(Step.connect(0), Step.write(0));
        assertThat(shrunk.violations()).first().extracting(Violation::step).isEqualTo(Violation.TEARDOWN);
    }

    @Test
    void an_untyped_exception_is_caught() {
        SequenceRunner runner = new SequenceRunner(dir, (connector, host) -> new Sabotaged(connector) {
            @Override
            public long extend(ConnectionProperties properties) {
                throw new IllegalStateException("planted");
            }
        });

        SequenceResult result = runner.run(new Scenario(5, Topology.SINGLE_PATH, false, List.of(Step.connect(0),
                Step.extend(0))));

        assertThat(result.violations()).singleElement().satisfies(violation -> {
            assertThat(violation.invariant()).isEqualTo(Violation.Invariant.UNTYPED_ERROR);
            assertThat(violation.step()).isEqualTo(1);
            assertThat(violation.detail()).contains("IllegalStateException: planted");
        });
    }

    @Test
    void an_operation_over_its_budget_is_caught() {
        SequenceRunner runner = new SequenceRunner(dir, (connector, host) -> new Sabotaged(connector) {
            @Override
            public void disconnect(ConnectionProperties properties, Optional<AttachedVolume> attached,
                                   DisconnectOptions options) {
                host.clock().sleep(SequenceRunner.config(false).disconnectTimeout().plus(Duration.ofSeconds(5)));
                delegate.disconnect(properties, attached, options);
            }
        });

        SequenceResult result = runner.run(new Scenario(6, Topology.SINGLE_PATH, false, List.of(Step.connect(0),
                Step.disconnect(0))));

        assertThat(result.violations()).extracting(Violation::invariant).containsExactly(
                Violation.Invariant.OVER_BUDGET);
    }

    @Test
    void a_disconnect_that_succeeds_and_leaves_the_volume_is_caught() {
        SequenceRunner runner = new SequenceRunner(dir, (connector, host) -> new Sabotaged(connector) {
            @Override
            public void disconnect(ConnectionProperties properties, Optional<AttachedVolume> attached,
                                   DisconnectOptions options) {
                // claims success, does nothing
            }
        });

        SequenceResult result = runner.run(new Scenario(7, Topology.FOUR_PORTALS, false, List.of(Step.connect(0),
                Step.disconnect(0))));

        assertThat(result.violations()).singleElement().satisfies(violation -> {
            assertThat(violation.invariant()).isEqualTo(Violation.Invariant.LEFTOVERS);
            assertThat(violation.detail()).contains("devices [", "maps [dm-0]", "node records [");
        });
    }

    @Test
    void a_campaign_over_a_broken_connector_reports_each_failure_with_a_reproduction() {
        SequenceRunner runner = new SequenceRunner(dir, (connector, host) -> new Sabotaged(connector) {
            @Override
            public void disconnect(ConnectionProperties properties, Optional<AttachedVolume> attached,
                                   DisconnectOptions options) {
                throw new IllegalStateException("planted");
            }
        });

        CampaignReport report = new Campaign(runner, 2, Duration.ofSeconds(60)).run(1, 6);

        assertThat(report.failures()).hasSize(6);
        assertThat(report.violations()).isEqualTo(6);
        String summary = report.summary();
        assertThat(summary).contains("sequences: 6 (seeds 1..6)", "violations: 6", "FAILED seed 1\n",
                "minimal reproduction (", "UNTYPED_ERROR", "new Scenario(", "-Dbrick.campaign.seed=1\n",
                "faults fired on the hosts");
        // every shrunk sequence is a sub-list of the generated one that still fails the same way
        for (CampaignReport.Failure failure : report.failures()) {
            assertThat(failure.original().scenario().steps()).containsAll(failure.shrunk().scenario().steps());
            assertThat(failure.shrunk().violations()).extracting(Violation::invariant)
                    .contains(Violation.Invariant.UNTYPED_ERROR);
        }
    }

    @Test
    void an_over_budget_reading_counts_only_when_it_comes_back_on_a_run_alone() {
        long seed = java.util.stream.LongStream.rangeClosed(1, 100)
                .filter(each -> Scenario.generate(each).steps().get(0).action() == Step.Action.CONNECT)
                .findFirst().orElseThrow();
        java.util.concurrent.atomic.AtomicInteger connects = new java.util.concurrent.atomic.AtomicInteger();
        SequenceRunner onceSlow = new SequenceRunner(dir, (connector, host) -> new Sabotaged(connector) {
            @Override
            public AttachedVolume connect(ConnectionProperties properties) {
                if (connects.getAndIncrement() == 0) {
                    host.clock().sleep(Duration.ofSeconds(90));
                }
                return delegate.connect(properties);
            }
        });
        SequenceRunner alwaysSlow = new SequenceRunner(dir, (connector, host) -> new Sabotaged(connector) {
            @Override
            public AttachedVolume connect(ConnectionProperties properties) {
                host.clock().sleep(Duration.ofSeconds(90));
                return delegate.connect(properties);
            }
        });

        CampaignReport once = new Campaign(onceSlow, 1, Duration.ofSeconds(60)).run(List.of(seed));
        CampaignReport always = new Campaign(alwaysSlow, 1, Duration.ofSeconds(60)).run(List.of(seed));

        assertThat(once.failures()).isEmpty();
        assertThat(once.unconfirmed()).singleElement().satisfies(result -> assertThat(result.firstInvariant())
                .isEqualTo(Violation.Invariant.OVER_BUDGET));
        assertThat(always.unconfirmed()).isEmpty();
        assertThat(always.failures()).singleElement().satisfies(failure -> assertThat(
                failure.shrunk().firstInvariant()).isEqualTo(Violation.Invariant.OVER_BUDGET));
    }

    @Test
    void the_unsabotaged_connector_passes_the_reuse_duplicate_and_concurrent_scenarios() {
        SequenceRunner runner = new SequenceRunner(dir);

        for (Topology topology : List.of(Topology.TWO_PORTALS, Topology.FC_SINGLE_PATH, Topology.FC_FOUR_PATHS)) {
            assertThat(runner.run(reuseScenario(topology)).violations()).as("%s", topology).isEmpty();
            assertThat(runner.run(concurrentScenario(topology)).violations()).as("%s", topology).isEmpty();
        }
        for (Topology topology : List.of(Topology.SHARED_TARGET, Topology.FC_FOUR_PATHS)) {
            SequenceResult result = runner.run(duplicateScenario(topology));
            assertThat(result.violations()).as("%s", topology).isEmpty();
            // the LUN that reports volume 0's WWID cannot be volume 1: a typed error, never a device
            assertThat(result.outcomes()).as("%s", topology).containsEntry("connect: ok", 1)
                    .containsKey("duplicate WWID: injected");
            assertThat(result.outcomes().keySet()).as("%s", topology)
                    .anyMatch(outcome -> outcome.startsWith("connect: ") && !outcome.equals("connect: ok"));
        }
    }

    @Test
    void a_connect_that_returns_the_stale_device_of_a_reused_lun_is_caught() {
        // remembers its connect results by the volume's address, as if the LUN number named the volume
        Map<String, AttachedVolume> byAddress = new java.util.concurrent.ConcurrentHashMap<>();
        SequenceRunner runner = new SequenceRunner(dir, (connector, host) -> new Sabotaged(connector) {
            @Override
            public AttachedVolume connect(ConnectionProperties properties) {
                Map<String, Object> data = new java.util.HashMap<>(properties.asMap());
                data.remove("scsi_wwn");
                String address = data.toString();
                AttachedVolume known = byAddress.get(address);
                return known != null ? known : byAddress.computeIfAbsent(address, key -> delegate.connect(properties));
            }
        });

        for (Topology topology : List.of(Topology.TWO_PORTALS, Topology.FC_FOUR_PATHS)) {
            byAddress.clear();
            SequenceResult result = runner.run(reuseScenario(topology));

            assertThat(result.violations()).as("%s", topology).first().satisfies(violation -> {
                assertThat(violation.invariant()).isEqualTo(Violation.Invariant.WRONG_DEVICE_RETURNED);
                assertThat(violation.step()).isEqualTo(3);
            });
        }
    }

    @Test
    void a_disconnect_that_removes_every_device_of_the_wwid_is_caught_where_two_luns_report_it() {
        // finds the volume's devices by WWID alone: with a LUN that reports the same WWID, it deletes that LUN's too
        SequenceRunner runner = new SequenceRunner(dir, (connector, host) -> new Sabotaged(connector) {
            @Override
            public void disconnect(ConnectionProperties properties, Optional<AttachedVolume> attached,
                                   DisconnectOptions options) {
                List<String> devices = properties.string("scsi_wwn")
                        .map(wwid -> host.oracle().leftovers(io.brick.core.model.Wwid.of(wwid)).devices())
                        .orElse(List.of());
                delegate.disconnect(properties, attached, options);
                for (String device : devices) {
                    if (host.sysfs().scsiDevices().contains(device)) {
                        try {
                            java.nio.file.Files.writeString(host.sysfs().scsiDeviceDirectory(device)
                                    .resolve("delete"), "1");
                        } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    }
                }
                host.settle();
            }
        });

        for (Topology topology : List.of(Topology.SHARED_TARGET, Topology.FC_FOUR_PATHS)) {
            SequenceResult result = runner.run(duplicateScenario(topology));

            assertThat(result.violations()).as("%s", topology).isNotEmpty().allSatisfy(violation -> {
                assertThat(violation.invariant()).isEqualTo(Violation.Invariant.WRONG_DEVICE);
                assertThat(violation.step()).isEqualTo(3);
                assertThat(violation.detail()).contains("deleted the device at ", "LUN "
                        + topology.volume(1).lun() + ", not a LUN of disconnect volume 0");
            });
        }
    }

    @Test
    void connects_that_run_at_once_and_return_each_others_device_are_caught() {
        // keeps the last connect result in one field: two connects at once return the same device
        java.util.concurrent.atomic.AtomicReference<AttachedVolume> last =
                new java.util.concurrent.atomic.AtomicReference<>();
        SequenceRunner runner = new SequenceRunner(dir, (connector, host) -> new Sabotaged(connector) {
            @Override
            public AttachedVolume connect(ConnectionProperties properties) {
                last.set(delegate.connect(properties));
                host.clock().sleep(Duration.ofSeconds(20)); // the other connect ends meanwhile
                return last.get();
            }
        });

        for (Topology topology : List.of(Topology.TWO_PORTALS, Topology.FC_FOUR_PATHS)) {
            SequenceResult result = runner.run(concurrentScenario(topology));

            assertThat(result.violations()).as("%s", topology).isNotEmpty().allSatisfy(violation -> {
                assertThat(violation.invariant()).isEqualTo(Violation.Invariant.WRONG_DEVICE_RETURNED);
                assertThat(violation.step()).isEqualTo(0);
            });
        }
    }

    @Test
    void a_disconnect_that_scans_its_lun_again_after_deleting_it_leaves_the_volume_and_is_caught() {
        // deletes the volume's devices, then scans its LUN again: not a scan in flight from before, the disconnect's own
        SequenceRunner runner = new SequenceRunner(dir, (connector, host) -> new Sabotaged(connector) {
            @Override
            public void disconnect(ConnectionProperties properties, Optional<AttachedVolume> attached,
                                   DisconnectOptions options) {
                delegate.disconnect(properties, attached, options);
                try {
                    java.nio.file.Files.writeString(host.sysfs().scsiHostDirectory(6).resolve("scan"), "0 0 1");
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                host.clock().sleep(Duration.ofSeconds(2));
            }
        });

        SequenceResult result = runner.run(new Scenario(14, Topology.FC_SINGLE_PATH, false, List.of(Step.connect(0),
                Step.disconnect(0))));

        assertThat(result.violations()).singleElement().satisfies(violation -> {
            assertThat(violation.invariant()).isEqualTo(Violation.Invariant.LEFTOVERS);
            assertThat(violation.step()).isEqualTo(1);
        });
        assertThat(result.outcomes()).doesNotContainKey(
                "disconnect: deleted device made again by an earlier scan (simulator)");
    }

    /**
     * Volume 0 attached, written to and forgotten while the array gives its LUN to a new volume (a stale device
     * stays); then the new volume is connected and disconnected. The properties carry scsi_wwn.
     */
    private static Scenario reuseScenario(Topology topology) {
        return new Scenario(11, topology, true, List.of(Step.connect(0), Step.write(0),
                Step.fault(new Fault(Fault.Type.REUSE_LUN, 0, 0)), Step.connect(0), Step.write(0),
                Step.disconnect(0)));
    }

    /** Volume 1's LUN reports volume 0's WWID; volume 1 cannot be connected; volume 0 is, then disconnected. */
    private static Scenario duplicateScenario(Topology topology) {
        return new Scenario(12, topology, true, List.of(Step.fault(new Fault(Fault.Type.DUPLICATE_WWID, 1, 0)),
                Step.connect(1), Step.connect(0), Step.disconnect(0)));
    }

    /** Two connects at once, then a connect of one while the other is disconnected. */
    private static Scenario concurrentScenario(Topology topology) {
        return new Scenario(13, topology, false, List.of(Step.concurrently(Step.connect(0), Step.connect(1)),
                Step.write(0), Step.write(1), Step.concurrently(Step.disconnect(1), Step.extend(0))));
    }

    /** Volume 1's path is sda; then volume 0 is connected. Waits and a fault-clear are noise for the shrinker. */
    private static Scenario wrongDeviceScenario() {
        return new Scenario(1, Topology.TWO_PORTALS, false, List.of(Step.waitSeconds(2), Step.connect(1),
                Step.clearFaults(), Step.waitSeconds(10), Step.connect(0), Step.waitSeconds(2)));
    }

    private static Scenario dataLossScenario() {
        return new Scenario(2, Topology.SINGLE_PATH, false, List.of(Step.connect(0), Step.waitSeconds(2),
                Step.write(0), Step.clearFaults(), Step.disconnect(0)));
    }

    /** A connector that passes everything on to the real one unless a test overrides it. */
    static class Sabotaged implements Connector {
        final Connector delegate;

        Sabotaged(Connector delegate) {
            this.delegate = delegate;
        }

        @Override
        public Set<Protocol> protocols() {
            return delegate.protocols();
        }

        @Override
        public AttachedVolume connect(ConnectionProperties properties) {
            return delegate.connect(properties);
        }

        @Override
        public void disconnect(ConnectionProperties properties, Optional<AttachedVolume> attached,
                               DisconnectOptions options) {
            delegate.disconnect(properties, attached, options);
        }

        @Override
        public DisconnectPlan planDisconnect(ConnectionProperties properties, Optional<AttachedVolume> attached) {
            return delegate.planDisconnect(properties, attached);
        }

        @Override
        public long extend(ConnectionProperties properties) {
            return delegate.extend(properties);
        }

        @Override
        public List<DevicePath> volumePaths(ConnectionProperties properties) {
            return delegate.volumePaths(properties);
        }

        @Override
        public Map<String, Object> connectorProperties() {
            return delegate.connectorProperties();
        }
    }
}
