package io.brick.iscsi;

import io.brick.core.connector.ConnectorConfig;
import io.brick.core.connector.DisconnectOptions;
import io.brick.core.error.FlushFailedException;
import io.brick.core.model.AttachedVolume;
import io.brick.core.model.ConnectionProperties;
import io.brick.core.model.DevicePath;
import io.brick.testkit.host.CommandLogEntry;
import io.brick.testkit.host.Latencies;
import io.brick.testkit.host.RecordedLab;
import io.brick.testkit.host.SimulatedHost;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static io.brick.iscsi.SimulatedIscsi.IQN;
import static io.brick.iscsi.SimulatedIscsi.LUN0;
import static io.brick.iscsi.SimulatedIscsi.LUN1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Issue 18, item 5: a WWID brick added to multipath's wwids file ({@code multipath -a}, the nudge that
 * {@code find_multipaths yes} needs for a single-path volume) is removed again ({@code multipath -w}) once the volume
 * is gone after a successful disconnect, and a WWID brick did not add never is. brick's record of what it added is a
 * file per WWID in {@code /var/lib/brick/wwids} under the host root.
 */
class WwidsFileTest {
    @TempDir
    Path dir;

    @AutoClose
    private SimulatedIscsi lab;

    /** find_multipaths yes: a volume with one path gets a map only once its WWID is in the wwids file. */
    private void start() {
        start(true);
    }

    private void start(boolean findMultipaths) {
        start(findMultipaths, Latencies.realistic());
    }

    private void start(boolean findMultipaths, Latencies latencies) {
        SimulatedHost host = SimulatedHost.builder(dir).initiatorName(RecordedLab.INITIATOR)
                .latencies(latencies).findMultipaths(findMultipaths).build();
        host.storage().target(IQN).portal("127.0.0.1:3260").lun(0, LUN0, 64L << 20).lun(1, LUN1, 128L << 20);
        lab = SimulatedIscsi.start(host, ConnectorConfig.defaults());
    }

    /** One portal, in the plural keys: a multipath connect. */
    private static ConnectionProperties volume(int lun) {
        return ConnectionProperties.parseJson("""
                {"target_portals": ["127.0.0.1:3260"], "target_iqns": ["%s"], "target_luns": [%d]}"""
                .formatted(IQN, lun));
    }

    private Path record(String wwid) {
        return lab.host.root().resolve("var/lib/brick/wwids").resolve(wwid);
    }

    private List<String> wwidCommands(int from) {
        return lab.commandsSince(from).stream().map(CommandLogEntry::display)
                .filter(line -> line.startsWith("multipath -a") || line.startsWith("multipath -w")).toList();
    }

    @Test
    void a_wwid_brick_added_is_recorded_and_removed_when_the_volume_is_gone() throws Exception {
        start();
        int from = lab.commandCount();

        AttachedVolume attached = lab.connector.connect(volume(1));

        assertThat(attached.path()).isEqualTo(DevicePath.of("/dev/dm-0"));
        assertThat(wwidCommands(from)).containsExactly("multipath -a " + LUN1);
        assertThat(lab.host.oracle().wwidsFile()).containsExactly(LUN1);
        assertThat(Files.readString(record(LUN1))).isEqualTo(LUN1 + "\n");
        assertThat(Files.getPosixFilePermissions(record(LUN1).getParent()))
                .containsExactlyInAnyOrder(java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                        java.nio.file.attribute.PosixFilePermission.OWNER_WRITE,
                        java.nio.file.attribute.PosixFilePermission.OWNER_EXECUTE);
        from = lab.commandCount();

        lab.connector.disconnect(volume(1), Optional.of(attached), DisconnectOptions.SAFE);

        assertThat(wwidCommands(from)).containsExactly("multipath -w " + LUN1);
        assertThat(lab.commandsSince(from).get(lab.commandsSince(from).size() - 1).display())
                .as("last, once the volume is gone").isEqualTo("multipath -w " + LUN1);
        assertThat(lab.host.oracle().wwidsFile()).isEmpty();
        assertThat(Files.exists(record(LUN1), LinkOption.NOFOLLOW_LINKS)).isFalse();
        assertThat(lab.host.oracle().leftovers().isEmpty()).as(lab.host.oracle().leftovers().toString()).isTrue();
    }

    /**
     * find_multipaths no (the lane's guest): multipathd makes the map at once and lists the WWID itself, no
     * {@code multipath -a} runs; the connect still added the WWID, and the disconnect removes it.
     */
    @Test
    void a_wwid_multipathd_listed_for_the_connects_map_is_the_connects_and_is_removed_with_the_volume() {
        start(false);
        int from = lab.commandCount();

        AttachedVolume attached = lab.connector.connect(volume(1));

        assertThat(wwidCommands(from)).isEmpty();
        assertThat(lab.host.oracle().wwidsFile()).containsExactly(LUN1);
        assertThat(Files.exists(record(LUN1))).isTrue();
        from = lab.commandCount();

        lab.connector.disconnect(volume(1), Optional.of(attached), DisconnectOptions.SAFE);

        assertThat(wwidCommands(from)).containsExactly("multipath -w " + LUN1);
        assertThat(lab.host.oracle().wwidsFile()).isEmpty();
        assertThat(Files.exists(record(LUN1), LinkOption.NOFOLLOW_LINKS)).isFalse();
    }

    /**
     * The lane's red run (session 11's CI): multipathd made the map, and listed the WWID, as the first path appeared,
     * before the connect had read the path's WWID; the connect took the WWID for one listed before it, recorded
     * nothing, and the WWID stayed in the file after the volume was gone.
     */
    @Test
    void a_wwid_multipathd_listed_as_the_first_path_appeared_is_the_connects() {
        Latencies realistic = Latencies.realistic();
        start(false, new Latencies(realistic.iscsiadmLogin(), realistic.iscsiadmLogout(), realistic.iscsiadmDiscovery(),
                realistic.iscsiadmOther(), realistic.scan(), java.time.Duration.ZERO, realistic.pathJoin(),
                realistic.multipathFlush(), realistic.multipathOther(), realistic.blockdev(),
                realistic.deviceRemoval()));

        AttachedVolume attached = lab.connector.connect(volume(1));

        assertThat(Files.exists(record(LUN1))).isTrue();
        int from = lab.commandCount();
        lab.connector.disconnect(volume(1), Optional.of(attached), DisconnectOptions.SAFE);

        assertThat(wwidCommands(from)).containsExactly("multipath -w " + LUN1);
        assertThat(lab.host.oracle().wwidsFile()).isEmpty();
    }

    @Test
    void a_wwid_in_the_file_before_the_connect_stays_after_the_disconnect() {
        start();
        lab.host.run("multipath", "-a", LUN1);
        int from = lab.commandCount();

        AttachedVolume attached = lab.connector.connect(volume(1));
        lab.connector.disconnect(volume(1), Optional.of(attached), DisconnectOptions.SAFE);

        assertThat(attached.path()).isEqualTo(DevicePath.of("/dev/dm-0"));
        assertThat(wwidCommands(from)).as("no -a: the map formed at once; never -w").noneMatch(
                line -> line.startsWith("multipath -w"));
        assertThat(lab.host.oracle().wwidsFile()).containsExactly(LUN1);
        assertThat(Files.exists(record(LUN1), LinkOption.NOFOLLOW_LINKS)).isFalse();
        assertThat(lab.host.oracle().leftovers().isEmpty()).isTrue();
    }

    @Test
    void two_volumes_each_lose_their_own_wwid_only() {
        start();
        AttachedVolume one = lab.connector.connect(volume(1));
        AttachedVolume zero = lab.connector.connect(volume(0));
        assertThat(lab.host.oracle().wwidsFile()).containsExactlyInAnyOrder(LUN0, LUN1);
        int from = lab.commandCount();

        lab.connector.disconnect(volume(1), Optional.of(one), DisconnectOptions.SAFE);

        assertThat(wwidCommands(from)).containsExactly("multipath -w " + LUN1);
        assertThat(lab.host.oracle().wwidsFile()).containsExactly(LUN0);
        assertThat(Files.exists(record(LUN0))).isTrue();
        assertThat(Files.exists(record(LUN1), LinkOption.NOFOLLOW_LINKS)).isFalse();
        from = lab.commandCount();

        lab.connector.disconnect(volume(0), Optional.of(zero), DisconnectOptions.SAFE);

        assertThat(wwidCommands(from)).containsExactly("multipath -w " + LUN0);
        assertThat(lab.host.oracle().wwidsFile()).isEmpty();
        assertThat(lab.host.oracle().leftovers().isEmpty()).isTrue();
    }

    @Test
    void a_failed_disconnect_keeps_the_wwid_and_the_record_for_the_next() {
        start();
        AttachedVolume attached = lab.connector.connect(volume(1));
        lab.host.faults().busyMap(LUN1);
        int from = lab.commandCount();

        assertThatThrownBy(() -> lab.connector.disconnect(volume(1), Optional.of(attached), DisconnectOptions.SAFE))
                .isInstanceOf(FlushFailedException.class);

        assertThat(wwidCommands(from)).isEmpty();
        assertThat(lab.host.oracle().wwidsFile()).containsExactly(LUN1);
        assertThat(Files.exists(record(LUN1))).isTrue();
        lab.host.faults().clear();
        from = lab.commandCount();

        lab.connector.disconnect(volume(1), Optional.of(attached), DisconnectOptions.SAFE);

        assertThat(wwidCommands(from)).containsExactly("multipath -w " + LUN1);
        assertThat(lab.host.oracle().wwidsFile()).isEmpty();
        assertThat(Files.exists(record(LUN1), LinkOption.NOFOLLOW_LINKS)).isFalse();
    }

    @Test
    void a_forced_disconnect_that_failed_a_step_keeps_the_record() {
        start();
        AttachedVolume attached = lab.connector.connect(volume(1));
        lab.host.faults().busyMap(LUN1);
        int from = lab.commandCount();

        lab.connector.disconnect(volume(1), Optional.of(attached), new DisconnectOptions(true, true));

        assertThat(wwidCommands(from)).isEmpty();
        assertThat(lab.host.oracle().wwidsFile()).containsExactly(LUN1);
        assertThat(Files.exists(record(LUN1))).isTrue();
    }
}
