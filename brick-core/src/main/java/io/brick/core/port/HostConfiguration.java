package io.brick.core.port;

import io.brick.core.model.Iqn;

import java.util.Optional;

/**
 * The host's storage configuration files, read-only: what other parties need to know about this host
 * (os-brick's connector properties).
 */
public interface HostConfiguration {
    /**
     * The iSCSI initiator name: the first {@code InitiatorName=} line of {@code /etc/iscsi/initiatorname.iscsi}
     * (under the host root); empty when the file or the line is missing.
     */
    Optional<Iqn> iscsiInitiatorName();

    /** The host's name ({@code /etc/hostname}, else the kernel's {@code /proc/sys/kernel/hostname}). */
    Optional<String> hostName();
}
