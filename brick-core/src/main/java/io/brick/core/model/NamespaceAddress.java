package io.brick.core.model;

import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * A path that is a namespace behind a controller ({@code nvme0} namespace 1): how NVMe over Fabrics addresses a
 * volume's path, written {@code nvme0/1}. Removing such a path is its transport's business (disconnecting the
 * controller), not a SCSI {@code delete}.
 *
 * @param controller the controller's kernel name ({@code nvme0})
 * @param namespace the namespace id (1 or more)
 */
public record NamespaceAddress(String controller, long namespace) implements PathAddress {
    /** The kind of namespace addresses. */
    public static final String KIND = "nvme";
    private static final Pattern CONTROLLER = Pattern.compile("[a-z][a-z0-9_]{0,31}");

    public NamespaceAddress {
        requireNonNull(controller, "controller is null");
        if (!CONTROLLER.matcher(controller).matches()) {
            throw new IllegalArgumentException("not a controller's kernel name: " + Quoted.of(controller));
        }
        if (namespace < 1) {
            throw new IllegalArgumentException("a namespace id is 1 or more: " + namespace);
        }
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public String toString() {
        return controller + "/" + namespace;
    }
}
