package io.brick.reliability;

import io.brick.core.json.Json;
import io.brick.testkit.fuzz.Mutator;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The valid inputs brick reads from its callers (iSCSI and FC connection properties, device_info) and a JSON-aware
 * mutator for them: a value replaced by one of another type, a huge or negative number, unicode, control characters,
 * {@code ../} and shell characters; a key dropped or added; a list shortened or lengthened (LUN lists of mismatched
 * length); the whole connection_info wrapper added or removed. Text mutations ({@link Mutator#mutate}) come on top.
 */
final class FuzzInputs {
    static final String IQN = "iqn.2003-01.org.linux-iscsi.labvm:target1";
    static final String WWID = "360014053b8c2d6119a414f0b8e275d1c";

    static final List<String> ISCSI = List.of(
            """
            {"target_portal": "127.0.0.1:3260", "target_iqn": "%s", "target_lun": 1}""".formatted(IQN),
            """
            {"driver_volume_type": "iscsi", "data": {"target_portals": ["127.0.0.1:3260", "127.0.0.2:3260"],
             "target_iqns": ["%s", "%s"], "target_luns": [1, 1], "auth_method": "CHAP", "auth_username": "user",
             "auth_password": "S3cr3t-Pass-1", "volume_id": "0d8e0a9c", "encrypted": false, "scsi_wwn": "%s"}}"""
                    .formatted(IQN, IQN, WWID),
            """
            {"target_portal": "[2001:db8::1]:3260", "target_iqn": "%s", "target_lun": "1", "target_luns": [1, 2],
             "discovery_auth_method": "CHAP", "discovery_auth_username": "d", "discovery_auth_password": "S3cr3t-Disc-2",
             "auth_username_in": "ui", "auth_password_in": "S3cr3t-In-3", "addressing_mode": "SAM2", "transport": "iser",
             "enforce_multipath": true, "device_path": "/dev/disk/by-path/ip-127.0.0.1:3260-iscsi-x-lun-1"}"""
                    .formatted(IQN),
            """
            {"target_portal": "storage.example.com", "target_iqn": "eui.02004567A425678D", "target_lun": 255,
             "addressing_mode": "SAM3_FLAT"}""",
            """
            {"target_portal": "10.0.0.1:3260", "target_iqn": "naa.52004567BA64678D", "target_lun": 16384,
             "addressing_mode": "SAM"}""");

    static final List<String> FC = List.of(
            """
            {"target_wwn": ["514f0c50023f6c00", "514f0c50023f6c01"], "target_lun": 1,
             "initiator_target_map": {"50014380186af83c": ["514f0c50023f6c00"]}}""",
            """
            {"driver_volume_type": "fibre_channel", "data": {"target_wwns": ["0x514F0C50023F6C00"],
             "target_luns": [1], "target_lun": 1, "addressing_mode": "SAM", "access_mode": "rw",
             "enable_wildcard_scan": false, "scsi_wwn": "3514f0c5a51600001", "volume_id": "v"}}""",
            """
            {"target_wwn": "514f0c50023f6c00", "target_lun": 0, "target_luns": [0, 2],
             "target_wwns": ["514f0c50023f6c00", "514f0c50023f6c01"]}""");

    static final List<String> DEVICE_INFO = List.of(
            """
            {"type": "block", "path": "/dev/dm-0", "scsi_wwn": "%s", "multipath_id": "%s"}""".formatted(WWID, WWID),
            """
            {"type": "block", "path": "/dev/sda", "scsi_wwn": ""}""",
            """
            {"path": "/dev/disk/by-id/wwn-0x60014053b8c2d6119a414f0b8e275d1c", "scsi_wwn": null}""");

    private static final List<String> KEYS = List.of("target_portal", "target_portals", "target_iqn", "target_iqns",
            "target_lun", "target_luns", "auth_method", "auth_username", "auth_password", "discovery_auth_method",
            "target_wwn", "target_wwns", "initiator_target_map", "addressing_mode", "transport", "path", "type",
            "scsi_wwn", "multipath_id", "data", "driver_volume_type", "enforce_multipath", "access_mode",
            "device_path", "encrypted");

    private FuzzInputs() {
    }

    /** A mutation of a valid JSON input: structured (through the parsed value) or textual, or both. */
    static String mutate(Mutator mutator, String seed) {
        int kind = mutator.nextInt(10);
        if (kind < 2) {
            return mutator.mutate(seed);
        }
        Object value = mutateValue(mutator, Json.parse(seed, "seed"), 0);
        for (int i = mutator.nextInt(3); i > 0; i--) {
            value = mutateValue(mutator, value, 0);
        }
        String text = Json.write(value);
        return kind == 9 ? mutator.mutate(text) : text;
    }

    private static Object mutateValue(Mutator mutator, Object value, int depth) {
        if (value instanceof Map<?, ?> map && !map.isEmpty() && depth < 3) {
            Map<String, Object> copy = new LinkedHashMap<>();
            map.forEach((key, inner) -> copy.put((String) key, inner));
            List<String> keys = new ArrayList<>(copy.keySet());
            switch (mutator.nextInt(6)) {
                case 0 -> copy.remove(mutator.pick(keys));
                case 1 -> copy.put(mutator.pick(KEYS), randomValue(mutator));
                case 2 -> {
                    if (copy.containsKey("data")) {
                        return copy.get("data");
                    }
                    return Map.of("driver_volume_type", mutator.pick(List.of("iscsi", "fibre_channel", "")), "data",
                            copy);
                }
                default -> {
                    String key = mutator.pick(keys);
                    copy.put(key, mutateValue(mutator, copy.get(key), depth + 1));
                }
            }
            return copy;
        }
        if (value instanceof List<?> list && depth < 3) {
            List<Object> copy = new ArrayList<>(list);
            switch (mutator.nextInt(4)) {
                case 0 -> {
                    if (!copy.isEmpty()) {
                        copy.remove(mutator.nextInt(copy.size()));
                    }
                }
                case 1 -> copy.add(copy.isEmpty() ? randomValue(mutator) : mutator.pick(copy));
                case 2 -> copy.add(randomValue(mutator));
                default -> {
                    if (!copy.isEmpty()) {
                        int at = mutator.nextInt(copy.size());
                        copy.set(at, mutateValue(mutator, copy.get(at), depth + 1));
                    }
                }
            }
            return copy;
        }
        if (value instanceof String text && mutator.chance(0.6)) {
            return switch (mutator.nextInt(5)) {
                case 0 -> text + mutator.pick(Mutator.TRICKY);
                case 1 -> mutator.pick(Mutator.TRICKY) + text;
                case 2 -> text.isEmpty() ? text : text.substring(0, mutator.nextInt(text.length()));
                case 3 -> text.replace(":", mutator.pick(List.of("/", "/../", ";", " ", "\n", "$(id)", "::")));
                default -> mutator.mutate(text);
            };
        }
        return randomValue(mutator);
    }

    private static Object randomValue(Mutator mutator) {
        return switch (mutator.nextInt(12)) {
            case 0 -> Json.NULL;
            case 1 -> mutator.chance(0.5);
            case 2 -> new BigDecimal(mutator.pick(List.of("0", "-1", "1", "1.5", "255", "16383", "16384",
                    "4294967295", "18446744073709551615", "18446744073709551616", "1e30", "-0.0",
                    "123456789012345678901234567890", "1E+2", "3.0")));
            case 3 -> List.of();
            case 4 -> Map.of();
            case 5 -> List.of(mutator.pick(Mutator.TRICKY), 1);
            case 6 -> "127.0.0.1:3260" + mutator.pick(List.of("", ",1", "/../", ";reboot", " ", ":99999", ":-1"));
            case 7 -> IQN + mutator.pick(List.of("", "/../../etc", " x", "\n", ";id", "$(id)", "`id`", "\u00e9"));
            case 8 -> mutator.pick(List.of("../../../etc/passwd", "/dev/../etc/shadow", "/dev/sda; rm -rf /",
                    "/dev/", "/dev/..", "dev/sda", "/dev/sda\u0000", "/dev/sd a"));
            case 9 -> List.of("514f0c50023f6c00", "514f0c50023f6c0/", "0x" + "f".repeat(40));
            default -> mutator.pick(Mutator.TRICKY);
        };
    }
}
