package io.brick.iscsi;

import io.brick.core.connector.Connector;
import io.brick.core.connector.ConnectorConfig;
import io.brick.core.connector.DisconnectOptions;
import io.brick.core.model.AttachedVolume;
import io.brick.core.model.ConnectionProperties;
import io.brick.core.model.DevicePath;
import io.brick.core.model.Protocol;
import io.brick.core.model.Wwid;
import io.brick.core.port.TopologyProvider;
import io.brick.testkit.host.Latencies;
import io.brick.testkit.host.RecordedLab;
import io.brick.testkit.host.SimulatedHost;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static io.brick.iscsi.SimulatedIscsi.IQN;
import static io.brick.iscsi.SimulatedIscsi.LUN1;
import static io.brick.iscsi.SimulatedIscsi.onePortal;
import static io.brick.iscsi.SimulatedIscsi.twoPortals;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which targets are a volume's: a single-path connect moves on from a target whose device is not the volume's; a
 * path listing names only the targets whose session shows the LUN; a disconnect of a discovered volume finds its
 * sessions to the same IQN and, by WWID, to other IQNs, and no session whose device is another volume's; an iSER
 * connect never reuses a tcp session.
 */
class IscsiVolumeTargetsTest {
    private static final String REUSED = "360014053b8c2d6229a414f0b8e275d1c";
    private static final String OTHER_IQN = "iqn.2003-01.org.linux-iscsi.labvm:target2";
    private static final String OTHER_PORTAL = "127.0.0.3:3260";

    @TempDir
    Path dir;

    @AutoClose
    private SimulatedIscsi lab;

    private static ConnectionProperties withWwid(ConnectionProperties properties, String wwid) {
        java.util.Map<String, Object> data = new java.util.LinkedHashMap<>(properties.asMap());
        data.put("scsi_wwn", wwid);
        return ConnectionProperties.of(data);
    }

    private static ConnectionProperties otherTarget() {
        return ConnectionProperties.parseJson("""
                {"target_portals": ["%s"], "target_iqns": ["%s"], "target_luns": [1]}""".formatted(OTHER_PORTAL, OTHER_IQN));
    }

    private static String byPath(String portal, String iqn, int lun) {
        return "/dev/disk/by-path/ip-" + portal + "-iscsi-" + iqn + "-lun-" + lun;
    }

    @Test
    void a_single_path_connect_whose_first_target_shows_another_volume_moves_on_to_the_next_target() {
        // portal 1's session still shows LUN 1's old volume; the array gave LUN 1 to the new volume, which portal 2
        // shows once logged in
        SimulatedHost host = RecordedLab.host(dir, Latencies.realistic());
        lab = SimulatedIscsi.start(host, ConnectorConfig.defaults().withUseMultipath(false));
        lab.connector.connect(onePortal(1));
        lab.host.clock().sleep(Duration.ofSeconds(2));
        lab.host.storage().target(IQN).reuseLun(1, REUSED, 128L << 20);
        TopologyProvider topology = lab.brick.port(TopologyProvider.class);
        List<String> stale = names(topology, LUN1);
        assertThat(stale).hasSize(1);

        AttachedVolume fresh = lab.connector.connect(withWwid(twoPortals(1), REUSED));

        assertThat(fresh.scsiWwn()).contains(Wwid.of(REUSED));
        assertThat(names(topology, REUSED)).hasSize(1);
        assertThat(fresh.path().path()).isIn(byPath("127.0.0.2:3260", IQN, 1), "/dev/" + names(topology, REUSED).get(0));
        assertThat(names(topology, LUN1)).as("the old volume's device is left as it was").isEqualTo(stale);
        assertThat(lab.host.oracle().leftovers().sessions()).as("portal 1's session carries the old volume").hasSize(2);
        assertThat(lab.host.oracle().wrongDeviceEvents()).isEmpty();
    }

    @Test
    void the_paths_of_a_volume_are_those_of_its_targets_whose_session_shows_its_lun() {
        lab = SimulatedIscsi.start(dir, Latencies.realistic());
        assertThat(lab.connector.volumePaths(twoPortals(1))).as("nothing attached").isEmpty();
        ConnectionProperties firstPortal = ConnectionProperties.parseJson("""
                {"target_portals": ["127.0.0.1:3260"], "target_iqns": ["%s"], "target_luns": [1]}""".formatted(IQN));
        lab.connector.connect(firstPortal);

        assertThat(lab.connector.volumePaths(twoPortals(1)))
                .containsExactly(DevicePath.of(byPath("127.0.0.1:3260", IQN, 1)));
        assertThat(lab.connector.volumePaths(twoPortals(0))).as("LUN 0 was never scanned").isEmpty();
    }

    @Test
    void a_disconnect_of_a_discovered_volume_without_its_wwid_finds_its_sessions_to_every_portal_of_the_iqn() {
        lab = SimulatedIscsi.start(dir, Latencies.realistic());
        lab.connector.connect(onePortal(1));
        lab.host.clock().sleep(Duration.ofSeconds(3));

        assertThat(lab.connector.volumePaths(onePortal(1))).containsExactlyInAnyOrder(
                DevicePath.of(byPath("127.0.0.1:3260", IQN, 1)), DevicePath.of(byPath("127.0.0.2:3260", IQN, 1)));
        lab.connector.disconnect(onePortal(1), Optional.empty(), DisconnectOptions.SAFE);

        assertThat(lab.host.oracle().leftovers().isEmpty()).as("%s", lab.host.oracle().leftovers()).isTrue();
    }

    @Test
    void a_disconnect_of_a_discovered_volume_finds_its_session_to_another_iqn_by_wwid_and_leaves_another_volumes() {
        // an array with one IQN per portal: the volume's LUN is seen through target2 on portal 3 as well; LUN 0 of
        // target2 is another volume
        SimulatedHost host = RecordedLab.host(dir, Latencies.realistic());
        host.storage().target(OTHER_IQN).portal(OTHER_PORTAL).lun(1, LUN1, 128L << 20);
        lab = SimulatedIscsi.start(host, ConnectorConfig.defaults());
        AttachedVolume attached = lab.connector.connect(onePortal(1));
        lab.connector.connect(otherTarget());
        lab.host.clock().sleep(Duration.ofSeconds(3));
        assertThat(names(lab.brick.port(TopologyProvider.class), LUN1)).hasSize(3);

        assertThat(lab.connector.volumePaths(withWwid(onePortal(1), LUN1))).containsExactlyInAnyOrder(
                DevicePath.of(byPath("127.0.0.1:3260", IQN, 1)), DevicePath.of(byPath("127.0.0.2:3260", IQN, 1)),
                DevicePath.of(byPath(OTHER_PORTAL, OTHER_IQN, 1)));
        lab.connector.disconnect(onePortal(1), Optional.of(attached), DisconnectOptions.SAFE);

        assertThat(lab.host.oracle().leftovers().isEmpty()).as("%s", lab.host.oracle().leftovers()).isTrue();
    }

    @Test
    void a_session_to_another_iqn_whose_device_at_the_lun_is_another_volume_is_not_the_volumes() {
        SimulatedHost host = RecordedLab.host(dir, Latencies.realistic());
        String another = "360014053b8c2d6559a414f0b8e275d1c";
        host.storage().target(OTHER_IQN).portal(OTHER_PORTAL).lun(1, another, 64L << 20);
        lab = SimulatedIscsi.start(host, ConnectorConfig.defaults());
        AttachedVolume attached = lab.connector.connect(onePortal(1));
        AttachedVolume other = lab.connector.connect(otherTarget());
        lab.host.clock().sleep(Duration.ofSeconds(3));
        TopologyProvider topology = lab.brick.port(TopologyProvider.class);
        List<String> others = names(topology, another);
        assertThat(others).hasSize(1);

        assertThat(lab.connector.volumePaths(withWwid(onePortal(1), LUN1))).containsExactlyInAnyOrder(
                DevicePath.of(byPath("127.0.0.1:3260", IQN, 1)), DevicePath.of(byPath("127.0.0.2:3260", IQN, 1)));
        lab.connector.disconnect(onePortal(1), Optional.of(attached), DisconnectOptions.SAFE);

        assertThat(names(topology, LUN1)).isEmpty();
        assertThat(names(topology, another)).as("another volume's device").isEqualTo(others);
        assertThat(lab.host.oracle().leftovers().sessions()).as("target2's session carries it").hasSize(1);
        lab.connector.disconnect(otherTarget(), Optional.of(other), DisconnectOptions.SAFE);
        assertThat(lab.host.oracle().leftovers().isEmpty()).as("%s", lab.host.oracle().leftovers()).isTrue();
    }

    @Test
    void an_iser_connect_logs_in_over_iser_though_a_tcp_session_to_the_same_portal_and_target_is_up() {
        lab = SimulatedIscsi.start(dir, Latencies.realistic());
        lab.connector.connect(firstPortal(0));
        Connector iser = lab.brick.connector(Protocol.ISER);
        int commands = lab.commandCount();

        iser.connect(firstPortal(1));

        assertThat(lab.commandsSince(commands)).as("a login through the iser iface")
                .anyMatch(command -> command.argv().contains("--login") && command.argv().contains("iser"));
        assertThat(lab.host.oracle().leftovers().sessions()).as("a tcp and an iser session").hasSize(2);
    }

    @Test
    void a_tcp_disconnect_logs_out_its_session_though_an_iser_session_to_the_same_portal_and_target_carries_another_volume() {
        // the iser session is another iface's: its devices are not the tcp session's, so they keep nothing alive
        lab = SimulatedIscsi.start(dir, Latencies.realistic());
        AttachedVolume tcp = lab.connector.connect(firstPortal(1));
        lab.brick.connector(Protocol.ISER).connect(firstPortal(0));
        lab.host.clock().sleep(Duration.ofSeconds(3));
        int commands = lab.commandCount();

        lab.connector.disconnect(firstPortal(1), Optional.of(tcp), DisconnectOptions.SAFE);

        assertThat(lab.commandsSince(commands)).as("the tcp session's logout").anyMatch(command ->
                command.argv().contains("--logout") && command.argv().contains("default"));
        assertThat(lab.commandsSince(commands)).as("never the iser session's").noneMatch(command ->
                command.argv().contains("--logout") && command.argv().contains("iser"));
        assertThat(lab.host.oracle().leftovers(Wwid.of(LUN1)).devices()).isEmpty();
        assertThat(lab.host.oracle().leftovers(Wwid.of(LUN1)).maps()).isEmpty();
        assertThat(lab.host.oracle().leftovers().sessions()).as("the iser session only").hasSize(1);
        assertThat(lab.host.oracle().leftovers(Wwid.of(SimulatedIscsi.LUN0)).devices()).hasSize(1);
    }

    @Test
    void a_single_path_target_that_gives_no_device_is_logged_out_before_the_next_target_is_tried() {
        lab = SimulatedIscsi.start(RecordedLab.host(dir, Latencies.realistic()),
                ConnectorConfig.defaults().withUseMultipath(false).withDeviceWait(Duration.ofSeconds(5)));
        ConnectionProperties missingThenThere = ConnectionProperties.parseJson("""
                {"target_portals": ["127.0.0.1:3260", "127.0.0.2:3260"], "target_iqns": ["%s", "%s"],
                 "target_luns": [7, 1]}""".formatted(IQN, IQN));

        AttachedVolume attached = lab.connector.connect(missingThenThere);

        assertThat(attached.scsiWwn()).contains(Wwid.of(LUN1));
        assertThat(lab.host.oracle().leftovers().sessions()).as("portal 1's session carried nothing: logged out")
                .singleElement().asString().contains("127.0.0.2:3260");
    }

    private static ConnectionProperties firstPortal(int lun) {
        return ConnectionProperties.parseJson("""
                {"target_portals": ["127.0.0.1:3260"], "target_iqns": ["%s"], "target_luns": [%d]}""".formatted(IQN, lun));
    }

    private static List<String> names(TopologyProvider topology, String wwid) {
        return topology.topology().devices().stream()
                .filter(device -> device.wwid().equals(Optional.of(Wwid.of(wwid))))
                .map(device -> device.name()).toList();
    }
}
