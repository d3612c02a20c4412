package io.brick.iscsi;

import io.brick.core.bootstrap.Brick;
import io.brick.core.host.HostRoot;
import io.brick.core.lock.ProcessLocks;
import io.brick.core.model.BlockDevice;
import io.brick.core.model.Hctl;
import io.brick.core.model.Lun;
import io.brick.core.model.MultipathMap;
import io.brick.core.model.ScsiTarget;
import io.brick.core.model.Topology;
import io.brick.core.model.Wwid;
import io.brick.core.port.SysfsAccess;
import io.brick.core.port.TopologyProvider;
import io.brick.sysfs.SysfsPlugin;

import java.util.List;
import java.util.Optional;

/**
 * brick-sysfs's production readers over a host root, and the iSCSI session reader over its {@link SysfsAccess}, with
 * the lookups named as they were when brick-sysfs answered the sessions (the tests moved here read as before).
 */
final class SysfsHost {
    private final TopologyProvider topology;
    private final SysfsAccess sysfs;
    private final IscsiSessionReader sessions;

    private SysfsHost(Brick brick) {
        this.topology = brick.port(TopologyProvider.class);
        this.sysfs = brick.port(SysfsAccess.class);
        this.sessions = new IscsiSessionReader(sysfs, topology);
    }

    /** The readers of the host under that root (the runtime has no connector: nothing to close). */
    static SysfsHost over(HostRoot root) {
        return new SysfsHost(Brick.builder().plugins(new SysfsPlugin()).hostRoot(root)
                .commandRunner(command -> {
                    throw new AssertionError("a reader ran " + command);
                })
                .processLocks(ProcessLocks.none()).build());
    }

    TopologyProvider topologyProvider() {
        return topology;
    }

    SysfsAccess sysfs() {
        return sysfs;
    }

    IscsiSessionReader sessions() {
        return sessions;
    }

    List<IscsiSession> iscsiSessions() {
        return sessions.sessions();
    }

    List<IscsiSession> iscsiSessions(Iqn target) {
        return sessions.sessions(target);
    }

    Optional<IscsiSession> iscsiSession(int sessionId) {
        return sessions.session(sessionId);
    }

    Optional<ScsiTarget> sessionTarget(int sessionId) {
        return sessions.target(sessionId);
    }

    Optional<BlockDevice> sessionDevice(int sessionId, Lun lun) {
        return sessions.device(sessionId, lun);
    }

    List<BlockDevice> sessionDevices(int sessionId) {
        return sessions.devices(sessionId);
    }

    Optional<BlockDevice> deviceAt(Hctl hctl) {
        return topology.deviceAt(hctl);
    }

    Optional<BlockDevice> device(String kernelName) {
        return topology.device(kernelName);
    }

    Optional<Wwid> wwid(String kernelName) {
        return topology.wwid(kernelName);
    }

    Optional<MultipathMap> holderMap(String kernelName) {
        return topology.holderMap(kernelName);
    }

    Optional<MultipathMap> multipathMap(String kernelName) {
        return topology.multipathMap(kernelName);
    }

    Optional<MultipathMap> multipathMapByWwid(Wwid wwid) {
        return topology.multipathMapByWwid(wwid);
    }

    List<MultipathMap> multipathMaps() {
        return topology.multipathMaps();
    }

    boolean blockDeviceExists(String kernelName) {
        return topology.blockDeviceExists(kernelName);
    }

    List<String> diskByIdLinks(String kernelName) {
        return topology.diskByIdLinks(kernelName);
    }

    /** The whole host as brick-sysfs lists it, with the sessions as the session reader lists them. */
    View topology() {
        Topology shared = topology.topology();
        return new View(sessions.sessions(), shared.devices(), shared.multipathMaps());
    }

    /** What {@code Topology} carried when it held the sessions. */
    record View(List<IscsiSession> iscsiSessions, List<BlockDevice> devices, List<MultipathMap> multipathMaps) {
    }
}
