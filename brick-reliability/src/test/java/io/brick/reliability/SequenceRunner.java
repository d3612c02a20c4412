package io.brick.reliability;

import io.brick.core.bootstrap.Brick;
import io.brick.core.connector.Connector;
import io.brick.core.connector.ConnectorConfig;
import io.brick.core.connector.DisconnectOptions;
import io.brick.core.error.BrickException;
import io.brick.core.error.OperationInterruptedException;
import io.brick.core.lock.ProcessLocks;
import io.brick.core.model.AttachedVolume;
import io.brick.core.model.ConnectionProperties;
import io.brick.core.model.DevicePath;
import io.brick.core.model.Protocol;
import io.brick.core.model.Wwid;
import io.brick.fc.FcPlugin;
import io.brick.iscsi.IscsiPlugin;
import io.brick.multipath.MultipathPlugin;
import io.brick.sysfs.SysfsPlugin;
import io.brick.testkit.host.CommandLogEntry;
import io.brick.testkit.host.DataLossEvent;
import io.brick.testkit.host.FaultKind;
import io.brick.testkit.host.Faults;
import io.brick.testkit.host.Leftovers;
import io.brick.testkit.host.SimulatedHost;
import io.brick.testkit.host.SysfsWrite;
import io.brick.testkit.host.WrongDeviceEvent;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static java.util.Objects.requireNonNull;

/**
 * Runs one {@link Scenario} on a fresh simulated host with a whole brick runtime (sysfs, multipath, and the iSCSI or
 * Fibre Channel plugin) and checks the invariants after every step (after both operations of a concurrent step):
 * <ul>
 *   <li>no data-loss event, except of the volume a forced disconnect is about, once a flush of it failed (what
 *   {@code force} is for: it goes on and removes what could not be flushed);</li>
 *   <li>no wrong-device event (the oracle is told which volume each operation is about);</li>
 *   <li>no device at another volume's address (its LUN) deleted, where every volume has its own LUN number: what
 *   tells volumes apart once two LUNs report one WWID;</li>
 *   <li>a connect returns a device or map of the volume's WWID (after a LUN reuse, the new volume's);</li>
 *   <li>after a disconnect that succeeded (without {@code ignoreErrors}, which hides failures by design) nothing of
 *   the volume is left: no device, map or by-id link, and, when no other attached volume shares its target, no
 *   session and no node record;</li>
 *   <li>every operation ends within its budget ({@link #config}) plus {@link #SLACK}, in simulated time;</li>
 *   <li>every failure is a {@link BrickException};</li>
 *   <li>an extend that succeeds reports the LUN's new size.</li>
 * </ul>
 * The sequence stops at the first step with a violation. Otherwise it ends with a clean-up: faults cleared, every
 * portal, target port and HBA link back up, every volume disconnected ({@code SAFE}; {@code force} once multipathd is
 * down, since it never comes back), and then nothing may be left on the host but stale devices of volumes whose LUN
 * was reused and devices whose LUN reports another's WWID (brick must not remove what it cannot tell is its own), with
 * their maps, links, sessions and node records.
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
    static ConnectorConfig config(boolean multipath) {
        return new ConnectorConfig(multipath, Duration.ofSeconds(60), Duration.ofSeconds(15),
                Duration.ofSeconds(10), Duration.ofSeconds(2), Duration.ofSeconds(60), Duration.ofSeconds(60));
    }

    /** The Fibre Channel connector's settings: the same budgets as iSCSI's ({@link #config}). */
    static ConnectorConfig fcConfig(boolean multipath) {
        ConnectorConfig same = config(multipath);
        return new ConnectorConfig(multipath, same.connectTimeout(), Duration.ofSeconds(15), Duration.ofSeconds(10),
                Duration.ofSeconds(2), same.disconnectTimeout(), same.extendTimeout());
    }

    SequenceResult run(Scenario scenario) {
        Path dir;
        try {
            dir = Files.createTempDirectory(workDir, "seed-" + scenario.seed() + "-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Topology topology = scenario.topology();
        try (SimulatedHost host = topology.host(dir, scenario.seed());
             Brick brick = Brick.builder()
                     .plugins(new SysfsPlugin(), new MultipathPlugin(), topology.fibreChannel()
                             ? new FcPlugin(fcConfig(topology.multipath()))
                             : new IscsiPlugin(config(topology.multipath())))
                     .hostRoot(host.hostRoot()).commandRunner(host.commandRunner())
                     .clock(host.clock()).sleeper(host.clock()).processLocks(ProcessLocks.none())
                     .build()) {
            Connector connector = decorator.decorate(brick.connector(topology.protocol()), host);
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

    /**
     * One run of one scenario: the model of what is attached and of which volume each LUN now holds, and the checks.
     * The two threads of a concurrent step share it, hence the concurrent collections and the synchronized updates.
     */
    private static final class Execution {
        private final Scenario scenario;
        private final Topology topology;
        private final SimulatedHost host;
        private final Connector connector;
        private final ConnectorConfig config;
        private final Map<Integer, AttachedVolume> attached = new ConcurrentHashMap<>();
        private final Map<Integer, Long> sizes = new ConcurrentHashMap<>();
        /** The WWID each volume's LUN holds now (a reuse gives it a new one). */
        private final Map<Integer, String> wwids = new ConcurrentHashMap<>();
        /** WWIDs whose LUN was given to another volume: their devices left on the host are stale. */
        private final Set<String> retired = ConcurrentHashMap.newKeySet();
        /** Volumes whose LUN reports volume 0's WWID. */
        private final Set<Integer> duplicated = ConcurrentHashMap.newKeySet();
        /**
         * LUNs reused while they reported volume 0's WWID (seeds 5663, 7314, 11333): their devices stay stale and go
         * on reporting that WWID, which is volume 0's, so they are excused by LUN, not by WWID.
         */
        private final Set<Integer> staleDuplicateLuns = ConcurrentHashMap.newKeySet();
        private final Set<Integer> touched = ConcurrentHashMap.newKeySet();
        private final List<Violation> violations = Collections.synchronizedList(new ArrayList<>());
        private final Map<String, Integer> outcomes = new ConcurrentHashMap<>();
        private int reuses;
        private boolean multipathdDown;
        private int dataLossSeen;
        private int wrongDeviceSeen;
        private int writesSeen;
        private int forcedDataLoss;
        /** Whether an operation of the step ran a flush that failed or timed out: a forced disconnect may lose data. */
        private volatile boolean flushFailed;
        /** Targets of volumes whose disconnect failed or ran with ignoreErrors in the current step (see checkNothingLeft). */
        private final Set<String> ignoredTargets = java.util.concurrent.ConcurrentHashMap.newKeySet();
        private Duration longest = Duration.ZERO;
        private double closest;

        Execution(Scenario scenario, SimulatedHost host, Connector connector) {
            this.scenario = scenario;
            this.topology = scenario.topology();
            this.host = host;
            this.connector = connector;
            this.config = config(topology.multipath());
            for (int number = 0; number < topology.volumes().size(); number++) {
                wwids.put(number, topology.volume(number).wwid());
            }
            if (topology.fibreChannel()) {
                // a remote port that logs in again is scanned for every LUN: any volume's devices can appear
                for (int number = 0; number < topology.volumes().size(); number++) {
                    touched.add(number);
                }
            }
        }

        SequenceResult run() {
            List<Step> steps = scenario.steps();
            for (int i = 0; i < steps.size() && violations.isEmpty(); i++) {
                List<Runnable> checks = Collections.synchronizedList(new ArrayList<>());
                flushFailed = false;
                ignoredTargets.clear();
                if (steps.get(i).action() == Step.Action.CONCURRENT) {
                    concurrently(i, steps.get(i), checks);
                } else {
                    step(i, steps.get(i), checks);
                }
                checks.forEach(Runnable::run);
                checkOracle(i, steps.get(i));
            }
            Map<FaultKind, Integer> fired = host.oracle().firedByKind();
            if (violations.isEmpty()) {
                teardown();
            }
            return new SequenceResult(scenario, violations, outcomes, fired, forcedDataLoss, longest, closest);
        }

        /** The volume as the storage holds it now: its WWID after any reuse of its LUN. */
        private Topology.Volume current(int number) {
            Topology.Volume volume = topology.volume(number);
            return new Topology.Volume(volume.target(), volume.ports(), volume.lun(), wwids.get(number),
                    volume.sizeBytes());
        }

        /** Both operations of a concurrent step, each on its own thread; their checks wait for both. */
        private void concurrently(int index, Step step, List<Runnable> checks) {
            List<Thread> threads = new ArrayList<>();
            List<Throwable> broken = Collections.synchronizedList(new ArrayList<>());
            for (Step part : step.parts()) {
                Thread thread = new Thread(() -> {
                    try {
                        step(index, part, checks);
                    } catch (VirtualMachineError fatal) {
                        throw fatal;
                    } catch (RuntimeException | Error unexpected) {
                        broken.add(unexpected);
                    }
                }, "campaign-seed-" + scenario.seed() + "-" + part.describe());
                thread.setDaemon(true);
                threads.add(thread);
            }
            threads.forEach(Thread::start);
            try {
                for (Thread thread : threads) {
                    thread.join();
                }
            } catch (InterruptedException e) {
                threads.forEach(Thread::interrupt);
                Thread.currentThread().interrupt();
                throw new OperationInterruptedException("the sequence was interrupted", e);
            }
            broken.forEach(error -> violations.add(new Violation(index, Violation.Invariant.HARNESS,
                    "a concurrent operation's thread failed: " + error + " at " + frames(error))));
        }

        /** Runs one step; the checks that must wait for a concurrent step's other operation go into {@code checks}. */
        private void step(int index, Step step, List<Runnable> checks) {
            int number = step.volume() % topology.volumes().size();
            Topology.Volume volume = current(number);
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
                    topology.resize(host, volume, size);
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
                    int writesBefore = host.oracle().sysfsWrites().size();
                    Optional<Boolean> done = operation(index, name, volume, config.disconnectTimeout(), () -> {
                        connector.disconnect(properties(volume), device, options);
                        return Boolean.TRUE;
                    });
                    if (done.isPresent()) {
                        // what is left when it returns, at the same simulated instant: devices a kernel scan makes
                        // afterwards (a remote port that logged in again is scanned for every LUN) are not its doing
                        Leftovers atReturn = host.oracle().leftovers(Wwid.of(volume.wwid()));
                        attached.remove(number);
                        List<SysfsWrite> writes = host.oracle().sysfsWrites();
                        List<SysfsWrite> during = List.copyOf(writes.subList(Math.min(writesBefore, writes.size()),
                                writes.size()));
                        if (!options.ignoreErrors()) {
                            checks.add(() -> checkNothingLeft(index, volume, during, atReturn));
                        } else {
                            ignoredTargets.add(volume.target());
                        }
                    } else {
                        // failed (seed 6048): the session or node record it could not remove is its leftover, not
                        // that of another volume's disconnect of the same target in this step, which, had it run
                        // after this one alone, would have been checked while this volume was still attached
                        ignoredTargets.add(volume.target());
                    }
                }
                case FAULT -> inject(index, step.fault().orElseThrow());
                case CLEAR_FAULTS -> host.faults().clear();
                case WAIT -> host.clock().sleep(Duration.ofSeconds(step.seconds()));
                case CONCURRENT -> throw new IllegalArgumentException("a concurrent step inside another: " + step);
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
                if (log.subList(Math.min(commands, log.size()), log.size()).stream()
                        .anyMatch(entry -> isFlush(entry) && (entry.exitCode() != 0 || entry.timedOut()))) {
                    flushFailed = true;
                }
                Duration took = host.clock().elapsed().minus(start);
                timed(took, budget);
                if (took.compareTo(budget.plus(SLACK)) > 0) {
                    violations.add(new Violation(index, Violation.Invariant.OVER_BUDGET, name + " took "
                            + took.toMillis() + " ms (simulated); its budget is " + budget.toMillis() + " ms"));
                }
            }
        }

        private synchronized void timed(Duration took, Duration budget) {
            if (took.compareTo(longest) > 0) {
                longest = took;
            }
            closest = Math.max(closest, (double) took.toMillis() / budget.toMillis());
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
            String name = kernelName(value.path());
            if (!own.devices().contains(name) && !own.maps().contains(name)) {
                violations.add(new Violation(index, Violation.Invariant.WRONG_DEVICE_RETURNED, "connect returned "
                        + value.path() + "; the devices of " + volume.wwid() + " are " + own.devices() + ", its maps "
                        + own.maps()));
            }
            value.scsiWwn().filter(wwid -> !wwid.value().equals(volume.wwid())).ifPresent(wwid -> violations.add(
                    new Violation(index, Violation.Invariant.WRONG_DEVICE_RETURNED, "connect returned scsi_wwn "
                            + wwid.value() + " for volume " + volume.wwid())));
        }

        /**
         * The kernel name a returned path stands for: {@code sda} or {@code dm-0} as such, and the target of a
         * {@code /dev/disk/by-id} or {@code by-path} link (what the Fibre Channel connector returns) in the host's
         * tree.
         */
        private String kernelName(DevicePath path) {
            String text = path.path();
            if (!text.startsWith("/dev/disk/")) {
                return path.name();
            }
            Path link = Path.of(host.hostRoot().dev(), text.substring("/dev/".length()));
            try {
                return Files.isSymbolicLink(link) ? Files.readSymbolicLink(link).getFileName().toString() : path.name();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /**
         * Nothing of the volume after its disconnect succeeded. {@code during} is the sysfs writes made while it ran:
         * a device it deleted that is back afterwards, with no scan of its LUN since, was made again by a scan issued
         * before the disconnect began (a connect's rescans with slow udev: the simulated kernel makes a scanned device
         * after the scan's latency, where a real {@code scan} write is synchronous; see the README). That is counted,
         * not a violation; the clean-up must still remove it.
         */
        private void checkNothingLeft(int index, Topology.Volume volume, List<SysfsWrite> during, Leftovers atReturn) {
            // what was there when it returned and still is; devices made afterwards count only when a scan it wrote
            // could have made them (seed 10734: a port's login; seed 5543: a failed connect of another volume of
            // the target in the same step, whose session and node records it kept for a device it rejected)
            Leftovers now = host.oracle().leftovers(Wwid.of(volume.wwid()));
            List<String> later = now.devices().stream().filter(device -> !atReturn.devices().contains(device))
                    .filter(device -> !scannedDuring(device, during)).toList();
            if (!later.isEmpty()) {
                count("disconnect: device made after it returned by a scan it did not write");
            }
            Leftovers all = new Leftovers(
                    now.devices().stream().filter(device -> !later.contains(device)).toList(),
                    now.maps().stream().filter(atReturn.maps()::contains).toList(),
                    now.sessions().stream().filter(atReturn.sessions()::contains).toList(),
                    now.nodeRecords().stream().filter(atReturn.nodeRecords()::contains).toList(),
                    now.links().stream().filter(atReturn.links()::contains).toList());
            if (!all.devices().isEmpty() && all.devices().stream().allMatch(device -> madeAgain(device, during))) {
                count("disconnect: deleted device made again by an earlier scan (simulator)");
                return;
            }
            Leftovers left = all;
            // a LUN that reports this volume's WWID is not this volume: brick must leave its devices alone
            Set<Integer> otherLuns = new LinkedHashSet<>();
            duplicated.forEach(number -> otherLuns.add(topology.volume(number).lun()));
            otherLuns.addAll(staleDuplicateLuns);
            List<String> devices = left.devices().stream().filter(device -> !otherLuns.contains(lunOf(device)))
                    .toList();
            boolean othersLeft = devices.size() < left.devices().size();
            List<String> problems = new ArrayList<>();
            add(problems, "devices", devices);
            add(problems, "maps", othersLeft ? List.of() : left.maps());
            add(problems, "by-id links", othersLeft ? List.of() : left.links());
            // a disconnect of another volume of the target in the same step (two at once) that failed, or that ran with
            // ignoreErrors (which hides its failures by design): a session or node record it failed to remove is its
            // leftover, not this one's
            if (!othersLeft && !targetInUse(volume) && !ignoredTargets.contains(volume.target())) {
                add(problems, "sessions", left.sessions());
                add(problems, "node records", left.nodeRecords());
            }
            if (!problems.isEmpty()) {
                violations.add(new Violation(index, Violation.Invariant.LEFTOVERS, "after a successful disconnect of "
                        + volume.wwid() + ": " + String.join("; ", problems)));
            }
        }

        /**
         * Whether a device of another volume of the target is on the host, so its sessions and node records stay: an
         * attached volume, one whose device a failed connect's scan made after it gave up, a stale device of a reused
         * LUN, or a device of a LUN that reports another's WWID.
         */
        private boolean targetInUse(Topology.Volume volume) {
            Set<String> others = new LinkedHashSet<>(retired);
            for (int number = 0; number < topology.volumes().size(); number++) {
                Topology.Volume other = current(number);
                if (other.target().equals(volume.target()) && !other.wwid().equals(volume.wwid())) {
                    others.add(other.wwid());
                }
            }
            if (!duplicated.isEmpty()) {
                others.add(wwids.get(0));
            }
            others.remove(volume.wwid());
            return others.stream().anyMatch(wwid -> !host.oracle().leftovers(Wwid.of(wwid)).devices().isEmpty());
        }

        /** Whether the disconnect deleted the device's address and nothing scanned its LUN after (see above). */
        private boolean madeAgain(String device, List<SysfsWrite> during) {
            Optional<String> address = hctlOf(device);
            if (address.isEmpty()) {
                return false;
            }
            String hctl = address.get();
            String[] parts = hctl.split(":");
            int deleted = -1;
            for (int i = 0; i < during.size(); i++) {
                Path path = Path.of(during.get(i).path());
                if (path.getFileName().toString().equals("delete") && path.getParent() != null
                        && path.getParent().getFileName().toString().equals(hctl)) {
                    deleted = i;
                }
            }
            if (deleted < 0 || parts.length != 4) {
                return false;
            }
            return during.subList(deleted, during.size()).stream().noneMatch(write -> scans(write, parts));
        }

        /** Whether a sysfs write is a scan that could make the device at {@code hctl} (its host; its LUN or any). */
        private static boolean scans(SysfsWrite write, String[] hctl) {
            Path path = Path.of(write.path());
            String[] scan = write.value().trim().split("\\s+");
            return path.getFileName().toString().equals("scan") && path.toString().contains("/host" + hctl[0] + "/")
                    && scan.length == 3 && (scan[2].equals(hctl[3]) || scan[2].equals("-"));
        }

        /** Whether the disconnect wrote a scan that could have made this device (its host, its LUN or any). */
        private boolean scannedDuring(String device, List<SysfsWrite> during) {
            Optional<String[]> parts = hctlOf(device).map(hctl -> hctl.split(":"));
            return parts.isPresent() && (parts.get().length != 4
                    || during.stream().anyMatch(write -> scans(write, parts.get())));
        }

        /** A SCSI device's H:C:T:L, from its sysfs directory; empty once it is gone. */
        private Optional<String> hctlOf(String device) {
            try {
                return Optional.of(host.sysfs().scsiDeviceDirectory(device).getFileName().toString());
            } catch (RuntimeException gone) {
                return Optional.empty();
            }
        }

        /** The LUN of a SCSI device on the host, from its sysfs directory ({@code .../H:C:T:L}); -1 once it is gone. */
        private int lunOf(String device) {
            try {
                String[] hctl = host.sysfs().scsiDeviceDirectory(device).getFileName().toString().split(":");
                return hctl.length == 4 ? Integer.parseInt(hctl[3]) : -1;
            } catch (RuntimeException gone) {
                return -1;
            }
        }

        private static void add(List<String> problems, String what, List<String> left) {
            if (!left.isEmpty()) {
                problems.add(what + " " + left);
            }
        }

        private void inject(int index, Fault fault) {
            Faults faults = host.faults();
            String port = topology.port(fault.index());
            int number = fault.index() % topology.volumes().size();
            Topology.Volume volume = current(number);
            boolean fc = topology.fibreChannel();
            try {
                switch (fault.type()) {
                    case LOGIN_REFUSED -> faults.loginRefused(port, Faults.Reason.AUTH);
                    case LOGIN_TARGET_GONE -> faults.loginRefused(port, Faults.Reason.TARGET_GONE);
                    case LOGIN_HANGS -> faults.loginHangs(port);
                    case SLOW_LOGIN -> faults.slowLogin(port, Duration.ofMillis(fault.amount()));
                    case FLAKY_LOGIN -> faults.flakyLogin(port, fault.amount() / 100.0);
                    case PATH_DOWN_AFTER_LOGIN -> faults.pathDownAfterLogin(port);
                    case PATH_DOWN -> {
                        if (fc) {
                            faults.fcPortDown(port);
                        } else {
                            faults.pathDown(port);
                        }
                    }
                    case PATH_UP -> {
                        if (fc) {
                            faults.fcPortUp(port);
                        } else {
                            faults.pathUp(port);
                        }
                    }
                    case PATH_DOWN_DURING_FLUSH -> faults.pathDownDuringFlush(port);
                    case HBA_LINK_DOWN -> host.fabric().hbaLinkDown(hba(fault.index()));
                    case HBA_LINK_UP -> host.fabric().hbaLinkUp(hba(fault.index()));
                    case BUSY_MAP -> faults.busyMap(volume.wwid());
                    case ALL_PATHS_DOWN -> faults.allPathsDown(volume.wwid());
                    case REUSE_LUN -> reuse(number, volume);
                    case DUPLICATE_WWID -> duplicate(number, volume);
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

        /**
         * The volume's LUN reports volume 0's WWID from now on: skipped while the host has a device of the volume (the
         * campaign's misconfigured array presents the LUN so before the host sees it; a device the host already has
         * would turn stale, which is the reuse fault's subject).
         */
        private void duplicate(int number, Topology.Volume volume) {
            if (number == 0) {
                throw new IllegalArgumentException("volume 0's WWID is the one duplicated");
            }
            if (attached.containsKey(number)
                    || !host.oracle().leftovers(Wwid.of(volume.wwid())).devices().isEmpty()) {
                count("duplicate WWID: skipped (the host has a device of the volume)");
                return;
            }
            topology.duplicate(host, volume, current(0));
            duplicated.add(number);
            count("duplicate WWID: injected");
        }

        private int hba(int index) {
            return topology.hbas().get(index % topology.hbas().size()).hostNumber();
        }

        /**
         * The array gives the volume's LUN to a new volume; the caller forgets the old one (its devices stay, stale),
         * and operations on the volume are about the new one from then on.
         */
        private void reuse(int number, Topology.Volume volume) {
            String fresh = Topology.reusedWwid(topology.volume(number).wwid(), ++reuses);
            topology.reuse(host, volume, fresh);
            retired.add(volume.wwid());
            wwids.put(number, fresh);
            if (duplicated.remove(number)) {
                staleDuplicateLuns.add(volume.lun());
            }
            if (attached.remove(number) != null) {
                count("reuse: attached volume forgotten");
            }
        }

        /** New data-loss and wrong-device events and deletes since the last check. */
        private void checkOracle(int index, Step step) {
            List<DataLossEvent> losses = host.oracle().dataLossEvents();
            for (DataLossEvent loss : losses.subList(dataLossSeen, losses.size())) {
                // force may lose data, but only the volume's own, and only once a flush of it could not be done
                boolean allowed = forcedOn(step, loss.wwid()) && (loss.forced() || flushFailed);
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
            checkDeletes(index, step);
        }

        /** Whether the step is a forced disconnect of the volume that holds (or held) that WWID. */
        private boolean forcedOn(Step step, String wwid) {
            if (step.action() == Step.Action.CONCURRENT) {
                return step.parts().stream().anyMatch(part -> forcedOn(part, wwid));
            }
            int number = step.volume() % topology.volumes().size();
            return step.action().forced() && wwid.equals(wwids.get(number));
        }

        /**
         * Where every volume has its own LUN number, a {@code delete} of a device at another volume's LUN is a wrong
         * device even when the oracle cannot tell (two LUNs reporting one WWID). Fault steps delete nothing.
         */
        private void checkDeletes(int index, Step step) {
            List<SysfsWrite> writes = host.oracle().sysfsWrites();
            List<SysfsWrite> fresh = writes.subList(Math.min(writesSeen, writes.size()), writes.size());
            writesSeen = writes.size();
            if (!topology.distinctLuns()) {
                return;
            }
            Set<Integer> luns = new LinkedHashSet<>();
            (step.action() == Step.Action.CONCURRENT ? step.parts() : List.of(step)).forEach(each ->
                    luns.add(topology.volume(each.volume()).lun()));
            for (SysfsWrite write : fresh) {
                Path path = Path.of(write.path());
                if (!path.getFileName().toString().equals("delete") || path.getParent() == null) {
                    continue;
                }
                String[] hctl = path.getParent().getFileName().toString().split(":");
                if (hctl.length != 4) {
                    continue;
                }
                int lun = Integer.parseInt(hctl[3]);
                if (!luns.contains(lun)) {
                    violations.add(new Violation(index, Violation.Invariant.WRONG_DEVICE, "deleted the device at "
                            + String.join(":", hctl) + " (LUN " + lun + ", not a LUN of " + step.describe() + ")"));
                }
            }
        }

        /**
         * Every fault cleared, every path back: every volume must detach, and nothing may be left but what brick must
         * not remove (stale devices of reused LUNs, devices of a LUN reporting another's WWID).
         */
        private void teardown() {
            host.faults().clear();
            if (topology.fibreChannel()) {
                topology.ports().forEach(host.faults()::fcPortUp);
                topology.hbas().forEach(hba -> host.fabric().hbaLinkUp(hba.hostNumber()));
            } else {
                topology.ports().forEach(host.faults()::pathUp);
            }
            host.clock().sleep(SETTLE);
            DisconnectOptions options = multipathdDown ? new DisconnectOptions(true, false) : DisconnectOptions.SAFE;
            Step last = multipathdDown ? Step.disconnectForce(0) : Step.disconnect(0);
            for (int number = 0; number < topology.volumes().size(); number++) {
                if (!touched.contains(number)) {
                    continue; // never connected, extended or disconnected: nothing of it can be on the host
                }
                Topology.Volume volume = current(number);
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
            Leftovers left = excused(host.oracle().leftovers());
            if (!left.isEmpty()) {
                violations.add(new Violation(Violation.TEARDOWN, Violation.Invariant.UNCLEAN_END,
                        "left on the host after every volume was disconnected: " + left));
            }
        }

        /**
         * The leftovers without what brick must leave: devices, maps and links of retired WWIDs (stale devices of
         * reused LUNs) and of volume 0's WWID once another LUN reports it; sessions and node records too while any of
         * those devices is left.
         */
        private Leftovers excused(Leftovers left) {
            Set<String> excusedWwids = new LinkedHashSet<>(retired);
            if (!duplicated.isEmpty()) {
                excusedWwids.add(wwids.get(0));
            }
            if (!staleDuplicateLuns.isEmpty() && host.oracle().leftovers(Wwid.of(wwids.get(0))).devices().stream()
                    .anyMatch(device -> staleDuplicateLuns.contains(lunOf(device)))) {
                // a stale device of a LUN reused while it reported volume 0's WWID (its links follow it)
                excusedWwids.add(wwids.get(0));
            }
            if (excusedWwids.isEmpty()) {
                return left;
            }
            List<String> devices = new ArrayList<>(left.devices());
            List<String> maps = new ArrayList<>(left.maps());
            List<String> links = new ArrayList<>(left.links());
            boolean kept = false;
            for (String wwid : excusedWwids) {
                Leftovers stale = host.oracle().leftovers(Wwid.of(wwid));
                kept |= !stale.devices().isEmpty() || !stale.maps().isEmpty();
                devices.removeAll(stale.devices());
                maps.removeAll(stale.maps());
                links.removeAll(stale.links());
            }
            return new Leftovers(devices, maps, kept ? List.of() : left.sessions(),
                    kept ? List.of() : left.nodeRecords(), links);
        }

        private static String frames(Throwable error) {
            return Arrays.stream(error.getStackTrace()).limit(4).map(StackTraceElement::toString)
                    .collect(Collectors.joining(" < "));
        }
    }
}
