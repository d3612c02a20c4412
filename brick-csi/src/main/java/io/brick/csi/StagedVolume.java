package io.brick.csi;

import io.brick.core.json.Json;
import io.brick.core.model.AttachedVolume;
import io.brick.core.model.ConnectionProperties;
import io.brick.core.model.Protocol;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import static java.util.Objects.requireNonNull;

/**
 * What brick-csi keeps about one volume between RPCs: NodeUnstageVolume gets only the volume ID and the staging path,
 * so the stage writes here what the disconnect needs. Written before the connect ({@link #device} empty: a stage
 * in progress, so that a plugin killed in the middle finds it and converges on the retry) and again after it.
 *
 * <p>The properties are kept with their secrets masked ({@link ConnectionProperties#toMaskedJson}): a disconnect
 * logs in nowhere, so no CHAP password needs to be at rest on the node.
 *
 * @param volumeId the CO's volume ID
 * @param stagingPath the staging path it was staged at
 * @param protocol the transport
 * @param properties the connection properties, secrets masked
 * @param access how it is used: {@code block}, or {@code mount} with a file system
 * @param device the connect's result; empty while the stage is in progress
 * @param publications the target paths it is published at, each with whether read-only
 */
record StagedVolume(String volumeId, String stagingPath, Protocol protocol, ConnectionProperties properties,
                    Access access, Optional<AttachedVolume> device, Map<String, Boolean> publications) {
    private static final int FORMAT = 1;

    StagedVolume {
        requireNonNull(volumeId, "volumeId is null");
        requireNonNull(stagingPath, "stagingPath is null");
        requireNonNull(protocol, "protocol is null");
        requireNonNull(properties, "properties is null");
        requireNonNull(access, "access is null");
        requireNonNull(device, "device is null");
        publications = Map.copyOf(new TreeMap<>(publications));
    }

    /**
     * How the volume is accessed.
     *
     * @param block whether it is a raw block volume
     * @param fsType the file system of a mount volume ({@code ""} for a block volume)
     * @param mountFlags the mount flags of a mount volume
     */
    record Access(boolean block, String fsType, List<String> mountFlags) {
        static final Access BLOCK = new Access(true, "", List.of());

        Access {
            requireNonNull(fsType, "fsType is null");
            mountFlags = List.copyOf(mountFlags);
        }

        @Override
        public String toString() {
            return block ? "block" : "mount(" + fsType + ")";
        }
    }

    /** A stage in progress: written before the connect. */
    static StagedVolume staging(String volumeId, String stagingPath, VolumeSource source, Access access) {
        ConnectionProperties masked = ConnectionProperties.parseJson(source.properties().toMaskedJson());
        return new StagedVolume(volumeId, stagingPath, source.protocol(), masked, access, Optional.empty(), Map.of());
    }

    /** Whether the connect finished. */
    boolean staged() {
        return device.isPresent();
    }

    /** This volume after its connect. */
    StagedVolume withDevice(AttachedVolume attached) {
        return new StagedVolume(volumeId, stagingPath, protocol, properties, access, Optional.of(attached), publications);
    }

    /** This volume also published at {@code target}. */
    StagedVolume withPublication(String target, boolean readOnly) {
        Map<String, Boolean> more = new TreeMap<>(publications);
        more.put(target, readOnly);
        return new StagedVolume(volumeId, stagingPath, protocol, properties, access, device, more);
    }

    /** This volume no longer published at {@code target}. */
    StagedVolume withoutPublication(String target) {
        Map<String, Boolean> fewer = new TreeMap<>(publications);
        fewer.remove(target);
        return new StagedVolume(volumeId, stagingPath, protocol, properties, access, device, fewer);
    }

    /**
     * Whether a stage request asks for this very volume: same staging path, protocol, (masked) properties and
     * access. A retry of the same stage is OK; anything else is the spec's ALREADY_EXISTS.
     */
    boolean sameStage(String otherStagingPath, VolumeSource source, Access otherAccess) {
        return stagingPath.equals(otherStagingPath) && protocol.equals(source.protocol())
                && properties.toMaskedJson().equals(source.properties().toMaskedJson()) && access.equals(otherAccess);
    }

    /** The state file's JSON. */
    String toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("format", FORMAT);
        json.put("volume_id", volumeId);
        json.put("staging_target_path", stagingPath);
        json.put("protocol", protocol.name());
        json.put("connection_properties", Json.parse(properties.toMaskedJson(), "connection_properties"));
        json.put("access_type", access.block() ? "block" : "mount");
        json.put("fs_type", access.fsType());
        json.put("mount_flags", access.mountFlags());
        device.ifPresent(attached -> json.put("device_info", attached.toDeviceInfo()));
        Map<String, Object> published = new LinkedHashMap<>();
        publications.forEach((target, readOnly) -> published.put(target, Map.of("readonly", readOnly)));
        json.put("published", published);
        return Json.writePretty(json);
    }

    /**
     * Reads a state file's JSON.
     *
     * @throws io.brick.core.error.InvalidInputException naming the key when the file is not one brick-csi wrote
     */
    static StagedVolume parseJson(String text) {
        Map<String, Object> json = object(Json.parse(text, "state"), "state");
        Object format = json.get("format");
        if (!(format instanceof BigDecimal number) || number.intValue() != FORMAT) {
            throw new io.brick.core.error.InvalidInputException("format", "not a brick-csi state file of format " + FORMAT);
        }
        String access = string(json, "access_type");
        List<String> flags = strings(json.get("mount_flags"));
        Optional<AttachedVolume> device = json.containsKey("device_info") && json.get("device_info") != Json.NULL
                ? Optional.of(AttachedVolume.fromDeviceInfo(object(json.get("device_info"), "device_info")))
                : Optional.empty();
        Map<String, Boolean> publications = new TreeMap<>();
        object(json.getOrDefault("published", Map.of()), "published").forEach((target, value) ->
                publications.put(target, Boolean.TRUE.equals(object(value, "published").get("readonly"))));
        return new StagedVolume(string(json, "volume_id"), string(json, "staging_target_path"),
                Protocol.of(string(json, "protocol")),
                ConnectionProperties.of(object(json.get("connection_properties"), "connection_properties")),
                access.equals("block") ? Access.BLOCK : new Access(false, string(json, "fs_type"), flags),
                device, publications);
    }

    private static Map<String, Object> object(Object value, String key) {
        if (!(value instanceof Map<?, ?> map)) {
            throw new io.brick.core.error.InvalidInputException(key, "expected a JSON object");
        }
        Map<String, Object> copy = new LinkedHashMap<>();
        map.forEach((name, inner) -> copy.put((String) name, inner));
        return copy;
    }

    private static String string(Map<String, Object> json, String key) {
        if (!(json.get(key) instanceof String text)) {
            throw new io.brick.core.error.InvalidInputException(key, "expected a string");
        }
        return text;
    }

    private static List<String> strings(Object value) {
        if (!(value instanceof List<?> list)) {
            return List.of();
        }
        return list.stream().map(String::valueOf).toList();
    }
}
