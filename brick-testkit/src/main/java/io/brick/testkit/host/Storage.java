package io.brick.testkit.host;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * The storage array the simulated host talks to: iSCSI targets with their portals, LUNs, access list and CHAP
 * settings. Changes (a LUN deleted, resized or reused) take effect on the target at once; the host sees them only as
 * a real one would (a rescan, a new scan, a new login).
 */
public final class Storage {
    private final Object lock;
    private final Map<String, Target> targets = new LinkedHashMap<>();

    Storage(Object lock) {
        this.lock = requireNonNull(lock, "lock is null");
    }

    /** The target with that IQN, made (with no portal and no LUN) on first use. */
    public Target target(String iqn) {
        requireNonNull(iqn, "iqn is null");
        synchronized (lock) {
            return targets.computeIfAbsent(iqn, name -> new Target(lock, name));
        }
    }

    /** Every target, in the order they were made. */
    public List<Target> targets() {
        synchronized (lock) {
            return List.copyOf(targets.values());
        }
    }

    Optional<Target> find(String iqn) {
        return Optional.ofNullable(targets.get(iqn));
    }

    /** The targets reachable at a portal, in the order they were made. */
    List<Target> at(String portal) {
        return targets.values().stream().filter(each -> each.portalsInternal().contains(portal)).toList();
    }

    /** The targets that have a LUN of that WWID (or reported WWID). */
    List<Target> holding(String wwid) {
        return targets.values().stream()
                .filter(each -> each.lunsInternal().values().stream().anyMatch(lun -> lun.reportedWwid().equals(wwid)
                        || lun.wwid().equals(wwid)))
                .toList();
    }
}
