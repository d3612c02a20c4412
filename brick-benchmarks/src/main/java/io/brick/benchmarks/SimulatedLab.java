package io.brick.benchmarks;

import io.brick.core.bootstrap.Brick;
import io.brick.core.connector.Connector;
import io.brick.core.connector.ConnectorConfig;
import io.brick.core.lock.ProcessLocks;
import io.brick.core.model.ConnectionProperties;
import io.brick.core.model.Protocol;
import io.brick.iscsi.IscsiPlugin;
import io.brick.multipath.MultipathPlugin;
import io.brick.sysfs.SysfsPlugin;
import io.brick.testkit.host.CommandLogEntry;
import io.brick.testkit.host.Latencies;
import io.brick.testkit.host.SimulatedHost;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

import static java.util.Objects.requireNonNull;

/**
 * brick's iSCSI connector, built through the public runtime (sysfs, multipath and iSCSI plugins), over a simulated
 * host whose storage has {@code targets} targets of {@code luns} LUNs each, every target behind the same
 * {@code portals} portals ({@code 127.0.0.1:3260}, {@code 127.0.0.2:3260}, ...), as one LIO server exports several
 * targets.
 */
public final class SimulatedLab implements AutoCloseable {
    /** A LUN's size: 64 MiB. */
    public static final long LUN_BYTES = 64L << 20;

    private final SimulatedHost host;
    private final Brick brick;
    private final Connector connector;
    private final int portals;

    private SimulatedLab(SimulatedHost host, ConnectorConfig config, int portals) {
        this.host = requireNonNull(host, "host is null");
        this.portals = portals;
        this.brick = Brick.builder()
                .plugins(new SysfsPlugin(), new MultipathPlugin(), new IscsiPlugin(config))
                .hostRoot(host.hostRoot()).commandRunner(host.commandRunner())
                .clock(host.clock()).sleeper(host.clock()).processLocks(ProcessLocks.none())
                .build();
        this.connector = brick.connector(Protocol.ISCSI);
    }

    /**
     * A lab in {@code dir}: multipath on when {@code portals > 1}; {@code configure} may add faults or change the
     * builder (latencies are set first, so it may override them).
     */
    public static SimulatedLab start(Path dir, Latencies latencies, int targets, int portals, int luns,
                                     Consumer<SimulatedHost.Builder> configure) {
        SimulatedHost.Builder builder = SimulatedHost.builder(dir).latencies(latencies);
        configure.accept(builder);
        SimulatedHost host = builder.build();
        for (int target = 0; target < targets; target++) {
            io.brick.testkit.host.Target made = host.storage().target(iqn(target));
            for (int portal = 0; portal < portals; portal++) {
                made.portal(portal(portal));
            }
            for (int lun = 0; lun < luns; lun++) {
                made.lun(lun, HostShape.wwid(target, lun), LUN_BYTES);
            }
        }
        return new SimulatedLab(host, ConnectorConfig.defaults().withUseMultipath(portals > 1), portals);
    }

    /** The IQN of target {@code index}. */
    public static String iqn(int index) {
        return "iqn.2003-01.org.linux-iscsi.bench:vol" + index;
    }

    /** Portal {@code index}: {@code 127.0.0.<index+1>:3260}. */
    public static String portal(int index) {
        return "127.0.0." + (index + 1) + ":3260";
    }

    /** The properties of (target, LUN) through every portal: plural keys with more than one portal. */
    public ConnectionProperties volume(int target, int lun) {
        if (portals == 1) {
            return ConnectionProperties.parseJson(String.format(Locale.ROOT,
                    "{\"target_portal\": \"%s\", \"target_iqn\": \"%s\", \"target_lun\": %d}",
                    portal(0), iqn(target), lun));
        }
        List<String> portalList = new ArrayList<>();
        List<String> iqns = new ArrayList<>();
        List<String> lunList = new ArrayList<>();
        for (int index = 0; index < portals; index++) {
            portalList.add("\"" + portal(index) + "\"");
            iqns.add("\"" + iqn(target) + "\"");
            lunList.add(Integer.toString(lun));
        }
        return ConnectionProperties.parseJson("{\"target_portals\": [" + String.join(", ", portalList)
                + "], \"target_iqns\": [" + String.join(", ", iqns) + "], \"target_luns\": ["
                + String.join(", ", lunList) + "]}");
    }

    public SimulatedHost host() {
        return host;
    }

    public Connector connector() {
        return connector;
    }

    /** How many commands the host has run. */
    public int commandCount() {
        return host.oracle().commandLog().size();
    }

    /** The commands run since {@code from} (an index into the command log). */
    public List<CommandLogEntry> commandsSince(int from) {
        List<CommandLogEntry> log = host.oracle().commandLog();
        return List.copyOf(log.subList(from, log.size()));
    }

    @Override
    public void close() {
        brick.close();
        host.close();
    }
}
