package io.brick.reliability;

import io.brick.core.model.ConnectionProperties;
import io.brick.core.model.Wwid;

import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

import static java.util.Objects.requireNonNull;

/**
 * One volume of the stress storage: a LUN of a target, reachable through every portal of that target (multipath).
 *
 * @param iqn the target's IQN
 * @param portals the target's portals
 * @param lun the LUN number
 * @param wwid the volume's WWID
 */
record StressVolume(String iqn, List<String> portals, int lun, String wwid) {
    StressVolume {
        requireNonNull(iqn, "iqn is null");
        portals = List.copyOf(portals);
        requireNonNull(wwid, "wwid is null");
    }

    /** os-brick's connection properties with the plural keys: every portal, this LUN. */
    ConnectionProperties properties() {
        String quotedPortals = portals.stream().map(portal -> "\"" + portal + "\"").collect(Collectors.joining(", "));
        String iqns = portals.stream().map(portal -> "\"" + iqn + "\"").collect(Collectors.joining(", "));
        String luns = portals.stream().map(portal -> Integer.toString(lun)).collect(Collectors.joining(", "));
        return ConnectionProperties.parseJson(String.format(Locale.ROOT,
                "{\"target_portals\": [%s], \"target_iqns\": [%s], \"target_luns\": [%s]}", quotedPortals, iqns, luns));
    }

    Wwid wwidValue() {
        return Wwid.of(wwid);
    }

    @Override
    public String toString() {
        return iqn.substring(iqn.lastIndexOf(':') + 1) + "/" + lun;
    }
}
