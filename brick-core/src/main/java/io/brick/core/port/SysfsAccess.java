package io.brick.core.port;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Read-only access to the kernel objects under the host's {@code /sys}, confined to it: how a transport reads its own
 * kernel objects ({@code class/nvme-fabrics}, {@code class/fc_host}, {@code class/iscsi_session}, ...) without
 * touching files itself and without brick-sysfs knowing them.
 *
 * <p>Paths are relative to {@code /sys} ({@code "class/nvme/nvme0/subsysnqn"}), with {@code /} between names; an
 * absolute path, an empty name, {@code .} or {@code ..} is an {@link IllegalArgumentException}. Links are followed
 * only while they stay inside {@code /sys}; a path that leads outside, or that does not exist, is absent. An object
 * that disappears while it is read is absent, not an error (devices come and go); a file that exists but cannot be
 * read is a {@link io.brick.core.error.HostStateException}. Attributes are read without following a link at their
 * own name and at most 64 KiB of each.
 */
public interface SysfsAccess {
    /** The names in a directory ({@code "class/nvme"}), sorted; empty when it is missing or not a directory. */
    List<String> list(String directory);

    /** An attribute's text with trailing white space stripped ({@code "class/nvme/nvme0/state"} → {@code live}). */
    Optional<String> read(String attribute);

    /**
     * Where a path leads once every link on the way is followed, relative to {@code /sys}
     * ({@code "class/nvme/nvme0"} → {@code devices/virtual/nvme-fabrics/ctl/nvme0}); empty when it is missing or
     * leads outside {@code /sys}.
     */
    Optional<String> resolve(String path);

    /**
     * Several attributes of one object ({@code "class/iscsi_session/session1"}, {@code targetname}, {@code state}),
     * as {@link #read} answers each, by name; a missing one is left out. An adapter resolves the directory once for
     * all of them, so reading an object's attributes costs one resolution, not one per attribute. A name is one path
     * element ({@code /}, {@code .} and {@code ..} are an {@link IllegalArgumentException}).
     */
    default Map<String, String> readAll(String directory, List<String> names) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String name : names) {
            if (name.isEmpty() || name.contains("/") || name.equals(".") || name.equals("..")) {
                throw new IllegalArgumentException("not an attribute name: '" + name + "'");
            }
            read(directory + "/" + name).ifPresent(value -> values.put(name, value));
        }
        return values;
    }

    /**
     * The entries of a directory whose names pass the filter ({@code "class/iscsi_session"},
     * {@code name -> name.startsWith("session")}), sorted by name, each resolved once: what a transport does to read
     * every object of a class. An entry that leads outside {@code /sys} or is gone is left out; empty when the
     * directory is missing. An adapter resolves the directory once and each entry relative to it (its link's target
     * checked name by name from there), so reading N objects costs one resolution of the directory and one short one
     * per entry, not a resolution per attribute.
     */
    default List<Entry> entries(String directory, Predicate<String> names) {
        List<Entry> entries = new java.util.ArrayList<>();
        for (String name : list(directory)) {
            if (names.test(name)) {
                entry(directory + "/" + name).ifPresent(entries::add);
            }
        }
        return List.copyOf(entries);
    }

    /**
     * One object's directory ({@code "class/iscsi_session/session1"}), resolved once as {@link #resolve} does; empty
     * when it is missing or leads outside {@code /sys}.
     */
    default Optional<Entry> entry(String path) {
        return resolve(path).map(real -> new Entry() {
            @Override
            public String name() {
                return path.substring(path.lastIndexOf('/') + 1);
            }

            @Override
            public String path() {
                return real;
            }

            @Override
            public Map<String, String> readAll(List<String> attributes) {
                return SysfsAccess.this.readAll(path, attributes);
            }
        });
    }

    /**
     * A kernel object's directory as {@link #entries} and {@link #entry} found it: the name it was asked by, where it
     * resolved, and its attributes read relative to that place without resolving it again. It is read within the
     * lookup that found it (a device that goes away meanwhile reads as missing attributes, as with {@link #readAll}).
     */
    interface Entry {
        /** The name in the directory it was listed in ({@code session1}). */
        String name();

        /**
         * Where it resolved, relative to {@code /sys}
         * ({@code devices/platform/host2/session1/iscsi_session/session1}).
         */
        String path();

        /** Its attributes as {@link SysfsAccess#readAll} answers them (a missing one is left out). */
        Map<String, String> readAll(List<String> attributes);
    }

    /** Whether the path exists (inside {@code /sys}). */
    default boolean exists(String path) {
        return resolve(path).isPresent();
    }
}
