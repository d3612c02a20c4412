package io.brick.iscsi.good4;

import io.brick.core.port.SamplePort;

/** Good for rule 4: an adapter uses other adapters only through core's ports. */
final class UsesPort {
    private final SamplePort port;

    UsesPort(SamplePort port) {
        this.port = port;
    }

    String answer() {
        return port.answer();
    }
}
