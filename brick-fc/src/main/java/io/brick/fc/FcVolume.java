package io.brick.fc;

import io.brick.core.error.InvalidInputException;
import io.brick.core.json.Json;
import io.brick.core.model.ConnectionProperties;
import io.brick.core.model.Lun;
import io.brick.core.model.LunAddressing;
import io.brick.core.model.Wwid;
import io.brick.core.transport.TransportVolume;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * A Fibre Channel volume's connection properties (os-brick's {@code data} for {@code driver_volume_type:
 * fibre_channel}), read once into typed values before anything runs (os-brick's
 * {@code _add_targets_to_connection_properties}, without writing anything back: {@link ConnectionProperties} is
 * immutable, so the caller's properties are never changed).
 *
 * <ul>
 *   <li>WWPNs: {@code target_wwns} (a list) when it is non-empty, else {@code target_wwn} (a string or a list).
 *   Compared case-insensitively: each is normalised to 16 lower-case hex digits ({@code 0x} and colons removed);
 *   anything else is invalid input naming the key ({@code target_wwns[1]}).</li>
 *   <li>LUNs: {@code target_luns} when non-empty, else {@code target_lun} (default 0); one LUN per WWPN, or one LUN
 *   for every WWPN; other counts are invalid input (os-brick: {@code VolumePathsNotFound}). Each LUN is the kernel's
 *   after {@code addressing_mode} ({@code SAM2}: 256 → 16640).</li>
 *   <li>{@code initiator_target_map}: initiator WWPN → target WWPNs (a string or a list), normalised like the WWPNs;
 *   it becomes os-brick's {@code initiator_target_lun_map} (each initiator's targets with their LUNs; targets that
 *   are not the volume's are dropped with a WARN). Absent or {@code null}: every HBA scans every target.</li>
 *   <li>{@code enable_wildcard_scan} (default {@code true}), {@code access_mode}, {@code enforce_multipath},
 *   {@code volume_id}, {@code device_path}; brick's extension {@code scsi_wwn}, the WWID the volume must have.</li>
 * </ul>
 *
 * @param targets the volume's (WWPN, LUN) pairs, without duplicates, in the order given
 * @param initiatorTargets os-brick's {@code initiator_target_lun_map}, when {@code initiator_target_map} was given
 * @param wildcardScan {@code enable_wildcard_scan}: whether {@code - - L} may be written when no HBA finds a port
 * @param addressing the LUN addressing mode
 * @param accessMode {@code access_mode} ({@code rw}, {@code ro})
 * @param enforceMultipath {@code enforce_multipath}
 * @param expectedWwid {@code scsi_wwn}: the WWID the volume's devices must have
 * @param volumeId {@code volume_id}, for logs only
 * @param devicePath {@code device_path}, the path the consumer used
 */
public record FcVolume(List<FcTarget> targets, Optional<Map<String, List<FcTarget>>> initiatorTargets,
                       boolean wildcardScan, LunAddressing addressing, Optional<String> accessMode,
                       boolean enforceMultipath, Optional<Wwid> expectedWwid, Optional<String> volumeId,
                       Optional<String> devicePath) implements TransportVolume {
    private static final Logger log = LoggerFactory.getLogger(FcVolume.class);

    public FcVolume {
        targets = List.copyOf(targets);
        if (targets.isEmpty()) {
            throw new IllegalArgumentException("a volume has at least one target");
        }
        requireNonNull(initiatorTargets, "initiatorTargets is null");
        initiatorTargets = initiatorTargets.map(FcVolume::copy);
        requireNonNull(addressing, "addressing is null");
        requireNonNull(accessMode, "accessMode is null");
        requireNonNull(expectedWwid, "expectedWwid is null");
        requireNonNull(volumeId, "volumeId is null");
        requireNonNull(devicePath, "devicePath is null");
    }

    /**
     * Reads the properties.
     *
     * @throws InvalidInputException naming the first wrong key
     */
    public static FcVolume parse(ConnectionProperties properties) {
        requireNonNull(properties, "properties is null");
        LunAddressing addressing = properties.addressingMode();
        List<String> wwpns = wwpns(properties);
        List<Lun> luns = luns(properties, addressing);
        List<FcTarget> pairs = new ArrayList<>();
        if (luns.size() == wwpns.size()) {
            for (int i = 0; i < wwpns.size(); i++) {
                pairs.add(new FcTarget(wwpns.get(i), luns.get(i)));
            }
        } else if (luns.size() == 1) {
            wwpns.forEach(wwpn -> pairs.add(new FcTarget(wwpn, luns.get(0))));
        } else {
            throw new InvalidInputException("target_luns", "Unable to find potential volume paths for FC device with "
                    + luns.size() + " LUNs and " + wwpns.size() + " WWPNs: give one LUN, or one LUN per WWPN");
        }
        List<FcTarget> targets = List.copyOf(new LinkedHashSet<>(pairs));
        Optional<Map<String, List<FcTarget>>> initiatorTargets = initiatorTargets(properties, targets);
        return new FcVolume(targets, initiatorTargets, properties.bool("enable_wildcard_scan").orElse(true), addressing,
                properties.string("access_mode"), properties.bool("enforce_multipath").orElse(false),
                properties.scsiWwn(), properties.string("volume_id"),
                properties.string("device_path").filter(text -> !text.isBlank()));
    }

    /** How the volume is named in messages: its id and its first target ({@code volume 7 (FC 0x50... LUN 1)}). */
    @Override
    public String description() {
        FcTarget first = targets.get(0);
        return volumeId.map(id -> "volume " + id + " (").orElse("(") + "FC 0x" + first.wwpn() + " LUN " + first.lun()
                + (targets.size() > 1 ? " and " + (targets.size() - 1) + " more" : "") + ")";
    }

    /** Whether the map lets this HBA scan: no map, an empty map, or the HBA's WWPN is one of its initiators. */
    public boolean scans(String hbaWwpn) {
        return initiatorTargets.map(map -> map.isEmpty() || map.containsKey(hbaWwpn)).orElse(true);
    }

    /** The targets this HBA scans for: its entry in the map, or every target (no map, or the HBA not in it). */
    public List<FcTarget> targetsFor(String hbaWwpn) {
        return initiatorTargets.map(map -> map.getOrDefault(hbaWwpn, targets)).orElse(targets);
    }

    /** The volume's WWPNs, in order. */
    public List<String> wwpns() {
        return targets.stream().map(FcTarget::wwpn).distinct().toList();
    }

    /** Whether the consumer asked for read-only access ({@code access_mode: ro}). */
    public boolean readOnly() {
        return accessMode.map("ro"::equals).orElse(false);
    }

    private static List<String> wwpns(ConnectionProperties properties) {
        Optional<List<String>> plural = properties.stringOrList("target_wwns").filter(list -> !list.isEmpty());
        String key = plural.isPresent() ? "target_wwns" : "target_wwn";
        List<String> raw = plural.or(() -> properties.stringOrList("target_wwn"))
                .orElseThrow(() -> new InvalidInputException("target_wwn", "is missing (and so is target_wwns)"));
        if (raw.isEmpty()) {
            throw new InvalidInputException(key, "is empty");
        }
        boolean list = raw.size() > 1 || properties.asMap().get(key) instanceof List<?>;
        List<String> wwpns = new ArrayList<>();
        for (int i = 0; i < raw.size(); i++) {
            wwpns.add(FcTarget.wwn(raw.get(i), list ? key + "[" + i + "]" : key));
        }
        return List.copyOf(wwpns);
    }

    private static List<Lun> luns(ConnectionProperties properties, LunAddressing addressing) {
        Optional<List<Lun>> plural = properties.lunList("target_luns").filter(list -> !list.isEmpty());
        if (plural.isPresent()) {
            List<Lun> luns = new ArrayList<>();
            for (int i = 0; i < plural.get().size(); i++) {
                luns.add(transform(plural.get().get(i), addressing, "target_luns[" + i + "]"));
            }
            return List.copyOf(luns);
        }
        Lun lun = properties.lun("target_lun").orElse(Lun.of(0));
        return List.of(transform(lun, addressing, "target_lun"));
    }

    private static Lun transform(Lun lun, LunAddressing addressing, String key) {
        try {
            return lun.forAddressing(addressing);
        } catch (InvalidInputException e) {
            throw e.under(key);
        }
    }

    /**
     * os-brick's {@code initiator_target_lun_map}: each initiator's targets that are the volume's, with the LUN the
     * volume has there (the last one given for a WWPN listed twice, as os-brick's dict does).
     */
    private static Optional<Map<String, List<FcTarget>>> initiatorTargets(ConnectionProperties properties,
                                                                       List<FcTarget> targets) {
        Optional<Map<String, Object>> map = properties.object("initiator_target_map");
        if (map.isEmpty()) {
            return Optional.empty();
        }
        Map<String, Lun> lunOf = new LinkedHashMap<>();
        targets.forEach(target -> lunOf.put(target.wwpn(), target.lun()));
        Map<String, List<FcTarget>> result = new LinkedHashMap<>();
        for (Map.Entry<String, Object> entry : map.get().entrySet()) {
            String key = "initiator_target_map." + entry.getKey();
            String initiator = FcTarget.wwn(entry.getKey(), key);
            List<String> wanted = targetList(entry.getValue(), key);
            List<FcTarget> mapped = new ArrayList<>(result.getOrDefault(initiator, List.of()));
            Set<String> unknown = new LinkedHashSet<>();
            for (String wwpn : wanted) {
                Lun lun = lunOf.get(wwpn);
                if (lun == null) {
                    unknown.add(wwpn);
                } else if (!mapped.contains(new FcTarget(wwpn, lun))) {
                    mapped.add(new FcTarget(wwpn, lun));
                }
            }
            if (!unknown.isEmpty()) {
                log.warn("Driver returned an unknown targets in the initiator mapping {}: {} (not among the volume's "
                        + "WWPNs, ignored)", initiator, unknown);
            }
            result.put(initiator, List.copyOf(mapped));
        }
        return Optional.of(Collections.unmodifiableMap(result));
    }

    private static List<String> targetList(Object value, String key) {
        List<String> wwpns = new ArrayList<>();
        if (value instanceof String text) {
            wwpns.add(FcTarget.wwn(text, key));
        } else if (value instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                if (!(list.get(i) instanceof String text)) {
                    throw new InvalidInputException(key + "[" + i + "]", "expected a WWPN string");
                }
                wwpns.add(FcTarget.wwn(text, key + "[" + i + "]"));
            }
        } else if (value != null && value != Json.NULL) {
            throw new InvalidInputException(key, "expected a list of target WWPNs");
        }
        return wwpns;
    }


    private static Map<String, List<FcTarget>> copy(Map<String, List<FcTarget>> map) {
        Map<String, List<FcTarget>> copy = new LinkedHashMap<>();
        map.forEach((key, value) -> copy.put(key, List.copyOf(value)));
        return Collections.unmodifiableMap(copy);
    }
}
