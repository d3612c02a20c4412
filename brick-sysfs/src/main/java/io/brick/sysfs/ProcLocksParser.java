package io.brick.sysfs;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads the kernel's table of file locks, {@code /proc/locks}, for the processes holding a lock on one file: how
 * brick names the owner of a lock file it waits for without writing into the file. A line is
 * {@code N: POSIX  ADVISORY  WRITE PID MAJ:MIN:INODE START END} (major and minor in hex, the inode in decimal);
 * a waiter's line starts {@code N: -> POSIX ...} and is skipped, as are lines of any other shape.
 */
final class ProcLocksParser {
    private ProcLocksParser() {
    }

    /** The process IDs holding a lock on the file of device {@code major:minor} and {@code inode}, in table order. */
    static List<Long> holders(String table, long major, long minor, long inode) {
        String wanted = String.format(Locale.ROOT, "%02x:%02x:%d", major, minor, inode);
        List<Long> pids = new ArrayList<>();
        for (String line : table.split("\n")) {
            String[] fields = line.strip().split("\\s+");
            // N: TYPE MODE ACCESS PID DEV:INODE START END
            if (fields.length < 8 || !fields[0].endsWith(":") || fields[1].equals("->")) {
                continue;
            }
            if (!fields[5].equalsIgnoreCase(wanted)) {
                continue;
            }
            try {
                pids.add(Long.parseLong(fields[4]));
            } catch (NumberFormatException e) {
                // not a holder's line
            }
        }
        return List.copyOf(pids);
    }

    /** The major number of a Linux {@code dev_t} as glibc encodes it. */
    static long major(long dev) {
        return ((dev >>> 8) & 0xfffL) | ((dev >>> 32) & 0xfffff000L);
    }

    /** The minor number of a Linux {@code dev_t} as glibc encodes it. */
    static long minor(long dev) {
        return (dev & 0xffL) | ((dev >>> 12) & 0xffffff00L);
    }
}
