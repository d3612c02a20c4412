package io.brick.core.model;

import io.brick.core.error.InvalidInputException;
import io.brick.core.json.Json;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * The result of a connect: os-brick's {@code device_info}
 * ({@code {"type":"block","path":"/dev/dm-0","scsi_wwn":"3600...","multipath_id":"3600..."}}).
 *
 * @param path the device the caller uses: {@code /dev/dm-N}, {@code /dev/sdX}, or (FC) a by-id/by-path link
 * @param scsiWwn the volume's WWID; empty when it could not be read (os-brick writes {@code ""})
 * @param multipathId the map's WWID, present only when a multipath map is the path
 */
public record AttachedVolume(DevicePath path, Optional<Wwid> scsiWwn, Optional<Wwid> multipathId) {
    private static final String DEVICE_INFO = "device_info";
    private static final String TYPE = "type";
    private static final String BLOCK = "block";
    private static final String PATH = "path";
    private static final String SCSI_WWN = "scsi_wwn";
    private static final String MULTIPATH_ID = "multipath_id";

    public AttachedVolume {
        requireNonNull(path, "path is null");
        requireNonNull(scsiWwn, "scsiWwn is null");
        requireNonNull(multipathId, "multipathId is null");
    }

    /** Whether the path is a multipath map. */
    public boolean multipath() {
        return multipathId.isPresent();
    }

    /**
     * os-brick's device_info as an ordered, immutable map: {@code type} ({@code block}), {@code path},
     * {@code scsi_wwn} ({@code ""} when unknown, as os-brick writes it), and {@code multipath_id} only when present.
     */
    public Map<String, Object> toDeviceInfo() {
        Map<String, Object> info = new LinkedHashMap<>();
        info.put(TYPE, BLOCK);
        info.put(PATH, path.path());
        info.put(SCSI_WWN, scsiWwn.map(Wwid::value).orElse(""));
        multipathId.ifPresent(wwid -> info.put(MULTIPATH_ID, wwid.value()));
        return Collections.unmodifiableMap(info);
    }

    /** {@link #toDeviceInfo()} as compact JSON. */
    public String toJson() {
        return Json.write(toDeviceInfo());
    }

    /**
     * Reads os-brick's device_info JSON; invalid input names the key ({@code path}, {@code scsi_wwn}, ...), or
     * {@code device_info} when the text is not JSON or not an object.
     */
    public static AttachedVolume parseJson(String json) {
        requireNonNull(json, "json is null");
        Object parsed = Json.parse(json, DEVICE_INFO);
        if (!(parsed instanceof Map<?, ?> map)) {
            throw new InvalidInputException(DEVICE_INFO, "expected a JSON object");
        }
        Map<String, Object> info = new LinkedHashMap<>();
        map.forEach((key, value) -> info.put((String) key, value));
        return fromDeviceInfo(info);
    }

    /**
     * Reads os-brick's device_info from a parsed map: {@code path} is required and must be a path under {@code /dev};
     * {@code scsi_wwn} and {@code multipath_id} may be absent, {@code null} or {@code ""} (unknown); {@code type},
     * when present, must be {@code block}. Other keys are ignored. Errors name the key.
     */
    public static AttachedVolume fromDeviceInfo(Map<String, ?> deviceInfo) {
        requireNonNull(deviceInfo, "deviceInfo is null");
        Object type = deviceInfo.get(TYPE);
        if (present(type) && !BLOCK.equals(type)) {
            throw new InvalidInputException(TYPE, type instanceof String text
                    ? Quoted.of(text) + " is not a type brick attaches (only block)"
                    : "expected the string block");
        }
        Object path = deviceInfo.get(PATH);
        if (!present(path)) {
            throw new InvalidInputException(PATH, "is missing");
        }
        if (!(path instanceof String pathText)) {
            throw new InvalidInputException(PATH, "expected a string");
        }
        DevicePath devicePath;
        try {
            devicePath = DevicePath.of(pathText);
        } catch (InvalidInputException e) {
            throw e.under(PATH);
        }
        return new AttachedVolume(devicePath, wwid(deviceInfo, SCSI_WWN), wwid(deviceInfo, MULTIPATH_ID));
    }

    private static Optional<Wwid> wwid(Map<String, ?> deviceInfo, String key) {
        Object value = deviceInfo.get(key);
        if (!present(value)) {
            return Optional.empty();
        }
        if (!(value instanceof String text)) {
            throw new InvalidInputException(key, "expected a string");
        }
        if (text.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Wwid.of(text));
        } catch (InvalidInputException e) {
            throw e.under(key);
        }
    }

    private static boolean present(Object value) {
        return value != null && value != Json.NULL;
    }
}
