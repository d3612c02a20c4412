package io.brick.iscsi;

import io.brick.core.connector.ConnectorConfig;
import io.brick.core.connector.DisconnectOptions;
import io.brick.core.model.AttachedVolume;
import io.brick.core.model.MultipathMap;
import io.brick.core.model.Wwid;
import io.brick.core.port.TopologyProvider;
import io.brick.testkit.host.CommandLogEntry;
import io.brick.testkit.host.Latencies;
import io.brick.testkit.host.Leftovers;
import io.brick.testkit.host.RecordedLab;
import io.brick.testkit.host.SimulatedHost;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

import static io.brick.iscsi.SimulatedIscsi.IQN;
import static io.brick.iscsi.SimulatedIscsi.LUN1;
import static io.brick.iscsi.SimulatedIscsi.onePortal;
import static io.brick.iscsi.SimulatedIscsi.twoPortals;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 18, item 3: more than one session to one (portal, IQN), as a second iface or a leftover makes (os-brick's 2025
 * fix of orphan maps on such hosts). Connect, disconnect, extend and volume paths find the volume's LUN in every such
 * session; brick uses and logs out only the sessions of its own iface.
 */
class SessionsToOneTargetTest {
    private static final String P1 = RecordedLab.PORTALS.get(0);
    private static final String P2 = RecordedLab.PORTALS.get(1);

    @TempDir
    Path dir;

    @AutoClose
    private SimulatedIscsi lab;

    /** The lab's target with LUN 1 only, so that another session to it carries nothing but the volume. */
    private void start() {
        start(ConnectorConfig.defaults());
    }

    private void start(ConnectorConfig config) {
        SimulatedHost host = SimulatedHost.builder(dir).initiatorName(RecordedLab.INITIATOR)
                .latencies(Latencies.realistic()).build();
        host.storage().target(IQN).portal(P1).portal(P2).lun(1, LUN1, 128L << 20);
        lab = SimulatedIscsi.start(host, config);
    }

    @Test
    void another_ifaces_session_carrying_another_lun_neither_keeps_brick_s_session_nor_is_logged_out() {
        SimulatedHost host = SimulatedHost.builder(dir).initiatorName(RecordedLab.INITIATOR)
                .latencies(Latencies.realistic()).build();
        host.storage().target(IQN).portal(P1).portal(P2).lun(0, SimulatedIscsi.LUN0, 64L << 20)
                .lun(1, LUN1, 128L << 20);
        lab = SimulatedIscsi.start(host, ConnectorConfig.defaults());
        int other = lab.host.loginSession(P1, IQN, "iface1");
        lab.host.clock().sleep(Duration.ofSeconds(5));
        assertThat(devicesOf(other)).as("LUN 0 and LUN 1 in the other iface's session").hasSize(2);
        AttachedVolume attached = lab.connector.connect(twoPortals(1));
        lab.host.oracle().operatingOn(Wwid.of(LUN1));

        lab.connector.disconnect(twoPortals(1), Optional.of(attached), DisconnectOptions.SAFE);

        assertNothingOfTheVolumeLeft();
        assertThat(lab.host.oracle().wrongDeviceEvents()).as("LUN 0's device untouched").isEmpty();
        assertThat(devicesOf(other)).as("LUN 0 stays in the other iface's session").hasSize(1);
        assertThat(sessions()).as("brick's sessions logged out, the other iface's kept").containsExactly(other);
    }

    /** Another session to P1 with LUN 1 scanned in it, and its device there. */
    private int otherSession(String iface) {
        int sid = lab.host.loginSession(P1, IQN, iface);
        lab.host.clock().sleep(Duration.ofSeconds(5));
        assertThat(devicesOf(sid)).as("LUN 1 in session " + sid).hasSize(1);
        return sid;
    }

    private List<String> devicesOf(int sid) {
        try (var entries = Files.list(lab.host.root().resolve("sys/class/iscsi_session/session" + sid + "/device"))) {
            List<String> targets = entries.map(entry -> entry.getFileName().toString())
                    .filter(name -> name.startsWith("target")).toList();
            List<String> devices = new ArrayList<>();
            for (String target : targets) {
                Path dirOfTarget = lab.host.root().resolve("sys/class/iscsi_session/session" + sid + "/device/" + target);
                try (var luns = Files.list(dirOfTarget)) {
                    for (Path lun : luns.filter(Files::isDirectory).toList()) {
                        Path block = lun.resolve("block");
                        if (Files.isDirectory(block)) {
                            try (var names = Files.list(block)) {
                                names.forEach(name -> devices.add(name.getFileName().toString()));
                            }
                        }
                    }
                }
            }
            return devices;
        } catch (java.io.IOException e) {
            return List.of();
        }
    }

    private List<Integer> sessions() {
        try (var entries = Files.list(lab.host.root().resolve("sys/class/iscsi_session"))) {
            return entries.map(entry -> Integer.parseInt(entry.getFileName().toString().substring("session".length())))
                    .sorted().toList();
        } catch (java.io.IOException e) {
            return List.of();
        }
    }

    private TopologyProvider topology() {
        return lab.brick.port(TopologyProvider.class);
    }

    private List<String> logouts(int from) {
        return lab.commandsSince(from).stream().map(CommandLogEntry::display).filter(line -> line.contains("--logout"))
                .toList();
    }

    private void assertNothingOfTheVolumeLeft() {
        Leftovers left = lab.host.oracle().leftovers(Wwid.of(LUN1));
        assertThat(left.devices()).as("devices of the volume").isEmpty();
        assertThat(left.maps()).as("maps of the volume").isEmpty();
        assertThat(lab.host.oracle().sessionInUseEvents()).isEmpty();
        assertThat(lab.host.oracle().dataLossEvents()).isEmpty();
    }

    @Test
    void a_multipath_connect_beside_a_second_ifaces_session_maps_the_lun_of_both_and_the_disconnect_removes_both() {
        start();
        int other = otherSession("iface1");
        String otherDevice = devicesOf(other).get(0);
        lab.host.oracle().operatingOn(Wwid.of(LUN1));

        AttachedVolume attached = lab.connector.connect(twoPortals(1));

        MultipathMap map = topology().multipathMapByWwid(Wwid.of(LUN1)).orElseThrow();
        assertThat(attached.path().name()).isEqualTo(map.kernelName());
        assertThat(sessions()).as("brick logged in over its own iface on both portals").hasSize(3);
        assertThat(map.slaves()).hasSize(3).contains(otherDevice);
        List<String> brickSessions = sessions().stream().filter(sid -> sid != other).map(this::devicesOf)
                .flatMap(List::stream).toList();
        assertThat(new TreeSet<>(map.slaves())).containsAll(brickSessions);
        assertThat(lab.connector.volumePaths(twoPortals(1))).hasSize(2);
        int from = lab.commandCount();

        lab.connector.disconnect(twoPortals(1), Optional.of(attached), DisconnectOptions.SAFE);

        assertNothingOfTheVolumeLeft();
        assertThat(sessions()).as("the second iface's session is not brick's").containsExactly(other);
        assertThat(logouts(from)).hasSize(2).allMatch(line -> line.contains("-I default") || !line.contains("-I "))
                .noneMatch(line -> line.contains("iface1"));
    }

    @Test
    void a_single_path_connect_returns_the_device_of_its_own_session_and_the_disconnect_removes_both() {
        start(ConnectorConfig.defaults().withUseMultipath(false));
        int other = otherSession("iface1");
        String otherDevice = devicesOf(other).get(0);

        AttachedVolume attached = lab.connector.connect(onePortal(1));

        assertThat(attached.path().name()).startsWith("sd").isNotEqualTo(otherDevice);
        assertThat(sessions()).hasSize(2);
        int own = sessions().stream().filter(sid -> sid != other).findFirst().orElseThrow();
        assertThat(devicesOf(own)).containsExactly(attached.path().name());
        int from = lab.commandCount();

        lab.connector.disconnect(onePortal(1), Optional.of(attached), DisconnectOptions.SAFE);

        assertNothingOfTheVolumeLeft();
        assertThat(sessions()).containsExactly(other);
        assertThat(logouts(from)).singleElement().satisfies(line -> assertThat(line).doesNotContain("iface1"));
    }

    @Test
    void a_leftover_second_session_of_brick_s_own_iface_is_used_and_logged_out_with_the_first() {
        start();
        otherSession("default");
        otherSession("default");
        assertThat(sessions()).hasSize(2);

        AttachedVolume attached = lab.connector.connect(twoPortals(1));

        MultipathMap map = topology().multipathMapByWwid(Wwid.of(LUN1)).orElseThrow();
        assertThat(attached.path().name()).isEqualTo(map.kernelName());
        assertThat(sessions()).as("P1's two sessions reused, P2 logged in").hasSize(3);
        assertThat(map.slaves()).hasSize(3);

        lab.connector.disconnect(twoPortals(1), Optional.of(attached), DisconnectOptions.SAFE);

        assertNothingOfTheVolumeLeft();
        assertThat(sessions()).isEmpty();
        assertThat(lab.host.oracle().leftovers().isEmpty()).as(lab.host.oracle().leftovers().toString()).isTrue();
    }

    @Test
    void an_extend_rescans_the_lun_in_every_session_to_the_target() {
        start();
        int other = otherSession("iface1");
        lab.connector.connect(twoPortals(1));
        lab.host.storage().target(IQN).resizeLun(1, 256L << 20);

        long size = lab.connector.extend(twoPortals(1));

        assertThat(size).isEqualTo(256L << 20);
        String otherDevice = devicesOf(other).get(0);
        assertThat(topology().device(otherDevice).orElseThrow().sizeBytes()).isEqualTo(256L << 20);
    }
}
