package io.brick.testkit.sysfs;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

import static java.util.Objects.requireNonNull;

/**
 * What {@link FakeSysfs#multipathMap} writes for one device-mapper multipath map: its WWID ({@code dm/uuid} is
 * {@code mpath-<wwid>}), name ({@code dm/name}, the WWID by default as with {@code user_friendly_names no}), path
 * devices ({@code slaves/}) and size (its first path's by default).
 */
public final class MultipathMapSpec {
    String wwid;
    Optional<String> name = Optional.empty();
    Optional<String> uuid = Optional.empty();
    List<String> slaves = List.of();
    OptionalLong sizeBytes = OptionalLong.empty();
    boolean suspended;

    MultipathMapSpec() {
    }

    /** The WWID in udev form; names the map and fills {@code dm/uuid} unless set otherwise. */
    public MultipathMapSpec wwid(String udevWwid) {
        this.wwid = requireNonNull(udevWwid, "udevWwid is null");
        return this;
    }

    /** The map's name ({@code dm/name}, {@code /dev/mapper/<name>}), e.g. {@code mpatha}. */
    public MultipathMapSpec name(String value) {
        this.name = Optional.of(requireNonNull(value, "value is null"));
        return this;
    }

    /** Overrides {@code dm/uuid} (e.g. {@code LVM-...} for a dm device that is not a multipath map). */
    public MultipathMapSpec uuid(String value) {
        this.uuid = Optional.of(requireNonNull(value, "value is null"));
        return this;
    }

    /** The kernel names of its path devices ({@code sda}, {@code sdb}); each must exist. */
    public MultipathMapSpec slaves(String... kernelNames) {
        this.slaves = List.of(kernelNames);
        return this;
    }

    /** The map's size in bytes; its first path's by default. */
    public MultipathMapSpec sizeBytes(long bytes) {
        this.sizeBytes = OptionalLong.of(bytes);
        return this;
    }

    /** Whether the map is suspended ({@code dm/suspended}). */
    public MultipathMapSpec suspended(boolean value) {
        this.suspended = value;
        return this;
    }
}
