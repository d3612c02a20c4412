package io.brick.iscsi;

import io.brick.core.connector.ConnectorConfig;
import io.brick.core.connector.DisconnectOptions;
import io.brick.core.error.BrickException;
import io.brick.core.error.DeviceNotFoundException;
import io.brick.core.error.DisconnectFailedException;
import io.brick.core.model.AttachedVolume;
import io.brick.core.model.ConnectionProperties;
import io.brick.core.model.DevicePath;
import io.brick.core.model.Wwid;
import io.brick.core.connector.DisconnectPlan;
import io.brick.testkit.host.Latencies;
import io.brick.testkit.host.RecordedLab;
import io.brick.testkit.host.SimulatedHost;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.brick.iscsi.OsBrickIscsi.PASSWORD;
import static io.brick.iscsi.OsBrickIscsi.argv;
import static io.brick.iscsi.OsBrickIscsi.iscsiadm;
import static io.brick.iscsi.OsBrickIscsi.node;
import static io.brick.iscsi.OsBrickIscsi.withChap;
import static io.brick.iscsi.SimulatedIscsi.IQN;
import static io.brick.iscsi.SimulatedIscsi.LUN0;
import static io.brick.iscsi.SimulatedIscsi.LUN1;
import static io.brick.iscsi.SimulatedIscsi.onePortal;
import static io.brick.iscsi.SimulatedIscsi.twoPortals;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The disconnect, extend, path and connector-property scenarios of os-brick's {@code test_iscsi.py} on the simulated
 * host, each named after the os-brick test it mirrors (see {@link OsBrickIscsiScenariosTest} for the connect ones).
 */
class OsBrickIscsiDisconnectScenariosTest {
    private static final String P1 = RecordedLab.PORTALS.get(0);
    private static final String P2 = RecordedLab.PORTALS.get(1);
    private static final ConnectorConfig SINGLE_PATH = ConnectorConfig.defaults().withUseMultipath(false);

    @TempDir
    Path dir;

    @AutoClose
    private SimulatedIscsi lab;

    private SimulatedHost labHost() {
        return RecordedLab.host(dir, Latencies.realistic());
    }

    private AttachedVolume connectBoth(ConnectionProperties props) {
        AttachedVolume attached = lab.connector.connect(props);
        lab.host.clock().sleep(Duration.ofSeconds(3));
        return attached;
    }

    // --------------------------------------------------------------------------------------- disconnect

    @Test
    void test_disconnect_volume() {
        lab = SimulatedIscsi.start(dir, Latencies.realistic());
        AttachedVolume attached = connectBoth(twoPortals(1));
        lab.host.write(attached.path());

        lab.connector.disconnect(twoPortals(1), Optional.of(attached), DisconnectOptions.SAFE);

        assertThat(lab.host.oracle().leftovers().isEmpty()).as("%s", lab.host.oracle().leftovers()).isTrue();
        assertThat(lab.host.oracle().dataLossEvents()).isEmpty();
    }

    @Test
    void test_disconnect_from_iscsi_portal() {
        lab = SimulatedIscsi.start(labHost(), SINGLE_PATH);
        AttachedVolume attached = lab.connector.connect(onePortal(1));
        int before = lab.commandCount();

        lab.connector.disconnect(onePortal(1), Optional.of(attached), DisconnectOptions.SAFE);

        // os-brick: update node.startup manual, --logout, --op delete; brick: --logout and --op delete (a deleted
        // record cannot start at boot, so the update is not needed), each naming the iface
        String node = node(IQN, P1, "default");
        assertThat(iscsiadm(lab.commandsSince(before))).containsExactly(node + " --logout", node + " --op delete");
        assertThat(lab.host.oracle().leftovers().isEmpty()).as("%s", lab.host.oracle().leftovers()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"map", "single path"})
    void test_cleanup_connection(String pathUsed) {
        lab = SimulatedIscsi.start(dir, Latencies.realistic());
        AttachedVolume volume = connectBoth(twoPortals(1));
        // another volume (LUN 0) shares the session to the second portal only
        ConnectionProperties other = ConnectionProperties.parseJson("""
                {"target_portals": ["%s"], "target_iqns": ["%s"], "target_luns": [0]}""".formatted(P2, IQN));
        AttachedVolume otherVolume = connectBoth(other);
        String otherDevice = lab.host.oracle().leftovers(Wwid.of(LUN0)).devices().get(0);
        AttachedVolume used = pathUsed.equals("map") ? volume
                : new AttachedVolume(DevicePath.of("/dev/" + slaves(volume.path().name()).get(0)), volume.scsiWwn(),
                Optional.empty());
        int before = lab.commandCount();

        lab.connector.disconnect(twoPortals(1), Optional.of(used), DisconnectOptions.SAFE);

        // only the session that carries nothing else is logged out (os-brick: disconnect only ip1 and ip3)
        List<String> commands = iscsiadm(lab.commandsSince(before));
        assertThat(commands).contains(node(IQN, P1, "default") + " --logout")
                .doesNotContain(node(IQN, P2, "default") + " --logout");
        assertThat(lab.host.oracle().leftovers(Wwid.of(LUN1)).devices()).isEmpty();
        assertThat(lab.host.oracle().leftovers(Wwid.of(LUN1)).maps()).isEmpty();
        assertThat(Files.exists(lab.host.root().resolve("sys/block/" + otherDevice))).isTrue();
        assertThat(Files.exists(lab.host.root().resolve("sys/block/" + otherVolume.path().name()))).isTrue();
        assertThat(lab.host.oracle().dataLossEvents()).isEmpty();
        assertThat(lab.host.oracle().wrongDeviceEvents()).isEmpty();
    }

    @Test
    void test_cleanup_connection_force_failure() {
        lab = SimulatedIscsi.start(dir, Latencies.realistic());
        AttachedVolume attached = connectBoth(twoPortals(1));
        lab.host.open(attached.path());
        int before = lab.commandCount();

        // the flush fails (map in use): with force the map is removed anyway, the sessions are still logged out,
        // and the collected failure is raised at the end (os-brick's ExceptionChainer)
        assertThatThrownBy(() -> lab.connector.disconnect(twoPortals(1), Optional.of(attached),
                new DisconnectOptions(true, false))).isInstanceOf(DisconnectFailedException.class);

        List<String> commands = iscsiadm(lab.commandsSince(before));
        assertThat(commands).contains(node(IQN, P1, "default") + " --logout", node(IQN, P2, "default") + " --logout");
        assertThat(lab.host.oracle().leftovers().isEmpty()).as("%s", lab.host.oracle().leftovers()).isTrue();
    }

    @Test
    void test_cleanup_connection_no_data_discoverydb() {
        lab = SimulatedIscsi.start(dir, Latencies.realistic());

        // a multipath volume with the singular keys only, never attached, no discovery record: nothing to do
        lab.connector.disconnect(onePortal(1), Optional.empty(), DisconnectOptions.SAFE);

        assertThat(argv(lab.commandsSince(0))).noneMatch(line -> line.contains("discover") || line.contains("--logout"));
        assertThat(lab.host.oracle().sysfsWrites()).isEmpty();
    }

    @ParameterizedTest(name = "logout fails: {0}, force: {1}")
    @CsvSource({"true, false", "true, true", "false, false"})
    void test_disconnect_connection(boolean logoutFails, boolean force) {
        lab = SimulatedIscsi.start(dir, Latencies.realistic());
        AttachedVolume attached = connectBoth(twoPortals(1));
        int before = lab.commandCount();
        if (logoutFails) {
            lab.host.faults().iscsiadmFails(8, 1);
        }
        DisconnectOptions options = new DisconnectOptions(force, false);

        if (logoutFails) {
            assertThatThrownBy(() -> lab.connector.disconnect(twoPortals(1), Optional.of(attached), options))
                    .isInstanceOf(BrickException.class);
        } else {
            lab.connector.disconnect(twoPortals(1), Optional.of(attached), options);
        }

        List<String> commands = iscsiadm(lab.commandsSince(before));
        // os-brick logs out one target after another and, without force, stops at the first failure, leaving the other
        // target's session behind; brick logs out of every target at once and runs each to its end, force or not, and
        // then raises the failure (docs/os-brick-differences.md)
        assertThat(commands).contains(node(IQN, P1, "default") + " --logout", node(IQN, P2, "default") + " --logout");
        assertThat(lab.host.oracle().leftovers(Wwid.of(LUN1)).devices()).isEmpty();
    }

    @Test
    void test_get_connection_devices() {
        lab = SimulatedIscsi.start(dir, Latencies.realistic());
        connectBoth(twoPortals(0));
        AttachedVolume volume = connectBoth(twoPortals(1));
        List<String> volumePaths = slaves(volume.path().name());
        int before = lab.commandCount();

        // the singular keys: the targets come from the sessions in sysfs (os-brick: discover=False)
        DisconnectPlan plan = lab.connector.planDisconnect(onePortal(1), Optional.of(volume));

        assertClassified(plan, volumePaths);
        assertThat(lab.commandsSince(before)).isEmpty();
    }

    @Test
    void test_get_connection_devices_with_iqns() {
        lab = SimulatedIscsi.start(dir, Latencies.realistic());
        connectBoth(twoPortals(0));
        AttachedVolume volume = connectBoth(twoPortals(1));
        List<String> volumePaths = slaves(volume.path().name());
        int before = lab.commandCount();

        DisconnectPlan plan = lab.connector.planDisconnect(twoPortals(1), Optional.of(volume));

        assertClassified(plan, volumePaths);
        assertThat(lab.commandsSince(before)).isEmpty();
    }

    @Test
    void test_get_connection_devices_multiple_sessions_same_portal_iqn() {
        SimulatedHost host = labHost();
        // two sessions to one (portal, IQN), through the default and the iser iface, each scanning every LUN
        for (String iface : List.of("default", "iser")) {
            OsBrickIscsi.run(host, "iscsiadm", "-m", "node", "-T", IQN, "-p", P1, "--interface", iface, "--op", "new");
            OsBrickIscsi.run(host, "iscsiadm", "-m", "node", "-T", IQN, "-p", P1, "--interface", iface, "--login");
        }
        host.clock().sleep(Duration.ofSeconds(3));
        lab = SimulatedIscsi.start(host, ConnectorConfig.defaults());
        List<String> lun1Devices = lab.host.oracle().leftovers(Wwid.of(LUN1)).devices();
        assertThat(lun1Devices).hasSize(2);

        DisconnectPlan plan = lab.connector.planDisconnect(onePortal(1), Optional.empty());

        // the LUN's devices of every session are the volume's; both sessions carry LUN 0 too, so none is ended
        assertThat(String.join(" ", plan.remove())).contains(lun1Devices);
        assertThat(plan.transport()).noneMatch(step -> step.startsWith("logout"));
    }

    // --------------------------------------------------------------------- targets of a disconnect

    @Test
    void test_get_ips_iqns_luns_discoverydb() {
        lab = SimulatedIscsi.start(dir, Latencies.realistic());
        AttachedVolume attached = connectBoth(onePortal(1));
        int before = lab.commandCount();
        lab.host.faults().pathDown(P1);

        // os-brick reads the targets of a discovered volume from the discoverydb; brick from the sessions in sysfs,
        // so the disconnect runs no discovery and works while the discovery portal is down
        lab.connector.disconnect(onePortal(1), Optional.of(attached), new DisconnectOptions(true, true));

        assertThat(argv(lab.commandsSince(before))).noneMatch(line -> line.contains("discover"));
        assertThat(iscsiadm(lab.commandsSince(before))).contains(node(IQN, P1, "default") + " --logout",
                node(IQN, P2, "default") + " --logout");
        assertThat(lab.host.oracle().leftovers().isEmpty()).as("%s", lab.host.oracle().leftovers()).isTrue();
    }

    @Test
    void test_get_ips_iqns_luns_disconnect_single_path() {
        lab = SimulatedIscsi.start(labHost(), SINGLE_PATH);
        AttachedVolume attached = lab.connector.connect(onePortal(1));
        int before = lab.commandCount();

        // no discovery record: the single target of the properties is disconnected
        lab.connector.disconnect(onePortal(1), Optional.of(attached), DisconnectOptions.SAFE);

        assertThat(argv(lab.commandsSince(before))).noneMatch(line -> line.contains("discover"));
        assertThat(lab.host.oracle().leftovers().isEmpty()).as("%s", lab.host.oracle().leftovers()).isTrue();
    }

    // ------------------------------------------------------------------------------------------- extend

    @Test
    void test_extend_volume() {
        lab = SimulatedIscsi.start(dir, Latencies.realistic());
        AttachedVolume attached = connectBoth(twoPortals(1));
        lab.host.storage().targets().get(0).resizeLun(1, 256L << 20);

        long size = lab.connector.extend(twoPortals(1));

        assertThat(size).isEqualTo(256L << 20);
        assertThat(lab.host.oracle().commandLog()).anyMatch(entry -> String.join(" ", entry.argv())
                .startsWith("multipathd resize map"));
        assertThat(attached.path()).isEqualTo(DevicePath.of("/dev/dm-0"));
    }

    @Test
    void test_extend_volume_no_path() {
        lab = SimulatedIscsi.start(dir, Latencies.realistic());

        assertThatThrownBy(() -> lab.connector.extend(twoPortals(1))).isInstanceOf(DeviceNotFoundException.class)
                .hasMessageContaining("Could not find any paths");
    }

    @Test
    void test_extend_volume_mask_password() {
        SimulatedHost host = labHost();
        host.storage().targets().get(0).chap("user", PASSWORD);
        lab = SimulatedIscsi.start(host, ConnectorConfig.defaults());
        connectBoth(withChap(twoPortals(1)));
        host.storage().targets().get(0).resizeLun(1, 256L << 20);

        try (CapturedLogs logs = CapturedLogs.of("io.brick")) {
            assertThat(lab.connector.extend(withChap(twoPortals(1)))).isEqualTo(256L << 20);

            assertThat(logs.messages()).anyMatch(message -> message.startsWith("extended"));
            assertThat(logs.messages()).noneMatch(message -> message.contains(PASSWORD));
        }
    }

    @Test
    void test_extend_volume_mask_password_no_paths() {
        lab = SimulatedIscsi.start(dir, Latencies.realistic());

        try (CapturedLogs logs = CapturedLogs.of("io.brick")) {
            assertThatThrownBy(() -> lab.connector.extend(withChap(twoPortals(1))))
                    .isInstanceOf(DeviceNotFoundException.class).hasMessageNotContaining(PASSWORD)
                    .satisfies(failure -> assertThat(((BrickException) failure).evidence().toString())
                            .doesNotContain(PASSWORD));
            assertThat(logs.messages()).noneMatch(message -> message.contains(PASSWORD));
        }
    }

    // -------------------------------------------------------------------------------------------- paths

    @Test
    void test_get_volume_paths() {
        lab = SimulatedIscsi.start(dir, Latencies.realistic());
        connectBoth(twoPortals(1));

        List<DevicePath> paths = lab.connector.volumePaths(twoPortals(1));

        assertThat(paths).containsExactly(
                DevicePath.of("/dev/disk/by-path/ip-127.0.0.1:3260-iscsi-" + IQN + "-lun-1"),
                DevicePath.of("/dev/disk/by-path/ip-127.0.0.2:3260-iscsi-" + IQN + "-lun-1"));
    }

    @Test
    void test_get_search_path() {
        lab = SimulatedIscsi.start(labHost(), SINGLE_PATH);
        lab.connector.connect(onePortal(1));

        assertThat(lab.connector.volumePaths(onePortal(1))).isNotEmpty()
                .allMatch(path -> path.path().startsWith("/dev/disk/by-path/"));
    }

    @Test
    void test_get_potential_paths_mpath() {
        lab = SimulatedIscsi.start(dir, Latencies.realistic());
        connectBoth(twoPortals(1));
        int before = lab.commandCount();

        assertThat(lab.connector.volumePaths(twoPortals(1))).hasSize(2);

        assertThat(lab.commandsSince(before)).as("paths come from sysfs, no command runs").isEmpty();
    }

    @Test
    void test_get_potential_paths_single_path() {
        lab = SimulatedIscsi.start(labHost(), SINGLE_PATH);
        lab.connector.connect(onePortal(1));

        // only the targets with a session that has the LUN give a path
        assertThat(lab.connector.volumePaths(twoPortals(1)))
                .containsExactly(DevicePath.of("/dev/disk/by-path/ip-127.0.0.1:3260-iscsi-" + IQN + "-lun-1"));
    }

    @Test
    void test_get_iscsi_sessions_no_sessions() {
        lab = SimulatedIscsi.start(dir, Latencies.realistic());

        assertThat(lab.connector.volumePaths(twoPortals(1))).isEmpty();
        assertThat(lab.commandsSince(0)).isEmpty();
    }

    // ------------------------------------------------------------------------------ connector properties

    @Test
    void test_get_initiator() throws IOException {
        lab = SimulatedIscsi.start(dir, Latencies.realistic());
        Path file = lab.host.root().resolve("etc/iscsi/initiatorname.iscsi");
        assertThat(lab.connector.connectorProperties()).containsEntry("initiator", RecordedLab.INITIATOR);

        Files.writeString(file, "## DO NOT EDIT OR REMOVE THIS FILE!\n## If you remove this file, the iSCSI daemon "
                + "will not start.\n#InitiatorName=iqn.1993-08.org.debian:01:commented\n"
                + "InitiatorName=iqn.2004-10.bar.foo:01:23456789abc\n");
        assertThat(lab.connector.connectorProperties()).containsEntry("initiator", "iqn.2004-10.bar.foo:01:23456789abc");

        // os-brick's fixture name iqn.1234-56... is not an iSCSI name (month 56): brick gives no initiator (WARN)
        Files.writeString(file, "InitiatorName=iqn.1234-56.foo.bar:01:23456789abc\n");
        assertThat(lab.connector.connectorProperties()).doesNotContainKey("initiator");

        Files.delete(file);
        assertThat(lab.connector.connectorProperties()).doesNotContainKey("initiator");
    }

    @Test
    void test_get_connector_properties() {
        lab = SimulatedIscsi.start(dir, Latencies.realistic());

        Map<String, Object> properties = lab.connector.connectorProperties();

        // os-brick's iSCSI connector gives {'initiator': iqn} only (multipath and host come from its utils);
        // brick's connector gives the initiator and whether it will multipath
        assertThat(properties).containsEntry("initiator", RecordedLab.INITIATOR).containsEntry("multipath", true);
    }

    @Test
    void test_supports_multipath() {
        lab = SimulatedIscsi.start(dir, Latencies.realistic());
        assertThat(lab.connector.connectorProperties()).containsEntry("multipath", true);

        lab.host.faults().multipathdDown();

        assertThat(lab.connector.connectorProperties()).containsEntry("multipath", false);
    }

    // ------------------------------------------------------------------------------------------- helpers

    /** The plan removes the volume's paths only and keeps both sessions: they carry LUN 0's paths. */
    private void assertClassified(DisconnectPlan plan, List<String> volumePaths) {
        List<String> lun0 = lab.host.oracle().leftovers(Wwid.of(LUN0)).devices();
        assertThat(lun0).hasSize(2);
        String removed = String.join(" ", plan.remove());
        assertThat(removed).contains(volumePaths);
        assertThat(lun0).allMatch(name -> !removed.matches(".*\\b" + name + "\\b.*"));
        assertThat(plan.transport()).hasSize(2).allMatch(step -> step.startsWith("keep session"));
    }

    private List<String> slaves(String map) {
        Path slaves = lab.host.root().resolve("sys/block/" + map + "/slaves");
        try (java.util.stream.Stream<Path> entries = Files.list(slaves)) {
            return entries.map(path -> path.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new AssertionError("cannot list " + slaves, e);
        }
    }
}
