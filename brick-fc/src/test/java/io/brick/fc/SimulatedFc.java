package io.brick.fc;

import io.brick.core.bootstrap.Brick;
import io.brick.core.connector.Connector;
import io.brick.core.connector.ConnectorConfig;
import io.brick.core.event.BrickEvent;
import io.brick.core.lock.ProcessLocks;
import io.brick.core.model.ConnectionProperties;
import io.brick.core.model.Protocol;
import io.brick.core.port.ScsiScanner;
import io.brick.core.port.SysfsAccess;
import io.brick.core.port.TopologyProvider;
import io.brick.multipath.MultipathPlugin;
import io.brick.sysfs.SysfsPlugin;
import io.brick.testkit.host.Latencies;
import io.brick.testkit.host.SimulatedHost;
import io.brick.testkit.host.SysfsWrite;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A brick runtime (sysfs, multipath and FC plugins) over a simulated host with a Fibre Channel fabric shaped like
 * os-brick's {@code test_linuxfc.py} fixture: HBAs host6 ({@value #HBA6}) and host7 ({@value #HBA7}), and host8
 * ({@value #HBA8}) when asked for; target ports {@value #T0} and {@value #T1}; the volume is LUN 1 ({@value #WWID})
 * on both ports, mapped after the HBAs logged in, so only a scan makes its devices.
 */
final class SimulatedFc implements AutoCloseable {
    static final String HBA6 = "50014380186af83c";
    static final String HBA7 = "50014380186af83e";
    static final String HBA8 = "50014380186af840";
    static final String T0 = "514f0c50023f6c00";
    static final String T1 = "514f0c50023f6c01";
    static final String WWID = "3514f0c5a51600001";
    static final String OTHER_WWID = "3514f0c5a51600002";

    final SimulatedHost host;
    final Brick brick;
    final Connector connector;
    final List<BrickEvent> events = new CopyOnWriteArrayList<>();

    private SimulatedFc(SimulatedHost host, ConnectorConfig config) {
        this(host, config, ProcessLocks.none());
    }

    private SimulatedFc(SimulatedHost host, ConnectorConfig config, ProcessLocks processLocks) {
        this.host = host;
        this.brick = Brick.builder()
                .plugins(new SysfsPlugin(), new MultipathPlugin(), new FcPlugin(config))
                .hostRoot(host.hostRoot()).commandRunner(host.commandRunner())
                .clock(host.clock()).sleeper(host.clock()).processLocks(processLocks)
                .eventListener(events::add)
                .build();
        this.connector = brick.connector(Protocol.FIBRE_CHANNEL);
    }

    static SimulatedFc start(SimulatedHost host, ConnectorConfig config) {
        return new SimulatedFc(host, config);
    }

    /** With the given cross-process locks (a test that records which keys the operations take). */
    static SimulatedFc start(SimulatedHost host, ConnectorConfig config, ProcessLocks processLocks) {
        return new SimulatedFc(host, config, processLocks);
    }

    static SimulatedFc start(SimulatedHost host) {
        return new SimulatedFc(host, ConnectorConfig.defaults());
    }

    /** An empty host (no HBA yet). */
    static SimulatedHost emptyHost(Path dir) {
        return SimulatedHost.builder(dir).latencies(Latencies.realistic()).build();
    }

    /**
     * host6 and host7 zoned with both target ports (each sees both: four paths), and host8 zoned with none when
     * {@code withHost8}; then LUN 1 of the volume on both ports.
     */
    static SimulatedHost fixture(Path dir, boolean withHost8) {
        SimulatedHost host = emptyHost(dir);
        host.fabric().hba(6, HBA6, "50014380186af83d").hba(7, HBA7, "50014380186af83f");
        if (withHost8) {
            host.fabric().hba(8, HBA8, "50014380186af841");
        }
        host.fabric().zone(HBA6, T0, T1).zone(HBA7, T0, T1);
        host.fabric().targetPort(T0).lun(1, WWID, 1L << 30);
        host.fabric().targetPort(T1).lun(1, WWID, 1L << 30);
        return host;
    }

    TopologyProvider topology() {
        return brick.port(TopologyProvider.class);
    }

    ScsiScanner scanner() {
        return brick.port(ScsiScanner.class);
    }

    SysfsAccess sysfs() {
        return brick.port(SysfsAccess.class);
    }

    /** The HBAs, remote ports and fc_transport targets, read as the transport reads them. */
    FcHostReader hbaReader() {
        return new FcHostReader(sysfs());
    }

    FcRescan rescan() {
        return new FcRescan(hbaReader());
    }

    /** The HBAs as the connector sees them, by host number. */
    List<FcHba> hbas() {
        return hbaReader().hosts().stream().map(FcHba::of).toList();
    }

    FcHba hba(int hostNumber) {
        return hbas().stream().filter(hba -> hba.hostNumber() == hostNumber).findFirst().orElseThrow();
    }

    /** The writes into SCSI hosts' {@code scan} files, as {@code hostH 'C T L'}. */
    List<String> scans() {
        host.settle();
        return host.oracle().sysfsWrites().stream().filter(write -> write.path().endsWith("/scan"))
                .map(SimulatedFc::describe).toList();
    }

    private static String describe(SysfsWrite write) {
        String path = write.path();
        String hostDir = path.substring(0, path.lastIndexOf("/scsi_host/"));
        return hostDir.substring(hostDir.lastIndexOf('/') + 1) + " '" + write.value() + "'";
    }

    static ConnectionProperties props(String json) {
        return ConnectionProperties.parseJson(json);
    }

    /** Both ports, LUN 1, as os-brick's {@code target_wwn} list. */
    static ConnectionProperties bothPorts() {
        return props("""
                {"target_wwn": ["%s", "%s"], "target_lun": 1}""".formatted(T0.toUpperCase(java.util.Locale.ROOT), T1));
    }

    @Override
    public void close() {
        brick.close();
        host.close();
    }
}
