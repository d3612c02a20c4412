package io.brick.iscsi;

import io.brick.core.port.HostConfiguration;
import jakarta.inject.Inject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

import static java.util.Objects.requireNonNull;

/**
 * The host's iSCSI initiator name for the connector properties, shared by the iSCSI and iSER transports (one runtime
 * has one): read again at every call, so a name written while a long-running process lives is seen, and a missing
 * name is said at WARN once while it stays missing, not once per transport and call.
 */
final class HostInitiator {
    private static final Logger log = LoggerFactory.getLogger(HostInitiator.class);

    private final HostConfiguration host;
    private final AtomicBoolean missingSaid = new AtomicBoolean();

    @Inject
    HostInitiator(HostConfiguration host) {
        this.host = requireNonNull(host, "host is null");
    }

    /** The initiator name, if the host has one brick can use. */
    Optional<Iqn> name() {
        Optional<Iqn> name = InitiatorName.read(host);
        if (name.isPresent()) {
            missingSaid.set(false);
        } else if (missingSaid.compareAndSet(false, true)) {
            log.warn("Could not find the iSCSI Initiator File: no initiator name for this host");
        } else {
            log.debug("still no iSCSI initiator name for this host");
        }
        return name;
    }
}
