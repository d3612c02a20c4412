package io.brick.core.model;

import io.brick.core.error.InvalidInputException;

import static java.util.Objects.requireNonNull;

/**
 * An absolute path under {@code /dev} as the host sees it ({@code /dev/sda}, {@code /dev/dm-0},
 * {@code /dev/disk/by-id/...}); never relative, never with {@code ..}. Host-root relocation (tests, containers) is
 * the adapters' business, not this value's.
 */
public record DevicePath(String path) {
    public DevicePath {
        requireNonNull(path, "path is null");
        if (!path.startsWith("/dev/") || path.length() == 5 || path.contains("/../") || path.endsWith("/..")
                || path.contains("/./") || path.contains("//") || path.indexOf('\0') >= 0) {
            throw new InvalidInputException("path", "'" + path + "' is not a device path under /dev");
        }
    }

    public static DevicePath of(String path) {
        return new DevicePath(path);
    }

    /** {@code /dev/NAME} for a kernel device name such as {@code sda} or {@code dm-0}. */
    public static DevicePath ofKernelName(String name) {
        if (name.isEmpty() || name.contains("/")) {
            throw new InvalidInputException("device", "'" + name + "' is not a kernel device name");
        }
        return new DevicePath("/dev/" + name);
    }

    /** The last path element: {@code sda} for {@code /dev/sda}. */
    public String name() {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    @Override
    public String toString() {
        return path;
    }
}
