package io.brick.core.model;

import java.util.List;

/**
 * What brick reads of the host's shared storage state at once, for {@code brick topology} and {@code brick doctor}:
 * the SCSI devices of the transports' hosts and the multipath maps, each list sorted (devices by H:C:T:L, maps by
 * kernel name). What belongs to one transport (its sessions, HBAs, remote ports) the transport's own readers give.
 */
public record Topology(List<BlockDevice> devices, List<MultipathMap> multipathMaps) {
    public Topology {
        devices = List.copyOf(devices);
        multipathMaps = List.copyOf(multipathMaps);
    }
}
