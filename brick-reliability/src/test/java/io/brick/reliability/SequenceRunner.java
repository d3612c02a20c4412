package io.brick.reliability;

import io.brick.core.bootstrap.Brick;
import io.brick.core.connector.Connector;
import io.brick.core.connector.DisconnectOptions;
import io.brick.core.error.BrickException;
import io.brick.core.lock.ProcessLocks;
import io.brick.core.model.AttachedVolume;
import io.brick.core.model.ConnectionProperties;
import io.brick.core.model.Protocol;
import io.brick.core.model.Wwid;
import io.brick.iscsi.IscsiConnectorConfig;
import io.brick.iscsi.IscsiPlugin;
import io.brick.multipath.MultipathPlugin;
import io.brick.sysfs.SysfsPlugin;
import io.brick.testkit.host.CommandLogEntry;
import io.brick.testkit.host.DataLossEvent;
import io.brick.testkit.host.FaultKind;
import io.brick.testkit.host.Faults;
import io.brick.testkit.host.Leftovers;
import io.brick.testkit.host.SimulatedHost;
import io.brick.testkit.host.WrongDeviceEvent;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static java.util.Objects.requireNonNull;

/**
 * Runs one {@link Scenario} on a fresh simulated host with a whole brick runtime (sysfs, multipath and iSCSI
 * plugins) and checks the invariants after every step:
 * <ul>
 *   <li>no data-loss event, except of the volume a forced disconnect is about, once a flush of it failed (what
 *   {@code force} is for: it goes on and removes what could not be flushed);</li>
 *   <li>no wrong-device event (the oracle is told which volume each operation is about);</li>
 *   <li>a connect returns a device or map of the volume's WWID;</li>
 *   <li>after a disconnect that succeeded (without {@code ignoreErrors}, which hides failures by design) nothing of
 *   the volume is left: no device, map or by-id link, and, when no other attached volume shares its target, no
 *   session and no node record;</li>
 *   <li>every operation ends within its budget ({@link #config}) plus {@link #SLACK}, in simulated time;</li>
 *   <li>every failure is a {@link BrickException};</li>
 *   <li>an extend that succeeds reports the LUN's new size.</li>
 * </ul>
 * The sequence stops at the first step with a violation. Otherwise it ends with a clean-up: faults cleared, every
 * portal back up, every volume disconnected ({@code SAFE}; {@code force} once multipathd is down, since it never
 * comes back), and then nothing at all may be left on the host.
 */
final class SequenceRunner {
    /** Added to every budget: a command in flight when the deadline passes ends at its own timeout. */
    static final Duration SLACK = Duration.ofSeconds(1);
    /**
     * How long the clean-up lets the host settle first: longer than the slowest device appearance a step can cause
     * (a slow-udev fault of at most 20 s plus the scan), so a scan still in flight lands before the last disconnects.
     */
    static final Duration SETTLE = Duration.ofSeconds(25);
    /** How much a LUN grows before an extend step. */
    static final long GROWTH = 64L << 20;

    private final Path workDir;
    private final ConnectorDecorator decorator;

    SequenceRunner(Path workDir) {
        this(workDir, (connector, host) -> connector);
    }

    /** With every connector passed through {@code decorator} (the checker's own tests plant bugs that way). */
    SequenceRunner(Path workDir, ConnectorDecorator decorator) {
        this.workDir = requireNonNull(workDir, "workDir is null");
        this.decorator = requireNonNull(decorator, "decorator is null");
    }

    /** The connector's settings in the campaign: the defaults' shape with shorter budgets. */
    static IscsiConnectorConfig config(boolean multipath) {
        return new IscsiConnectorConfig(multipath, Duration.ofSeconds(60), Duration.ofSeconds(15),
                Duration.ofSeconds(10), Duration.ofSeconds(2), Duration.ofSeconds(60), Duration.ofSeconds(60));
    }

    SequenceResult run(Scenario scenario) {
        Path dir;
        try {
            dir = Files.createTempDirectory(workDir, "seed-" + scenario.seed() + "-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try (SimulatedHost host = scenario.topology().host(dir, scenario.seed());
             Brick brick = Brick.builder()
                     .plugins(new SysfsPlugin(), new MultipathPlugin(),
                             new IscsiPlugin(config(scenario.topology().multipath())))
                     .hostRoot(host.hostRoot()).commandRunner(host.commandRunner())
                     .clock(host.clock()).sleeper(host.clock()).processLocks(ProcessLocks.none())
                     .build()) {
            Connector connector = decorator.decorate(brick.connector(Protocol.ISCSI), host);
            return new Execution(scenario, host, connector).run();
        } finally {
            delete(dir);
        }
    }

    private static void delete(Path dir) {
        try (Stream<Path> tree = Files.walk(dir)) {
            for (Path each : tree.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(each);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Wraps the connector a sequence uses. */
    @FunctionalInterface
    interface ConnectorDecorator {
        Connector decorate(Connector connector, SimulatedHost host);
    }

    /** One run of one scenario: the model of what is attached, and the checks. */
    private static final class Execution {
        private final Scenario scenario;
        private final Topology topology;
        private final SimulatedHost host;
        private final Connector connector;
        private final IscsiConnectorConfig config;
        private final Map<Integer, AttachedVolume> attached = new HashMap<>();
        private final Map<Integer, Long> sizes = new HashMap<>();
        private final java.util.Set<Integer> touched = new java.util.HashSet<>();
        private final List<Violation> violations = new ArrayList<>();
        private final Map<String, Integer> outcomes = new HashMap<>();
        private boolean multipathdDown;
        private int dataLossSeen;
        private int wrongDeviceSeen;
        private int forcedDataLoss;
        /** Whether the last operation ran a flush that failed or timed out (a forced disconnect may then lose data). */
        private boolean flushFailed;
        private Duration longest = Duration.ZERO;
        private double closest;

        Execution(Scenario scenario, SimulatedHost host, Connector connector) {
            this.scenario = scenario;
            this.topology = scenario.topology();
            this.host = host;
            this.connector = connector;
            this.config = config(topology.multipath());
        }

        SequenceResult run() {
            List<Step> steps = scenario.steps();
            Map<FaultKind, Integer> fired = Map.of();
            for (int i = 0; i < steps.size() && violations.isEmpty(); i++) {
                step(i, steps.get(i));
                checkOracle(i, steps.get(i));
            }
            fired = host.oracle().firedByKind();
            if (violations.isEmpty()) {
                teardown();
            }
            return new SequenceResult(scenario, violations, outcomes, fired, forcedDataLoss, longest, closest);
        }

        private void step(int index, Step step) {
            int number = step.volume() % topology.volumes().size();
            Topology.Volume volume = topology.volume(number);
            if (step.action().operation()) {
                touched.add(number);
            }
            switch (step.action()) {
                case CONNECT -> {
                    Optional<AttachedVolume> result = operation(index, "connect", volume, config.connectTimeout(),
                            () -> connector.connect(properties(volume)));
                    result.ifPresent(value -> {
                        checkReturned(index, volume, value);
                        attached.put(number, value);
                    });
                }
                case WRITE -> {
                    AttachedVolume value = attached.get(number);
                    if (value == null) {
                        count("write: skipped (not attached)");
                        return;
                    }
                    try {
                        host.write(value.path());
                        count("write: ok");
                    } catch (IllegalStateException gone) {
                        count("write: device gone");
                    }
                }
                case EXTEND -> {
                    if (!attached.containsKey(number)) {
                        count("extend: skipped (not attached)");
                        return;
                    }
                    long size = sizes.getOrDefault(number, volume.sizeBytes()) + GROWTH;
                    sizes.put(number, size);
                    host.storage().target(volume.iqn()).resizeLun(volume.lun(), size);
                    Optional<Long> result = operation(index, "extend", volume, config.extendTimeout(),
                            () -> connector.extend(properties(volume)));
                    result.filter(reported -> reported != size).ifPresent(reported -> violations.add(new Violation(
                            index, Violation.Invariant.WRONG_SIZE, "extend reported " + reported + " bytes, the LUN has "
                            + size)));
                }
                case DISCONNECT, DISCONNECT_FORCE, DISCONNECT_FORCE_IGNORE -> {
                    DisconnectOptions options = switch (step.action()) {
                        case DISCONNECT -> DisconnectOptions.SAFE;
                        case DISCONNECT_FORCE -> new DisconnectOptions(true, false);
                        default -> new DisconnectOptions(true, true);
                    };
                    String name = "disconnect" + (options.force() ? " force" : "")
                            + (options.ignoreErrors() ? " ignoreErrors" : "");
                    Optional<AttachedVolume> device = Optional.ofNullable(attached.get(number));
                    Optional<Boolean> done = operation(index, name, volume, config.disconnectTimeout(), () -> {
                        connector.disconnect(properties(volume), device, options);
                        return Boolean.TRUE;
                    });
                    if (done.isPresent()) {
                        attached.remove(number);
                        if (!options.ignoreErrors()) {
                            checkNothingLeft(index, number, volume);
                        }
                    }
                }
                case FAULT -> inject(index, step.fault().orElseThrow());
                case CLEAR_FAULTS -> host.faults().clear();
                case WAIT -> host.clock().sleep(Duration.ofSeconds(step.seconds()));
            }
        }

        private ConnectionProperties properties(Topology.Volume volume) {
            return topology.properties(volume, scenario.withWwid());
        }

        /** Runs one operation on a volume, timed on the simulated clock, with the oracle told which volume it is. */
        private <T> Optional<T> operation(int index, String name, Topology.Volume volume, Duration budget,
                                         Supplier<T> call) {
            Wwid wwid = Wwid.of(volume.wwid());
            host.oracle().operatingOn(wwid);
            Duration start = host.clock().elapsed();
            int commands = host.oracle().commandLog().size();
            try {
                T value = call.get();
                count(name + ": ok");
                return Optional.of(value);
            } catch (BrickException typed) {
                count(name + ": " + typed.getClass().getSimpleName());
                return Optional.empty();
            } catch (VirtualMachineError fatal) {
                throw fatal;
            } catch (RuntimeException | Error untyped) {
                count(name + ": " + untyped.getClass().getSimpleName());
                violations.add(new Violation(index, Violation.Invariant.UNTYPED_ERROR, name + " threw "
                        + untyped.getClass().getName() + ": " + untyped.getMessage() + " at " + frames(untyped)));
                return Optional.empty();
            } finally {
                host.oracle().done(wwid);
                List<CommandLogEntry> log = host.oracle().commandLog();
                flushFailed = log.subList(Math.min(commands, log.size()), log.size()).stream()
                        .anyMatch(entry -> isFlush(entry) && (entry.exitCode() != 0 || entry.timedOut()));
                Duration took = host.clock().elapsed().minus(start);
                if (took.compareTo(longest) > 0) {
                    longest = took;
                }
                closest = Math.max(closest, (double) took.toMillis() / budget.toMillis());
                if (took.compareTo(budget.plus(SLACK)) > 0) {
                    violations.add(new Violation(index, Violation.Invariant.OVER_BUDGET, name + " took "
                            + took.toMillis() + " ms (simulated); its budget is " + budget.toMillis() + " ms"));
                }
            }
        }

        private static boolean isFlush(CommandLogEntry entry) {
            List<String> argv = entry.argv();
            return argv.size() >= 2 && ("multipath".equals(argv.get(0)) && argv.contains("-f")
                    || "blockdev".equals(argv.get(0)) && argv.contains("--flushbufs"));
        }

        private void count(String outcome) {
            outcomes.merge(outcome, 1, Integer::sum);
        }

        private void checkReturned(int index, Topology.Volume volume, AttachedVolume value) {
            Leftovers own = host.oracle().leftovers(Wwid.of(volume.wwid()));
            String name = value.path().name();
            if (!own.devices().contains(name) && !own.maps().contains(name)) {
                violations.add(new Violation(index, Violation.Invariant.WRONG_DEVICE_RETURNED, "connect returned "
                        + value.path() + "; the devices of " + volume.wwid() + " are " + own.devices() + ", its maps "
                        + own.maps()));
            }
            value.scsiWwn().filter(wwid -> !wwid.value().equals(volume.wwid())).ifPresent(wwid -> violations.add(
                    new Violation(index, Violation.Invariant.WRONG_DEVICE_RETURNED, "connect returned scsi_wwn "
                            + wwid.value() + " for volume " + volume.wwid())));
        }

        private void checkNothingLeft(int index, int number, Topology.Volume volume) {
            Leftovers left = host.oracle().leftovers(Wwid.of(volume.wwid()));
            // sessions and node records stay while a device of another volume of the target is on the host (an
            // attached volume, or one whose device a failed connect's scan made after it gave up)
            boolean targetShared = topology.volumes().stream()
                    .filter(other -> !other.wwid().equals(volume.wwid()) && other.iqn().equals(volume.iqn()))
                    .anyMatch(other -> !host.oracle().leftovers(Wwid.of(other.wwid())).devices().isEmpty());
            List<String> problems = new ArrayList<>();
            add(problems, "devices", left.devices());
            add(problems, "maps", left.maps());
            add(problems, "by-id links", left.links());
            if (!targetShared) {
                add(problems, "sessions", left.sessions());
                add(problems, "node records", left.nodeRecords());
            }
            if (!problems.isEmpty()) {
                violations.add(new Violation(index, Violation.Invariant.LEFTOVERS, "after a successful disconnect of "
                        + volume.wwid() + ": " + String.join("; ", problems)));
            }
        }

        private static void add(List<String> problems, String what, List<String> left) {
            if (!left.isEmpty()) {
                problems.add(what + " " + left);
            }
        }

        private void inject(int index, Fault fault) {
            Faults faults = host.faults();
            String portal = topology.portal(fault.index());
            Topology.Volume volume = topology.volume(fault.index());
            try {
                switch (fault.type()) {
                    case LOGIN_REFUSED -> faults.loginRefused(portal, Faults.Reason.AUTH);
                    case LOGIN_TARGET_GONE -> faults.loginRefused(portal, Faults.Reason.TARGET_GONE);
                    case LOGIN_HANGS -> faults.loginHangs(portal);
                    case SLOW_LOGIN -> faults.slowLogin(portal, Duration.ofMillis(fault.amount()));
                    case FLAKY_LOGIN -> faults.flakyLogin(portal, fault.amount() / 100.0);
                    case PATH_DOWN_AFTER_LOGIN -> faults.pathDownAfterLogin(portal);
                    case PATH_DOWN -> faults.pathDown(portal);
                    case PATH_UP -> faults.pathUp(portal);
                    case PATH_DOWN_DURING_FLUSH -> faults.pathDownDuringFlush(portal);
                    case BUSY_MAP -> faults.busyMap(volume.wwid());
                    case ALL_PATHS_DOWN -> faults.allPathsDown(volume.wwid());
                    case SLOW_UDEV -> faults.slowUdev(Duration.ofMillis(fault.amount()));
                    case SLOW_ISCSIADM -> faults.slowIscsiadm(Duration.ofMillis(fault.amount()));
                    case ISCSIADM_FAILS -> faults.iscsiadmFails(8, (int) fault.amount());
                    case ISCSIADM_FLAKY -> faults.iscsiadmFails(8, fault.amount() / 100.0);
                    case MULTIPATHD_DOWN -> {
                        faults.multipathdDown();
                        multipathdDown = true;
                    }
                }
            } catch (RuntimeException refused) {
                violations.add(new Violation(index, Violation.Invariant.HARNESS, "injecting " + fault.describe()
                        + " failed: " + refused));
            }
        }

        /** New data-loss and wrong-device events since the last check. */
        private void checkOracle(int index, Step step) {
            List<DataLossEvent> losses = host.oracle().dataLossEvents();
            for (DataLossEvent loss : losses.subList(dataLossSeen, losses.size())) {
                // force may lose data, but only the volume's own, and only once a flush of it could not be done
                boolean allowed = step.action().forced() && loss.wwid().equals(topology.volume(step.volume()).wwid())
                        && (loss.forced() || flushFailed);
                if (allowed) {
                    forcedDataLoss++;
                } else {
                    violations.add(new Violation(index, Violation.Invariant.DATA_LOSS, loss.toString()));
                }
            }
            dataLossSeen = losses.size();
            List<WrongDeviceEvent> wrong = host.oracle().wrongDeviceEvents();
            for (WrongDeviceEvent event : wrong.subList(wrongDeviceSeen, wrong.size())) {
                violations.add(new Violation(index, Violation.Invariant.WRONG_DEVICE, event.toString()));
            }
            wrongDeviceSeen = wrong.size();
        }

        /** Every fault cleared, every portal up: every volume must detach, and nothing may be left. */
        private void teardown() {
            host.faults().clear();
            topology.portals().forEach(host.faults()::pathUp);
            host.clock().sleep(SETTLE);
            DisconnectOptions options = multipathdDown ? new DisconnectOptions(true, false) : DisconnectOptions.SAFE;
            Step last = multipathdDown ? Step.disconnectForce(0) : Step.disconnect(0);
            for (int number = 0; number < topology.volumes().size(); number++) {
                if (!touched.contains(number)) {
                    continue; // never connected, extended or disconnected: nothing of it can be on the host
                }
                Topology.Volume volume = topology.volume(number);
                Optional<AttachedVolume> device = Optional.ofNullable(attached.get(number));
                Wwid wwid = Wwid.of(volume.wwid());
                host.oracle().operatingOn(wwid);
                flushFailed = false;
                try {
                    connector.disconnect(properties(volume), device, options);
                } catch (BrickException failed) {
                    violations.add(new Violation(Violation.TEARDOWN, Violation.Invariant.UNCLEAN_END,
                            "disconnecting volume " + number + " with every fault cleared failed: " + failed));
                } catch (VirtualMachineError fatal) {
                    throw fatal;
                } catch (RuntimeException | Error untyped) {
                    violations.add(new Violation(Violation.TEARDOWN, Violation.Invariant.UNTYPED_ERROR,
                            "teardown disconnect of volume " + number + " threw " + untyped + " at " + frames(untyped)));
                } finally {
                    host.oracle().done(wwid);
                }
                checkOracle(Violation.TEARDOWN, new Step(last.action(), number, Optional.empty(), 0));
            }
            Leftovers left = host.oracle().leftovers();
            if (!left.isEmpty()) {
                violations.add(new Violation(Violation.TEARDOWN, Violation.Invariant.UNCLEAN_END,
                        "left on the host after every volume was disconnected: " + left));
            }
        }

        private static String frames(Throwable error) {
            return Arrays.stream(error.getStackTrace()).limit(4).map(StackTraceElement::toString)
                    .collect(Collectors.joining(" < "));
        }
    }
}
