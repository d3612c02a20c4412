package io.brick.core.model;

import io.brick.core.error.InvalidInputException;

import static java.util.Objects.requireNonNull;

/**
 * An absolute path under {@code /dev} as the host sees it ({@code /dev/sda}, {@code /dev/dm-0},
 * {@code /dev/disk/by-id/...}); never relative, never with {@code ..}, {@code .}, an empty element, a trailing
 * {@code /}, a control character or whitespace (udev and the kernel never put one in a device's name); at most 4096
 * characters. Host-root relocation (tests, containers) is
 * the adapters' business, not this value's.
 */
public record DevicePath(String path) {
    private static final int MAX_LENGTH = 4096;

    public DevicePath {
        requireNonNull(path, "path is null");
        if (!path.startsWith("/dev/") || path.length() == 5 || path.length() > MAX_LENGTH || path.contains("/../")
                || path.endsWith("/..") || path.contains("/./") || path.endsWith("/.") || path.contains("//")
                || path.endsWith("/") || hasControlCharacterOrSpace(path)) {
            throw new InvalidInputException("path", Quoted.of(path) + " is not a device path under /dev");
        }
    }

    private static boolean hasControlCharacterOrSpace(String path) {
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c < 0x20 || c == 0x7f || Character.isWhitespace(c) || Character.isSpaceChar(c)) {
                return true;
            }
        }
        return false;
    }

    public static DevicePath of(String path) {
        return new DevicePath(path);
    }

    /** {@code /dev/NAME} for a kernel device name such as {@code sda} or {@code dm-0}. */
    public static DevicePath ofKernelName(String name) {
        if (name.isEmpty() || name.contains("/") || name.equals(".") || name.equals("..")) {
            throw new InvalidInputException("device", Quoted.of(name) + " is not a kernel device name");
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
