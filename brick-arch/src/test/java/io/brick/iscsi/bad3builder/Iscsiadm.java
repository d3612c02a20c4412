package io.brick.iscsi.bad3builder;

import java.io.IOException;

/** Bad for rule 3 only: a transport starting a process itself. */
public final class Iscsiadm {
    private Iscsiadm() {
    }

    public static Process start() throws IOException {
        return new ProcessBuilder("iscsiadm", "-m", "session").start();
    }
}
