package io.brick.multipath.bad7jul;

import java.util.logging.Logger;

/** Bad for rule 7b only: java.util.logging. */
final class Maps {
    private static final Logger LOG = Logger.getLogger(Maps.class.getName());

    private Maps() {
    }

    static void report() {
        LOG.info("maps");
    }
}
