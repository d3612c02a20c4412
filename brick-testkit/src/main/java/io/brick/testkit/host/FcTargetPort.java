package io.brick.testkit.host;

import io.brick.core.model.Lun;
import io.brick.core.model.LunAddressing;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * One target port of the simulated Fibre Channel storage: its WWPN and WWNN, how the array numbers its LUNs
 * ({@link LunAddressing}), its LUNs and their masking (which initiator WWPNs may see each LUN). Which HBAs reach the
 * port at all is the fabric's zoning ({@link Fabric#zone}). Every method is safe to call while the host runs; it
 * changes the storage side only: the host sees a new, grown or reused LUN as a real one would (a scan, a rescan, a
 * new login of the remote port).
 * <pre>{@code
 * host.fabric().targetPort("20210002ac00383d").lun(1, "3600a098038303053453f463045373045", 1L << 30);
 * }</pre>
 */
public final class FcTargetPort {
    private static final Pattern WWN = Pattern.compile("(0x)?[0-9a-fA-F]{16}");

    private final Object lock;
    private final String wwpn;
    private String wwnn;
    private LunAddressing addressing = LunAddressing.SAM;
    private final Map<Integer, Target.LunState> luns = new TreeMap<>();
    private final Map<Integer, Set<String>> masks = new LinkedHashMap<>();
    private long generation;
    /** Whether the port is down (a fault): HBAs do not log in to it. */
    boolean down;

    FcTargetPort(Object lock, String wwpn) {
        this.lock = lock;
        this.wwpn = wwpn;
        this.wwnn = "2" + wwpn.substring(1);
    }

    /** A WWN as brick's model keeps it: 16 lower-case hex digits, without {@code 0x}. */
    static String normalise(String wwn) {
        requireNonNull(wwn, "wwn is null");
        if (!WWN.matcher(wwn).matches()) {
            throw new IllegalArgumentException("'" + wwn + "' is not a WWN (16 hex digits)");
        }
        return (wwn.startsWith("0x") ? wwn.substring(2) : wwn).toLowerCase(Locale.ROOT);
    }

    /** The port's WWPN (16 lower-case hex digits). */
    public String wwpn() {
        return wwpn;
    }

    /** The port's node name (WWNN); by default the WWPN with {@code 2} as its first digit. */
    public String wwnn() {
        synchronized (lock) {
            return wwnn;
        }
    }

    /** Sets the WWNN (before the port logs in to an HBA: a remote port keeps the name it logged in with). */
    public FcTargetPort nodeName(String value) {
        String normalised = normalise(value);
        synchronized (lock) {
            this.wwnn = normalised;
        }
        return this;
    }

    /**
     * How the array addresses LUNs: the kernel sees LUN {@code n} as {@code Lun.of(n).forAddressing(mode)} (with
     * {@code SAM2}, LUN 256 is {@code 16640} in sysfs and in {@code scan}). {@code SAM} by default.
     */
    public FcTargetPort addressing(LunAddressing mode) {
        requireNonNull(mode, "mode is null");
        synchronized (lock) {
            this.addressing = mode;
        }
        return this;
    }

    /** Adds a LUN with vendor {@code 3PARdata} and model {@code VV}, visible to every zoned initiator. */
    public FcTargetPort lun(int number, String wwid, long sizeBytes) {
        return lun(number, wwid, sizeBytes, "3PARdata", "VV");
    }

    /**
     * Adds a LUN.
     *
     * @throws IllegalStateException when the LUN number is taken
     */
    public FcTargetPort lun(int number, String wwid, long sizeBytes, String vendor, String model) {
        requireNonNull(wwid, "wwid is null");
        requireNonNull(vendor, "vendor is null");
        requireNonNull(model, "model is null");
        if (number < 0 || sizeBytes < 0 || sizeBytes % 512 != 0) {
            throw new IllegalArgumentException("a LUN has a number >= 0 and a size that is a multiple of 512: "
                    + number + ", " + sizeBytes);
        }
        synchronized (lock) {
            if (luns.containsKey(number)) {
                throw new IllegalStateException(wwpn + " has a LUN " + number + " already");
            }
            luns.put(number, new Target.LunState(number, wwid, wwid, sizeBytes, vendor, model, ++generation));
        }
        return this;
    }

    /**
     * LUN masking: only these initiator WWPNs see the LUN from now on (a LUN never masked is seen by every initiator
     * zoned with the port). Devices the host already has stay until removed.
     */
    public FcTargetPort maskLun(int number, String... initiatorWwpns) {
        Set<String> allowed = new LinkedHashSet<>();
        for (String each : initiatorWwpns) {
            allowed.add(normalise(each));
        }
        synchronized (lock) {
            existing(number);
            masks.put(number, allowed);
        }
        return this;
    }

    /** Deletes a LUN; devices the host made of it stay until removed. */
    public FcTargetPort deleteLun(int number) {
        synchronized (lock) {
            existing(number);
            luns.remove(number);
            masks.remove(number);
        }
        return this;
    }

    /** Grows or shrinks a LUN; the host sees the new size after a rescan of the device. */
    public FcTargetPort resizeLun(int number, long sizeBytes) {
        if (sizeBytes < 0 || sizeBytes % 512 != 0) {
            throw new IllegalArgumentException("a LUN's size is a multiple of 512: " + sizeBytes);
        }
        synchronized (lock) {
            luns.put(number, existing(number).withSize(sizeBytes));
        }
        return this;
    }

    /**
     * Gives the LUN number to another volume (a new WWID): a device the host still has at that address keeps the
     * old identity (a stale device) until it is deleted and scanned again.
     */
    public FcTargetPort reuseLun(int number, String newWwid, long sizeBytes) {
        requireNonNull(newWwid, "newWwid is null");
        synchronized (lock) {
            Target.LunState old = existing(number);
            luns.put(number, new Target.LunState(number, newWwid, newWwid, sizeBytes, old.vendor(), old.model(),
                    ++generation));
        }
        return this;
    }

    /** The LUN numbers the port exposes now (as the array numbers them). */
    public List<Integer> lunNumbers() {
        synchronized (lock) {
            return List.copyOf(luns.keySet());
        }
    }

    /** The current WWID of a LUN, if it exists. */
    public Optional<String> wwidOf(int number) {
        synchronized (lock) {
            return Optional.ofNullable(luns.get(number)).map(Target.LunState::reportedWwid);
        }
    }

    @Override
    public String toString() {
        return "FcTargetPort[" + wwpn + "]";
    }

    // ------------------------------------------------------------------------------------------- package-private

    Optional<Target.LunState> lunState(int number) {
        return Optional.ofNullable(luns.get(number));
    }

    /** The kernel's LUN number of an array LUN number (after the port's addressing mode). */
    long kernelLun(int number) {
        return Lun.of(number).forAddressing(addressing).value();
    }

    /** The array LUN whose kernel number is {@code kernelLun}, if the initiator may see it. */
    Optional<Target.LunState> visibleLun(long kernelLun, String initiatorWwpn) {
        return luns.values().stream().filter(lun -> kernelLun(lun.number()) == kernelLun)
                .filter(lun -> visibleTo(lun.number(), initiatorWwpn)).findFirst();
    }

    /** The LUNs the initiator may see, in number order. */
    List<Target.LunState> visibleLuns(String initiatorWwpn) {
        return luns.values().stream().filter(lun -> visibleTo(lun.number(), initiatorWwpn)).toList();
    }

    private boolean visibleTo(int number, String initiatorWwpn) {
        Set<String> allowed = masks.get(number);
        return allowed == null || allowed.contains(initiatorWwpn);
    }

    /** LUN B reports LUN A's WWID from now on (two LUNs, one WWID: an array bug). */
    void reportWwidOf(int lunA, int lunB) {
        Target.LunState a = existing(lunA);
        Target.LunState b = existing(lunB);
        luns.put(lunB, new Target.LunState(b.number(), b.wwid(), a.reportedWwid(), b.sizeBytes(), b.vendor(), b.model(),
                b.generation()));
    }

    private Target.LunState existing(int number) {
        Target.LunState lun = luns.get(number);
        if (lun == null) {
            throw new IllegalStateException(wwpn + " has no LUN " + number);
        }
        return lun;
    }
}
