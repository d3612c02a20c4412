package io.brick.core.model;

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
    public AttachedVolume {
        requireNonNull(path, "path is null");
        requireNonNull(scsiWwn, "scsiWwn is null");
        requireNonNull(multipathId, "multipathId is null");
    }

    /** Whether the path is a multipath map. */
    public boolean multipath() {
        return multipathId.isPresent();
    }

    /** os-brick's device_info as an ordered map: type, path, scsi_wwn, and multipath_id when present. */
    public Map<String, Object> toDeviceInfo() {
        throw new UnsupportedOperationException("not yet written");
    }

    /** {@link #toDeviceInfo()} as compact JSON. */
    public String toJson() {
        throw new UnsupportedOperationException("not yet written");
    }

    /** Reads os-brick's device_info JSON; invalid input names the key ({@code path}, {@code scsi_wwn}, ...). */
    public static AttachedVolume parseJson(String json) {
        throw new UnsupportedOperationException("not yet written");
    }

    /** Reads os-brick's device_info from a parsed map. */
    public static AttachedVolume fromDeviceInfo(Map<String, ?> deviceInfo) {
        throw new UnsupportedOperationException("not yet written");
    }
}
