package io.brick.cli.doctor;

import io.brick.core.model.BlockDevice;
import io.brick.core.model.MultipathMap;
import io.brick.core.model.Topology;
import io.brick.core.port.SysfsAccess;
import io.brick.core.port.TopologyProvider;
import io.brick.fc.FcHost;
import io.brick.fc.FcHostReader;
import io.brick.fc.FcRemotePort;
import io.brick.iscsi.IscsiSession;
import io.brick.iscsi.IscsiSessionReader;

import java.util.List;

/**
 * Everything brick reads about the host at once, for {@code brick topology} and {@code brick doctor}: the shared view
 * core's {@link TopologyProvider} gives (SCSI devices of the transports' hosts, multipath maps) and what the installed
 * transports' readers give (iSCSI sessions, FC hosts and remote ports). The CLI assembles every plugin, so it is the
 * one place that knows them all. Every list is sorted (sessions by id, devices by H:C:T:L, maps by kernel name, hosts
 * by number, remote ports by host, channel and name).
 */
public record HostTopology(List<IscsiSession> iscsiSessions, List<BlockDevice> devices,
                           List<MultipathMap> multipathMaps, List<FcHost> fcHosts, List<FcRemotePort> fcRemotePorts) {
    public HostTopology {
        iscsiSessions = List.copyOf(iscsiSessions);
        devices = List.copyOf(devices);
        multipathMaps = List.copyOf(multipathMaps);
        fcHosts = List.copyOf(fcHosts);
        fcRemotePorts = List.copyOf(fcRemotePorts);
    }

    /** Reads the whole host: the sessions, then the shared topology, then the HBAs. */
    public static HostTopology read(TopologyProvider topology, SysfsAccess sysfs) {
        List<IscsiSession> sessions = new IscsiSessionReader(sysfs, topology).sessions();
        Topology shared = topology.topology();
        FcHostReader hbas = new FcHostReader(sysfs);
        return new HostTopology(sessions, shared.devices(), shared.multipathMaps(), hbas.hosts(), hbas.remotePorts());
    }
}
