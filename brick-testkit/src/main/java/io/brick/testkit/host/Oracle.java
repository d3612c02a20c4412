package io.brick.testkit.host;

import io.brick.core.model.Wwid;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * What the simulated host saw, for a test to assert on: data-loss and wrong-device events, logouts of sessions in use,
 * leftovers, every command with its simulated duration, every sysfs write, and the faults that fired.
 * <pre>{@code
 * host.oracle().operatingOn(Wwid.of("3600..."));
 * connector.disconnect(...);
 * assertThat(host.oracle().dataLossEvents()).isEmpty();
 * assertThat(host.oracle().wrongDeviceEvents()).isEmpty();
 * assertThat(host.oracle().leftovers(Wwid.of("3600..."))).matches(Leftovers::isEmpty);
 * }</pre>
 *
 * <p>Wrong-device checks: while at least one WWID is declared with {@link #operatingOn}, a destructive action (a
 * {@code delete}, {@code rescan} or {@code state} write, a flush, a map removal or resize, a logout that removes a
 * device) aimed at a device or map of any other WWID is a wrong-device event; at any time, such an action aimed at a
 * stale device (its LUN now reports another WWID) is one too.
 */
public final class Oracle {
    private final SimulatedClock clock;
    private final Set<String> operating = new LinkedHashSet<>();
    private final List<DataLossEvent> dataLoss = new ArrayList<>();
    private final List<WrongDeviceEvent> wrongDevice = new ArrayList<>();
    private final List<CommandLogEntry> commands = new ArrayList<>();
    private final List<SysfsWrite> writes = new ArrayList<>();
    private final List<SysfsWrite> busWide = new ArrayList<>();
    private final List<FiredFault> fired = new ArrayList<>();
    private final List<SessionInUseEvent> sessionInUse = new ArrayList<>();
    private Kernel kernel;

    Oracle(SimulatedClock clock) {
        this.clock = clock;
    }

    void kernel(Kernel value) {
        this.kernel = value;
    }

    /** Declares the volumes being attached or detached: actions on devices of other WWIDs become wrong-device events. */
    public Oracle operatingOn(Wwid... wwids) {
        synchronized (clock) {
            Arrays.stream(wwids).map(Wwid::value).forEach(operating::add);
        }
        return this;
    }

    /** Ends the operation on those volumes. */
    public Oracle done(Wwid... wwids) {
        synchronized (clock) {
            Arrays.stream(wwids).map(Wwid::value).forEach(operating::remove);
        }
        return this;
    }

    /** Every data-loss event so far, in order. */
    public List<DataLossEvent> dataLossEvents() {
        synchronized (clock) {
            return List.copyOf(dataLoss);
        }
    }

    /** Every wrong-device event so far, in order. */
    public List<WrongDeviceEvent> wrongDeviceEvents() {
        synchronized (clock) {
            return List.copyOf(wrongDevice);
        }
    }

    /**
     * Every logout of a session that was in use (it still had SCSI devices, or a scan of one of its LUNs was in
     * flight), in order: with brick alone, a broken per-target lock (DESIGN promise 6).
     */
    public List<SessionInUseEvent> sessionInUseEvents() {
        synchronized (clock) {
            return List.copyOf(sessionInUse);
        }
    }

    /**
     * What is left of one volume: its SCSI devices and map, by-id links naming its WWID, sessions to its target that
     * carry no LUN any more, and node records of its target.
     */
    public Leftovers leftovers(Wwid wwid) {
        requireNonNull(wwid, "wwid is null");
        synchronized (clock) {
            kernel.processWrites();
            return kernel.leftovers(Optional.of(wwid.value()));
        }
    }

    /** Everything left on the host: devices, maps, sessions, node records, and dangling {@code /dev/disk/by-id} links. */
    public Leftovers leftovers() {
        synchronized (clock) {
            kernel.processWrites();
            return kernel.leftovers(Optional.empty());
        }
    }

    /**
     * The paths multipathd still monitors though their devices are gone ({@link Faults#multipathdKeepsRemovedPaths}):
     * what a disconnect must make it forget.
     */
    public List<String> pathsMultipathdHolds() {
        synchronized (clock) {
            return kernel.heldPaths().stream().map(held -> held.device().name).toList();
        }
    }

    /** The WWIDs in multipath's wwids file ({@code /etc/multipath/wwids}), in the order they were added. */
    public List<String> wwidsFile() {
        synchronized (clock) {
            return List.copyOf(kernel.wwidsFile);
        }
    }

    /** Every command run, in order, with its simulated start, masked argv, exit code and duration. */
    public List<CommandLogEntry> commandLog() {
        synchronized (clock) {
            return List.copyOf(commands);
        }
    }

    /** Every sysfs write picked up, in order. */
    public List<SysfsWrite> sysfsWrites() {
        synchronized (clock) {
            return List.copyOf(writes);
        }
    }

    /** The bus-wide scans ({@code - - -} or {@code C T -} into a {@code scan}), which brick must never make. */
    public List<SysfsWrite> busWideScans() {
        synchronized (clock) {
            return List.copyOf(busWide);
        }
    }

    /** Every fault that fired, in order. */
    public List<FiredFault> fired() {
        synchronized (clock) {
            return List.copyOf(fired);
        }
    }

    /** How many times each kind of fault fired (kinds that never fired are absent). */
    public Map<FaultKind, Integer> firedByKind() {
        synchronized (clock) {
            Map<FaultKind, Integer> counts = new EnumMap<>(FaultKind.class);
            fired.forEach(each -> counts.merge(each.kind(), 1, Integer::sum));
            return Map.copyOf(counts);
        }
    }

    // ------------------------------------------------------------------------------------------- package-private

    Set<String> operating() {
        return operating;
    }

    void dataLoss(String device, String wwid, String cause, boolean forced) {
        dataLoss.add(new DataLossEvent(clock.elapsed(), device, wwid, cause, forced));
    }

    void wrongDevice(String device, String wwid, String action, String reason) {
        wrongDevice.add(new WrongDeviceEvent(clock.elapsed(), device, wwid, action, reason));
    }

    void sessionInUse(int sid, String portal, String iqn, List<String> devices, List<Integer> pendingScans) {
        sessionInUse.add(new SessionInUseEvent(clock.elapsed(), sid, portal, iqn, devices, pendingScans));
    }

    void command(CommandLogEntry entry) {
        commands.add(entry);
    }

    void sysfsWrite(String path, String value) {
        writes.add(new SysfsWrite(clock.elapsed(), path, value));
    }

    void busWideScan(String path, String value) {
        busWide.add(new SysfsWrite(clock.elapsed(), path, value));
    }

    void fire(FaultKind kind, String detail) {
        fired.add(new FiredFault(clock.elapsed(), kind, detail));
    }
}
