package io.brick.testkit.host;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.SplittableRandom;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * Faults to inject into a {@link SimulatedHost}, per portal and per step. Random choices (a flaky login, an
 * iscsiadm failing with a probability) come from the host's seed, so a run repeats exactly. A fault never fires
 * unless configured; each firing is recorded in {@link Oracle#fired()}. Portals are written {@code address:port}.
 * <pre>{@code
 * host.faults().loginRefused("127.0.0.2:3260", Faults.Reason.AUTH);
 * host.faults().slowUdev(Duration.ofSeconds(3));
 * host.faults().pathDown("127.0.0.1:3260");   // now
 * }</pre>
 */
public final class Faults {
    /** Why a login is refused. */
    public enum Reason {
        /** Authentication failed (exit code 24). */
        AUTH,
        /** The target is gone (exit code 19; 8 when the portal is down too). */
        TARGET_GONE
    }

    private final SimulatedClock clock;
    private final SplittableRandom random;
    private final Map<String, Reason> refused = new LinkedHashMap<>();
    private final Set<String> hanging = new LinkedHashSet<>();
    private final Map<String, Double> flaky = new LinkedHashMap<>();
    private final Map<String, Duration> slowLogins = new LinkedHashMap<>();
    private final Set<String> downAfterLogin = new LinkedHashSet<>();
    private final Set<String> downDuringFlush = new LinkedHashSet<>();
    private final Set<String> busyMaps = new LinkedHashSet<>();
    private Duration slowUdev = Duration.ZERO;
    private Duration slowIscsiadm = Duration.ZERO;
    private boolean keepRemovedPaths;
    private int failingCode;
    private int failingTimes;
    private double failingProbability;
    private Kernel kernel;

    Faults(SimulatedClock clock, long seed) {
        this.clock = clock;
        this.random = new SplittableRandom(seed);
    }

    void kernel(Kernel value) {
        this.kernel = value;
    }

    /** Every login to that portal is refused for that reason. */
    public Faults loginRefused(String portal, Reason reason) {
        requireNonNull(portal, "portal is null");
        requireNonNull(reason, "reason is null");
        synchronized (clock) {
            refused.put(portal, reason);
        }
        return this;
    }

    /** Every login to that portal hangs until the command's timeout. */
    public Faults loginHangs(String portal) {
        requireNonNull(portal, "portal is null");
        synchronized (clock) {
            hanging.add(portal);
        }
        return this;
    }

    /** Every login to that portal takes {@code delay} longer (a slow or distant portal); its result is unchanged. */
    public Faults slowLogin(String portal, Duration delay) {
        requireNonNull(portal, "portal is null");
        requireNonNull(delay, "delay is null");
        if (delay.isNegative()) {
            throw new IllegalArgumentException("a delay is not negative: " + delay);
        }
        synchronized (clock) {
            slowLogins.put(portal, delay);
        }
        return this;
    }

    /** Each login to that portal fails (exit code 8) with that probability (0 to 1), drawn from the seed. */
    public Faults flakyLogin(String portal, double probability) {
        requireNonNull(portal, "portal is null");
        if (!(probability >= 0 && probability <= 1)) {
            throw new IllegalArgumentException("a probability is between 0 and 1: " + probability);
        }
        synchronized (clock) {
            flaky.put(portal, probability);
        }
        return this;
    }

    /** The portal's path goes down right after the next successful login to it. */
    public Faults pathDownAfterLogin(String portal) {
        requireNonNull(portal, "portal is null");
        synchronized (clock) {
            downAfterLogin.add(portal);
        }
        return this;
    }

    /**
     * The portal goes down now: its sessions FAILED, connections failed, devices {@code blocked}, then
     * {@code transport-offline} after the session's recovery_tmo; logins to it fail with exit code 8.
     */
    public Faults pathDown(String portal) {
        requireNonNull(portal, "portal is null");
        synchronized (clock) {
            kernel.processWrites();
            kernel.oracle.fire(FaultKind.PATH_DOWN, portal);
            kernel.pathDown(portal);
        }
        return this;
    }

    /** The portal is back now: sessions LOGGED_IN, devices {@code running}. */
    public Faults pathUp(String portal) {
        requireNonNull(portal, "portal is null");
        synchronized (clock) {
            kernel.processWrites();
            kernel.oracle.fire(FaultKind.PATH_UP, portal);
            kernel.pathUp(portal);
        }
        return this;
    }

    /**
     * The portal comes back after {@code delay} of simulated time ({@link #pathUp}): a target that reboots, its
     * sessions {@code FAILED} until then.
     */
    public Faults pathUpAfter(String portal, Duration delay) {
        requireNonNull(portal, "portal is null");
        requireNonNull(delay, "delay is null");
        clock.schedule(delay, () -> pathUp(portal));
        return this;
    }

    /** The next flush of a map with a path on that portal sees that portal go down first. */
    public Faults pathDownDuringFlush(String portal) {
        requireNonNull(portal, "portal is null");
        synchronized (clock) {
            downDuringFlush.add(portal);
        }
        return this;
    }

    /** The map of that WWID cannot be flushed or removed: someone holds it ({@code map in use}). */
    public Faults busyMap(String wwid) {
        requireNonNull(wwid, "wwid is null");
        synchronized (clock) {
            busyMaps.add(wwid);
        }
        return this;
    }

    /** Every portal that carries a path of that WWID goes down now. */
    public Faults allPathsDown(String wwid) {
        requireNonNull(wwid, "wwid is null");
        synchronized (clock) {
            kernel.processWrites();
            kernel.oracle.fire(FaultKind.ALL_PATHS_DOWN, wwid);
            Set<String> portals = new LinkedHashSet<>();
            Set<String> fcPorts = new LinkedHashSet<>();
            for (Kernel.Device device : kernel.devices.values()) {
                if (device.wwid.equals(wwid)) {
                    kernel.portalOf(device).ifPresent(portals::add);
                    if (device.fcTarget != null) {
                        fcPorts.add(device.fcTarget);
                    }
                }
            }
            portals.forEach(kernel::pathDown);
            fcPorts.forEach(port -> kernel.fabric.find(port).ifPresent(kernel::fcPortDown));
        }
        return this;
    }

    /** Gives a LUN number to a new volume now ({@link Target#reuseLun}, keeping the size). */
    public Faults reuseLun(String targetIqn, int lun, String newWwid) {
        requireNonNull(targetIqn, "targetIqn is null");
        requireNonNull(newWwid, "newWwid is null");
        synchronized (clock) {
            Target target = kernel.storage.find(targetIqn)
                    .orElseThrow(() -> new IllegalStateException("no target " + targetIqn));
            long size = target.lunState(lun).orElseThrow(() -> new IllegalStateException(targetIqn + " has no LUN "
                    + lun)).sizeBytes();
            target.reuseLun(lun, newWwid, size);
            kernel.oracle.fire(FaultKind.REUSE_LUN, targetIqn + " LUN " + lun + " -> " + newWwid);
        }
        return this;
    }

    /**
     * A Fibre Channel target port goes down now: every HBA's remote port of it is {@code Blocked} and its devices
     * {@code blocked}, {@code transport-offline} after {@code fast_io_fail_tmo} (5 s), and removed at
     * {@code dev_loss_tmo} (60 s) unless the port is back by then.
     */
    public Faults fcPortDown(String targetWwpn) {
        synchronized (clock) {
            FcTargetPort port = fcPort(targetWwpn);
            kernel.processWrites();
            kernel.oracle.fire(FaultKind.PATH_DOWN, "FC target port " + port.wwpn());
            kernel.fcPortDown(port);
        }
        return this;
    }

    /** The Fibre Channel target port is back now: the HBAs zoned with it log in again, its devices run. */
    public Faults fcPortUp(String targetWwpn) {
        synchronized (clock) {
            FcTargetPort port = fcPort(targetWwpn);
            kernel.processWrites();
            kernel.oracle.fire(FaultKind.PATH_UP, "FC target port " + port.wwpn());
            kernel.fcPortUp(port);
        }
        return this;
    }

    /** Gives a Fibre Channel LUN number to a new volume now ({@link FcTargetPort#reuseLun}, keeping the size). */
    public Faults fcReuseLun(String targetWwpn, int lun, String newWwid) {
        requireNonNull(newWwid, "newWwid is null");
        synchronized (clock) {
            FcTargetPort port = fcPort(targetWwpn);
            long size = port.lunState(lun).orElseThrow(() -> new IllegalStateException(port.wwpn() + " has no LUN "
                    + lun)).sizeBytes();
            port.reuseLun(lun, newWwid, size);
            kernel.oracle.fire(FaultKind.REUSE_LUN, port.wwpn() + " LUN " + lun + " -> " + newWwid);
        }
        return this;
    }

    private FcTargetPort fcPort(String wwpn) {
        String normalised = FcTargetPort.normalise(wwpn);
        return kernel.fabric.find(normalised)
                .orElseThrow(() -> new IllegalStateException("no FC target port " + normalised));
    }

    /** Devices appear that much later after a scan. */
    public Faults slowUdev(Duration delay) {
        requireNonNull(delay, "delay is null");
        synchronized (clock) {
            slowUdev = delay;
        }
        return this;
    }

    /** Every iscsiadm call takes that much longer. */
    public Faults slowIscsiadm(Duration delay) {
        requireNonNull(delay, "delay is null");
        synchronized (clock) {
            slowIscsiadm = delay;
        }
        return this;
    }

    /** The next {@code times} iscsiadm calls fail with that exit code (8, 19, 255, ...). */
    public Faults iscsiadmFails(int exitCode, int times) {
        synchronized (clock) {
            failingCode = exitCode;
            failingTimes = times;
            failingProbability = 0;
            keepRemovedPaths = false;
        }
        return this;
    }

    /** Each iscsiadm call fails with that exit code with that probability (0 to 1), drawn from the seed. */
    public Faults iscsiadmFails(int exitCode, double probability) {
        if (!(probability >= 0 && probability <= 1)) {
            throw new IllegalArgumentException("a probability is between 0 and 1: " + probability);
        }
        synchronized (clock) {
            failingCode = exitCode;
            failingTimes = 0;
            failingProbability = probability;
        }
        return this;
    }

    /** LUN B of a target reports LUN A's WWID from now on (devices made by later scans). */
    public Faults duplicateWwid(String targetIqn, int lunA, int lunB) {
        requireNonNull(targetIqn, "targetIqn is null");
        synchronized (clock) {
            kernel.storage.find(targetIqn).orElseThrow(() -> new IllegalStateException("no target " + targetIqn))
                    .reportWwidOf(lunA, lunB);
        }
        return this;
    }

    /**
     * LUN B of a Fibre Channel target port reports LUN A's WWID from now on (devices made by later scans), as a
     * misconfigured array does; recorded as a {@link FaultKind#DUPLICATE_WWID} firing now.
     */
    public Faults fcDuplicateWwid(String targetWwpn, int lunA, int lunB) {
        synchronized (clock) {
            FcTargetPort port = fcPort(targetWwpn);
            port.reportWwidOf(lunA, lunB);
            kernel.oracle.fire(FaultKind.DUPLICATE_WWID, port.wwpn() + " LUN " + lunB + " reports LUN " + lunA
                    + "'s WWID");
        }
        return this;
    }

    /**
     * The map of that WWID reloads its table now (as multipathd does on a path event or a resize): for
     * {@code duration} its {@code slaves/} directory and its paths' {@code holders/} are empty in sysfs, while its
     * table still names its paths ({@code multipath -ll}, {@code multipathd show maps} and {@code show paths} list
     * them). A map taken for a ghost then is a live volume's.
     *
     * @throws IllegalStateException when there is no map of that WWID
     */
    public Faults mapReloads(String wwid, Duration duration) {
        requireNonNull(wwid, "wwid is null");
        requireNonNull(duration, "duration is null");
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("a reload lasts a while: " + duration);
        }
        synchronized (clock) {
            kernel.processWrites();
            Kernel.MapState map = kernel.mapOf(wwid).orElseThrow(() -> new IllegalStateException("no map of " + wwid));
            kernel.oracle.fire(FaultKind.MAP_RELOAD, map.kernelName + " (" + wwid + ") for " + duration);
            kernel.reloadMap(map, duration);
        }
        return this;
    }

    /**
     * From now on multipathd keeps monitoring the paths whose devices are removed: {@code multipathd show paths} lists
     * them (checker faulty) until {@code multipathd del path} names them ({@link Oracle#pathsMultipathdHolds()}).
     */
    public Faults multipathdKeepsRemovedPaths() {
        synchronized (clock) {
            keepRemovedPaths = true;
        }
        return this;
    }

    /** multipathd stops: no new maps, its commands fail. */
    public Faults multipathdDown() {
        synchronized (clock) {
            kernel.oracle.fire(FaultKind.MULTIPATHD_DOWN, "multipathd");
            kernel.multipathdRunning = false;
        }
        return this;
    }

    /** Removes every configured fault (faults that already happened, such as a path down, stay). */
    public Faults clear() {
        synchronized (clock) {
            refused.clear();
            hanging.clear();
            flaky.clear();
            slowLogins.clear();
            downAfterLogin.clear();
            downDuringFlush.clear();
            busyMaps.clear();
            slowUdev = Duration.ZERO;
            slowIscsiadm = Duration.ZERO;
            failingTimes = 0;
            failingProbability = 0;
        }
        return this;
    }

    // ------------------------------------------------------------------------------------------- package-private

    boolean keepsRemovedPaths() {
        return keepRemovedPaths;
    }

    Optional<Reason> refusal(String portal) {
        return Optional.ofNullable(refused.get(portal));
    }

    boolean hangs(String portal) {
        return hanging.contains(portal);
    }

    Optional<Duration> slowLogin(String portal) {
        return Optional.ofNullable(slowLogins.get(portal));
    }

    boolean flakyFails(String portal) {
        Double probability = flaky.get(portal);
        return probability != null && random.nextDouble() < probability;
    }

    boolean takeDownAfterLogin(String portal) {
        return downAfterLogin.remove(portal);
    }

    /** The portals among {@code portals} that go down during this flush (each fires once). */
    List<String> takeDownDuringFlush(List<String> portals) {
        List<String> hit = portals.stream().filter(downDuringFlush::contains).distinct().toList();
        hit.forEach(downDuringFlush::remove);
        return hit;
    }

    boolean busy(String wwid) {
        return busyMaps.contains(wwid);
    }

    Optional<Duration> slowUdev() {
        return slowUdev.isZero() ? Optional.empty() : Optional.of(slowUdev);
    }

    Optional<Duration> slowIscsiadm() {
        return slowIscsiadm.isZero() ? Optional.empty() : Optional.of(slowIscsiadm);
    }

    /** The exit code this iscsiadm call fails with, if the failing fault hits it. */
    OptionalInt iscsiadmFailure() {
        if (failingTimes > 0) {
            failingTimes--;
            return OptionalInt.of(failingCode);
        }
        if (failingProbability > 0 && random.nextDouble() < failingProbability) {
            return OptionalInt.of(failingCode);
        }
        return OptionalInt.empty();
    }
}
