package io.brick.iscsi;

import io.brick.core.bootstrap.Brick;
import io.brick.core.connector.Connector;
import io.brick.core.connector.ConnectorConfig;
import io.brick.core.event.BrickEvent;
import io.brick.core.lock.ProcessLocks;
import io.brick.core.model.ConnectionProperties;
import io.brick.core.model.Protocol;
import io.brick.core.port.CommandRunner;
import io.brick.multipath.MultipathPlugin;
import io.brick.sysfs.SysfsPlugin;
import io.brick.testkit.host.CommandLogEntry;
import io.brick.testkit.host.Latencies;
import io.brick.testkit.host.RecordedLab;
import io.brick.testkit.host.SimulatedHost;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A brick runtime (sysfs, multipath and iSCSI plugins) over a simulated host holding the recordings' lab target
 * ({@link RecordedLab}): what every connector scenario starts from.
 */
final class SimulatedIscsi implements AutoCloseable {
    static final String IQN = RecordedLab.TARGET;
    static final String LUN1 = RecordedLab.LUN1_WWID;
    static final String LUN0 = RecordedLab.LUN0_WWID;

    final SimulatedHost host;
    final Brick brick;
    final Connector connector;
    final List<BrickEvent> events = new CopyOnWriteArrayList<>();

    private SimulatedIscsi(SimulatedHost host, ConnectorConfig config) {
        this(host, config, ProcessLocks.none());
    }

    private SimulatedIscsi(SimulatedHost host, ConnectorConfig config, ProcessLocks processLocks) {
        this(host, config, processLocks, host.commandRunner());
    }

    private SimulatedIscsi(SimulatedHost host, ConnectorConfig config, ProcessLocks processLocks,
                           CommandRunner commands) {
        this.host = host;
        this.brick = Brick.builder()
                .plugins(new SysfsPlugin(), new MultipathPlugin(), new IscsiPlugin(config))
                .hostRoot(host.hostRoot()).commandRunner(commands)
                .clock(host.clock()).sleeper(host.clock()).processLocks(processLocks)
                .eventListener(events::add)
                .build();
        this.connector = brick.connector(Protocol.ISCSI);
    }

    static SimulatedIscsi start(Path dir, Latencies latencies) {
        return new SimulatedIscsi(RecordedLab.host(dir, latencies), ConnectorConfig.defaults());
    }

    static SimulatedIscsi start(SimulatedHost host, ConnectorConfig config) {
        return new SimulatedIscsi(host, config);
    }

    /** With that configuration and the given inter-process locks. */
    static SimulatedIscsi start(SimulatedHost host, ConnectorConfig config, ProcessLocks processLocks) {
        return new SimulatedIscsi(host, config, processLocks);
    }

    /** With that configuration, brick's commands run through {@code commands} (which runs them on the host). */
    static SimulatedIscsi start(SimulatedHost host, ConnectorConfig config, CommandRunner commands) {
        return new SimulatedIscsi(host, config, ProcessLocks.none(), commands);
    }

    /** With the given inter-process locks: another process's connect holding a lock, simulated. */
    static SimulatedIscsi start(Path dir, Latencies latencies, ProcessLocks processLocks) {
        return new SimulatedIscsi(RecordedLab.host(dir, latencies), ConnectorConfig.defaults(), processLocks);
    }

    /** Both lab portals, LUN {@code lun}, as os-brick's plural keys. */
    static ConnectionProperties twoPortals(int lun) {
        return ConnectionProperties.parseJson("""
                {"target_portals": ["127.0.0.1:3260", "127.0.0.2:3260"],
                 "target_iqns": ["%s", "%s"], "target_luns": [%d, %d]}""".formatted(IQN, IQN, lun, lun));
    }

    /** The first lab portal only, LUN {@code lun}, as os-brick's singular keys. */
    static ConnectionProperties onePortal(int lun) {
        return ConnectionProperties.parseJson("""
                {"target_portal": "127.0.0.1:3260", "target_iqn": "%s", "target_lun": %d}""".formatted(IQN, lun));
    }

    /** Commands run since {@code from} (an index into the command log). */
    List<CommandLogEntry> commandsSince(int from) {
        List<CommandLogEntry> log = host.oracle().commandLog();
        return log.subList(from, log.size());
    }

    int commandCount() {
        return host.oracle().commandLog().size();
    }

    @Override
    public void close() {
        brick.close();
        host.close();
    }
}
