package io.brick.testkit.host;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import static java.util.Objects.requireNonNull;

/**
 * One iSCSI target of the simulated storage: its IQN, portals (one portal group, tag 1), LUNs, access list and
 * CHAP settings. Every method is safe to call while the host runs; it changes the storage side only.
 * <pre>{@code
 * host.storage().target("iqn.2003-01.org.linux-iscsi.labvm:target1")
 *     .portal("127.0.0.1:3260").portal("127.0.0.2:3260")
 *     .lun(1, "360014053b8c2d6119a414f0b8e275d1c", 128L << 20);
 * }</pre>
 */
public final class Target {
    /** The target portal group tag every portal has. */
    public static final int TPGT = 1;

    private final Object lock;
    private final String iqn;
    private final List<String> portals = new ArrayList<>();
    private final Map<Integer, LunState> luns = new TreeMap<>();
    private final Set<String> allowed = new LinkedHashSet<>();
    private Optional<Credentials> chap = Optional.empty();
    private Optional<Credentials> mutualChap = Optional.empty();
    private Optional<Credentials> discoveryChap = Optional.empty();
    private long generation;

    Target(Object lock, String iqn) {
        this.lock = lock;
        this.iqn = iqn;
    }

    /** The target's IQN. */
    public String iqn() {
        return iqn;
    }

    /** Adds a portal ({@code address:port}, IPv6 in brackets) where this target listens. */
    public Target portal(String portal) {
        requireNonNull(portal, "portal is null");
        if (portal.lastIndexOf(':') < 0 || portal.endsWith("]")) {
            throw new IllegalArgumentException("a portal is address:port: " + portal);
        }
        synchronized (lock) {
            if (!portals.contains(portal)) {
                portals.add(portal);
            }
        }
        return this;
    }

    /** Adds a LUN with vendor {@code LIO-ORG} and model {@code lun<N>}, as LIO exports a backstore named so. */
    public Target lun(int number, String wwid, long sizeBytes) {
        return lun(number, wwid, sizeBytes, "LIO-ORG", "lun" + number);
    }

    /**
     * Adds a LUN.
     *
     * @throws IllegalStateException when the LUN number is taken
     */
    public Target lun(int number, String wwid, long sizeBytes, String vendor, String model) {
        requireNonNull(wwid, "wwid is null");
        requireNonNull(vendor, "vendor is null");
        requireNonNull(model, "model is null");
        if (number < 0 || sizeBytes < 0 || sizeBytes % 512 != 0) {
            throw new IllegalArgumentException("a LUN has a number >= 0 and a size that is a multiple of 512: "
                    + number + ", " + sizeBytes);
        }
        synchronized (lock) {
            if (luns.containsKey(number)) {
                throw new IllegalStateException(iqn + " has a LUN " + number + " already");
            }
            luns.put(number, new LunState(number, wwid, wwid, sizeBytes, vendor, model, ++generation));
        }
        return this;
    }

    /** {@link #lun(int, String, long)} under the name a test may find clearer once the host runs. */
    public Target addLun(int number, String wwid, long sizeBytes) {
        return lun(number, wwid, sizeBytes);
    }

    /** Deletes a LUN on the target; devices the host made of it stay until removed (phantom LUNs). */
    public Target deleteLun(int number) {
        synchronized (lock) {
            existing(number);
            luns.remove(number);
        }
        return this;
    }

    /** Grows or shrinks a LUN; the host sees the new size after a rescan of the device. */
    public Target resizeLun(int number, long sizeBytes) {
        if (sizeBytes < 0 || sizeBytes % 512 != 0) {
            throw new IllegalArgumentException("a LUN's size is a multiple of 512: " + sizeBytes);
        }
        synchronized (lock) {
            LunState lun = existing(number);
            luns.put(number, lun.withSize(sizeBytes));
        }
        return this;
    }

    /**
     * Replaces a LUN by another volume under the same number (a new WWID): a device the host still has at that
     * address keeps the old identity (a stale device) until it is deleted and scanned again.
     */
    public Target reuseLun(int number, String newWwid, long sizeBytes) {
        requireNonNull(newWwid, "newWwid is null");
        synchronized (lock) {
            LunState old = existing(number);
            luns.put(number, new LunState(number, newWwid, newWwid, sizeBytes, old.vendor(), old.model(),
                    ++generation));
        }
        return this;
    }

    /** One-way CHAP for sessions: the initiator must log in with this user name and password. */
    public Target chap(String user, String password) {
        synchronized (lock) {
            chap = Optional.of(new Credentials(user, password));
            mutualChap = Optional.empty();
        }
        return this;
    }

    /** Mutual CHAP: the initiator's credentials, and the target's ({@code username_in}/{@code password_in}). */
    public Target mutualChap(String user, String password, String userIn, String passwordIn) {
        synchronized (lock) {
            chap = Optional.of(new Credentials(user, password));
            mutualChap = Optional.of(new Credentials(userIn, passwordIn));
        }
        return this;
    }

    /** CHAP for sendtargets discovery at this target's portals. */
    public Target discoveryChap(String user, String password) {
        synchronized (lock) {
            discoveryChap = Optional.of(new Credentials(user, password));
        }
        return this;
    }

    /** Adds an initiator to the access list; once the list has one, only listed initiators may log in. */
    public Target allowOnly(String initiatorIqn) {
        requireNonNull(initiatorIqn, "initiatorIqn is null");
        synchronized (lock) {
            allowed.add(initiatorIqn);
        }
        return this;
    }

    /** The portals, in the order they were added. */
    public List<String> portals() {
        synchronized (lock) {
            return List.copyOf(portals);
        }
    }

    /** The LUN numbers the target exposes now. */
    public List<Integer> lunNumbers() {
        synchronized (lock) {
            return List.copyOf(luns.keySet());
        }
    }

    /** The current WWID of a LUN, if the LUN exists. */
    public Optional<String> wwidOf(int number) {
        synchronized (lock) {
            return Optional.ofNullable(luns.get(number)).map(LunState::reportedWwid);
        }
    }

    @Override
    public String toString() {
        return "Target[" + iqn + "]";
    }

    // ------------------------------------------------------------------------------------------- package-private

    List<String> portalsInternal() {
        return portals;
    }

    Map<Integer, LunState> lunsInternal() {
        return luns;
    }

    Optional<LunState> lunState(int number) {
        return Optional.ofNullable(luns.get(number));
    }

    boolean allows(String initiator) {
        return allowed.isEmpty() || allowed.contains(initiator);
    }

    Optional<Credentials> chapInternal() {
        return chap;
    }

    Optional<Credentials> mutualChapInternal() {
        return mutualChap;
    }

    Optional<Credentials> discoveryChapInternal() {
        return discoveryChap;
    }

    /** LUN B reports LUN A's WWID from now on (two LUNs, one WWID: an array bug). */
    void reportWwidOf(int lunA, int lunB) {
        LunState a = existing(lunA);
        LunState b = existing(lunB);
        luns.put(lunB, new LunState(b.number(), b.wwid(), a.reportedWwid(), b.sizeBytes(), b.vendor(), b.model(),
                b.generation()));
    }

    private LunState existing(int number) {
        LunState lun = luns.get(number);
        if (lun == null) {
            throw new IllegalStateException(iqn + " has no LUN " + number);
        }
        return lun;
    }

    /** A LUN: its number, its own WWID, the WWID it reports (the same unless a fault says otherwise), size, identity. */
    record LunState(int number, String wwid, String reportedWwid, long sizeBytes, String vendor, String model,
                    long generation) {
        LunState withSize(long bytes) {
            return new LunState(number, wwid, reportedWwid, bytes, vendor, model, generation);
        }
    }

    /** A CHAP user name and secret. */
    record Credentials(String user, String password) {
        Credentials {
            requireNonNull(user, "user is null");
            requireNonNull(password, "password is null");
        }

        @Override
        public String toString() {
            return "Credentials[" + user + ", ***]";
        }
    }
}
