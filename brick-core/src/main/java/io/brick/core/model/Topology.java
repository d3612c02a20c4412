package io.brick.core.model;

import java.util.List;

/**
 * Everything brick reads about the host at once, for {@code brick topology} and {@code brick doctor}: sessions,
 * SCSI devices of iSCSI and FC hosts, multipath maps, FC hosts and remote ports. Every list is sorted
 * (sessions by id, devices by H:C:T:L, maps by kernel name, hosts by number).
 */
public record Topology(List<IscsiSession> iscsiSessions, List<BlockDevice> devices, List<MultipathMap> multipathMaps,
                       List<FcHost> fcHosts, List<FcRemotePort> fcRemotePorts) {
    public Topology {
        iscsiSessions = List.copyOf(iscsiSessions);
        devices = List.copyOf(devices);
        multipathMaps = List.copyOf(multipathMaps);
        fcHosts = List.copyOf(fcHosts);
        fcRemotePorts = List.copyOf(fcRemotePorts);
    }
}
