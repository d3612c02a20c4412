package io.brick.sysfs;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What brick reads of udev's database entry of a device ({@code /run/udev/data/b<major>:<minor>}): the
 * {@code /dev/disk/by-id} links udev made for it, from its {@code S:} lines ({@code S:disk/by-id/scsi-36001405...},
 * relative to {@code /dev}). Any other line ({@code E:}, {@code L:}, {@code I:}, {@code G:}, ...) and any {@code S:}
 * line that is not one by-id name ({@code S:disk/by-path/...}, an absolute path, a name with a {@code /} or a
 * {@code ..}) is ignored: a name read here is only ever looked up in by-id, never followed elsewhere.
 */
final class UdevDatabase {
    private static final Logger log = LoggerFactory.getLogger(UdevDatabase.class);
    private static final String LINK = "S:";
    private static final String BY_ID = "disk/by-id/";

    private UdevDatabase() {
    }

    /** The by-id link names of an entry's text, in the order listed, each once. */
    static List<String> byIdLinks(String text) {
        Set<String> names = new LinkedHashSet<>();
        for (String line : text.split("\n", -1)) {
            if (!line.startsWith(LINK)) {
                continue;
            }
            String link = line.substring(LINK.length());
            if (!link.startsWith(BY_ID)) {
                continue; // by-path, by-uuid, ...: not what a removal cleans
            }
            String name = link.substring(BY_ID.length());
            if (!HostFiles.isKernelName(name)) {
                log.debug("ignoring the udev database line '{}': not one name in /dev/disk/by-id", line);
                continue;
            }
            names.add(name);
        }
        return List.copyOf(names);
    }
}
