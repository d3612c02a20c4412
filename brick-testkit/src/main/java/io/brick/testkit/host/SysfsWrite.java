package io.brick.testkit.host;

import java.time.Duration;

import static java.util.Objects.requireNonNull;

/**
 * A write into a sysfs attribute of the simulated host ({@code scan}, {@code delete}, {@code rescan}, {@code state}),
 * as the model picked it up.
 *
 * @param at simulated time since the host was built
 * @param path the attribute, relative to the host's root ({@code sys/devices/platform/host2/scsi_host/host2/scan})
 * @param value what was written, without surrounding white space
 */
public record SysfsWrite(Duration at, String path, String value) {
    public SysfsWrite {
        requireNonNull(at, "at is null");
        requireNonNull(path, "path is null");
        requireNonNull(value, "value is null");
    }
}
