package io.brick.iscsi;

import io.brick.core.connector.DisconnectOptions;
import io.brick.core.model.AttachedVolume;
import io.brick.core.model.MultipathMap;
import io.brick.core.model.Wwid;
import io.brick.core.port.TopologyProvider;
import io.brick.testkit.host.CommandLogEntry;
import io.brick.testkit.host.FaultKind;
import io.brick.testkit.host.Latencies;
import io.brick.testkit.host.Leftovers;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static io.brick.iscsi.SimulatedIscsi.LUN0;
import static io.brick.iscsi.SimulatedIscsi.LUN1;
import static io.brick.iscsi.SimulatedIscsi.twoPortals;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 18, item 6: a map whose {@code slaves/} is empty for a moment, as while device-mapper reloads its table
 * ({@code Faults.mapReloads}), is a live volume's map, not a ghost: a disconnect of another volume leaves it alone,
 * and a disconnect of the volume itself flushes it and removes its paths, as on any other day.
 */
class MapReloadTest {
    @TempDir
    Path dir;

    @AutoClose
    private SimulatedIscsi lab;

    @Test
    void a_disconnect_of_another_volume_during_the_reload_keeps_the_map_and_its_paths() {
        lab = SimulatedIscsi.start(dir, Latencies.realistic());
        lab.connector.connect(twoPortals(1));
        AttachedVolume other = lab.connector.connect(twoPortals(0));
        Leftovers before = lab.host.oracle().leftovers(Wwid.of(LUN1));
        MultipathMap map = mapOf(LUN1);
        lab.host.faults().mapReloads(LUN1, Duration.ofMinutes(5));
        assertThat(topology().multipathMap(map.kernelName()).orElseThrow().slaves()).as("reloading").isEmpty();
        lab.host.oracle().operatingOn(Wwid.of(LUN0));

        lab.connector.disconnect(twoPortals(0), Optional.of(other), DisconnectOptions.SAFE);

        assertThat(lab.host.oracle().wrongDeviceEvents()).isEmpty();
        Leftovers gone = lab.host.oracle().leftovers(Wwid.of(LUN0));
        assertThat(gone.devices()).as("LUN 0's paths").isEmpty();
        assertThat(gone.maps()).as("LUN 0's map").isEmpty();
        assertThat(lab.host.oracle().leftovers(Wwid.of(LUN1))).isEqualTo(before);
        lab.host.clock().sleep(Duration.ofMinutes(5));
        assertThat(topology().multipathMap(map.kernelName()).orElseThrow().slaves())
                .as("the reload over, the map shows its paths again").isEqualTo(map.slaves());
    }

    @ParameterizedTest
    @ValueSource(longs = {100, 300_000})
    void a_disconnect_of_the_volume_during_its_reload_flushes_the_map_and_leaves_nothing(long reloadMillis) {
        lab = SimulatedIscsi.start(dir, Latencies.realistic());
        AttachedVolume attached = lab.connector.connect(twoPortals(1));
        lab.host.faults().mapReloads(LUN1, Duration.ofMillis(reloadMillis));
        lab.host.oracle().operatingOn(Wwid.of(LUN1));
        int from = lab.commandCount();

        lab.connector.disconnect(twoPortals(1), Optional.of(attached), DisconnectOptions.SAFE);

        assertThat(lab.host.oracle().firedByKind()).containsKey(FaultKind.MAP_RELOAD);
        assertThat(lab.host.oracle().leftovers().isEmpty()).as(lab.host.oracle().leftovers().toString()).isTrue();
        assertThat(lab.host.oracle().dataLossEvents()).isEmpty();
        assertThat(lab.host.oracle().wrongDeviceEvents()).isEmpty();
        List<String> commands = lab.commandsSince(from).stream().map(CommandLogEntry::display).toList();
        assertThat(commands).as("flushed, never removed unflushed").anyMatch(line -> line.startsWith("multipath -f"))
                .noneMatch(line -> line.startsWith("dmsetup remove") || line.startsWith("multipathd del map"));
    }

    private TopologyProvider topology() {
        return lab.brick.port(TopologyProvider.class);
    }

    private MultipathMap mapOf(String wwid) {
        return topology().multipathMapByWwid(Wwid.of(wwid)).orElseThrow();
    }
}
