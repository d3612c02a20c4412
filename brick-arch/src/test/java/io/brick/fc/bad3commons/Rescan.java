package io.brick.fc.bad3commons;

import org.apache.commons.exec.CommandLine;

/** Bad for rule 3 only: commons-exec outside brick-exec. */
public final class Rescan {
    private Rescan() {
    }

    public static String line() {
        return CommandLine.parse("rescan-scsi-bus.sh").getExecutable();
    }
}
