package io.brick.multipath.bad3runtime;

import java.io.IOException;

/** Bad for rule 3 only: Runtime.exec outside brick-exec. */
public final class Multipathd {
    private Multipathd() {
    }

    public static void run() throws IOException {
        Runtime.getRuntime().exec(new String[] {"multipathd", "show", "maps"});
    }
}
