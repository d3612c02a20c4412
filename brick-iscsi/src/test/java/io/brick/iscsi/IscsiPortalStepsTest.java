package io.brick.iscsi;

import io.brick.core.connector.ConnectorConfig;
import io.brick.core.error.BrickException;
import io.brick.core.error.DeviceNotFoundException;
import io.brick.core.error.UnsafePathException;
import io.brick.core.lock.ProcessLocks;
import io.brick.core.model.AttachedVolume;
import io.brick.core.model.ConnectionProperties;
import io.brick.core.model.Wwid;
import io.brick.core.port.TopologyProvider;
import io.brick.testkit.host.Faults;
import io.brick.testkit.host.Latencies;
import io.brick.testkit.host.RecordedLab;
import io.brick.testkit.host.SysfsWrite;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static io.brick.iscsi.OsBrickIscsi.iscsiadm;
import static io.brick.iscsi.OsBrickIscsi.node;
import static io.brick.iscsi.OsBrickIscsi.scans;
import static io.brick.iscsi.SimulatedIscsi.IQN;
import static io.brick.iscsi.SimulatedIscsi.LUN1;
import static io.brick.iscsi.SimulatedIscsi.onePortal;
import static io.brick.iscsi.SimulatedIscsi.twoPortals;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * What one portal of a connect does on the host, and what the caller and the operator are told of it: the node record
 * is made only when it is missing; a LUN that does not show is rescanned on the 1, 2, 4, 8 ... s schedule, not more
 * often, and a multipath connect lets such a portal scan twice before it returns the map; a portal still in its login
 * or still waiting for its lock is named in the log, and its worker never keeps the JVM alive; a connect that found
 * nothing says what each portal gave (a refused login, a failed iscsiadm, another volume's device), and a lock refused
 * as unsafe is the error itself.
 */
class IscsiPortalStepsTest {
    private static final String P1 = RecordedLab.PORTALS.get(0);
    private static final String REUSED = "360014053b8c2d6229a414f0b8e275d1c";
    private static final ConnectorConfig SINGLE_PATH = ConnectorConfig.defaults().withUseMultipath(false);

    @TempDir
    Path dir;

    @AutoClose
    private SimulatedIscsi lab;

    @Test
    void a_node_record_that_exists_is_updated_and_logged_in_never_made_again() {
        // an operator (or an earlier connect) left the record; open-iscsi writes a record given to --op new anew,
        // with its defaults: brick must not, only its own settings change
        lab = SimulatedIscsi.start(RecordedLab.host(dir, Latencies.realistic()), SINGLE_PATH);
        OsBrickIscsi.run(lab.host, "iscsiadm", "-m", "node", "-T", IQN, "-p", P1, "--interface", "default",
                "--op", "new");
        int before = lab.commandCount();

        AttachedVolume attached = lab.connector.connect(onePortal(1));

        String node = node(IQN, P1, "default");
        assertThat(attached.scsiWwn()).contains(Wwid.of(LUN1));
        assertThat(iscsiadm(lab.commandsSince(before))).containsExactly(
                "iscsiadm -m node -P 1",
                node + " --op update -n node.session.scan -v manual -n node.startup -v automatic",
                node + " --login");
    }

    @Test
    void a_lun_that_never_shows_is_scanned_at_1_2_4_8_s_intervals_and_only_that_lun() {
        lab = SimulatedIscsi.start(RecordedLab.host(dir, Latencies.realistic()),
                SINGLE_PATH.withDeviceWait(Duration.ofSeconds(20)));

        DeviceNotFoundException missing = catchThrowableOfType(DeviceNotFoundException.class,
                () -> lab.connector.connect(onePortal(7)));

        assertThat(missing).isNotNull();
        List<SysfsWrite> scans = scans(lab.host);
        // within the 20 s device wait: at 0, 1, 3, 7 and 15 s; a fixed or shrinking interval would scan the bus
        // many more times, one that grows faster fewer
        assertThat(scans).as("%s", scans).hasSize(5).allSatisfy(scan -> assertThat(scan.value()).endsWith(" 7"));
        assertThat(lab.host.oracle().busWideScans()).isEmpty();
    }

    @Test
    void a_multipath_connect_returns_the_map_once_a_portal_without_the_lun_has_scanned_for_it_twice() {
        // portal 2 is given LUN 7, which its target does not have: the map forms on portal 1's path; the connect then
        // lets portal 2 scan twice (a LUN that shows late still joins the map) and returns without waiting out
        // portal 2's device wait or the map wait
        lab = SimulatedIscsi.start(dir, Latencies.realistic());
        ConnectionProperties lunSevenOnPortalTwo = ConnectionProperties.parseJson("""
                {"target_portals": ["127.0.0.1:3260", "127.0.0.2:3260"], "target_iqns": ["%s", "%s"],
                 "target_luns": [1, 7]}""".formatted(IQN, IQN));

        AttachedVolume attached = lab.connector.connect(lunSevenOnPortalTwo);

        List<SysfsWrite> lunSeven = scans(lab.host).stream().filter(scan -> scan.value().endsWith(" 7")).toList();
        assertThat(attached.multipathId()).contains(Wwid.of(LUN1));
        assertThat(lunSeven).as("portal 2's scans when the map was returned: %s", lunSeven).hasSize(2);
    }

    @Test
    void a_connect_that_finds_nothing_names_the_refused_login_of_one_portal_beside_the_missing_lun_of_the_other() {
        lab = SimulatedIscsi.start(RecordedLab.host(dir, Latencies.realistic()),
                ConnectorConfig.defaults().withDeviceWait(Duration.ofSeconds(5)));
        lab.host.faults().loginRefused(P1, Faults.Reason.AUTH);

        DeviceNotFoundException missing = catchThrowableOfType(DeviceNotFoundException.class,
                () -> lab.connector.connect(twoPortals(7)));

        // each portal by what it gave: the operator sees a refused secret on portal 1, not "no device" on both
        assertThat(missing).isNotNull();
        assertThat(missing.evidence().get("portals")).isEqualTo(missing.getMessage()
                .substring(missing.getMessage().indexOf(P1 + " " + IQN + " lun 7: ")));
        assertThat(missing.evidence().get("portals").split("; ")).satisfiesExactly(
                first -> assertThat(first).startsWith(P1 + " " + IQN + " lun 7: login to " + P1)
                        .contains("failed (auth)").doesNotContain("no device"),
                second -> assertThat(second).isEqualTo(
                        RecordedLab.PORTALS.get(1) + " " + IQN + " lun 7: LUN 7 did not appear within 5000 ms"));
    }

    @Test
    void a_portal_whose_iscsiadm_fails_is_reported_with_iscsiadms_error() {
        lab = SimulatedIscsi.start(RecordedLab.host(dir, Latencies.realistic()), SINGLE_PATH);
        lab.host.faults().iscsiadmFails(6, 1);

        BrickException failure = catchThrowableOfType(BrickException.class, () -> lab.connector.connect(onePortal(1)));

        assertThat(failure).isNotNull();
        assertThat(failure.getMessage()).endsWith(P1 + " " + IQN
                + " lun 1: 'iscsiadm -m node -P 1' exited with 6: iscsiadm: initiator reported error (6 - encountered "
                + "iSCSI database failure)");
        assertThat(failure.evidence().get("portals")).contains("exited with 6");
        assertThat(iscsiadm(lab.commandsSince(0))).as("no login after the failed listing, only the target's cleanup")
                .containsExactly("iscsiadm -m node -P 1", node(IQN, P1, "default") + " --op delete");
        assertThat(lab.host.oracle().leftovers().isEmpty()).as("%s", lab.host.oracle().leftovers()).isTrue();
    }

    @Test
    void a_map_returned_while_a_portal_is_still_in_its_login_tells_the_operator_which_portal() {
        // portal 2's login never answers: the map is returned on portal 1's path, and the operator is told that
        // portal 2's path is not in it yet (not that it gave no device: it has not answered)
        lab = SimulatedIscsi.start(dir, Latencies.realistic());
        lab.host.faults().loginHangs(RecordedLab.PORTALS.get(1));

        try (CapturedLogs logs = CapturedLogs.of(IscsiAttachment.class)) {
            AttachedVolume attached = lab.connector.connect(twoPortals(1));

            assertThat(attached.multipathId()).contains(Wwid.of(LUN1));
            assertThat(logs.messages()).singleElement().asString()
                    .contains("returning before portal(s) [" + RecordedLab.PORTALS.get(1) + "] answered their login");
        }
    }

    @Test
    void a_map_returned_without_a_portal_still_waiting_for_its_lock_past_the_map_wait_warns_naming_that_portal() {
        // another process's connect of the same target holds portal 2's lock for 30 s: the connect waits for that
        // portal up to the map wait, then returns the map on portal 1's path and tells the operator which is missing
        AtomicReference<SimulatedIscsi> holder = new AtomicReference<>();
        AtomicBoolean held = new AtomicBoolean();
        ProcessLocks otherProcess = (key, deadline) -> {
            if (held.get() && key.contains(RecordedLab.PORTALS.get(1))) {
                holder.get().host.clock().sleep(Duration.ofSeconds(30));
            }
            return () -> { };
        };
        lab = SimulatedIscsi.start(RecordedLab.host(dir, Latencies.realistic()), ConnectorConfig.defaults(),
                otherProcess);
        holder.set(lab);
        lab.connector.connect(twoPortals(0));
        lab.host.clock().sleep(Duration.ofSeconds(3));
        held.set(true);

        try (CapturedLogs logs = CapturedLogs.of(IscsiAttachment.class)) {
            AttachedVolume attached = lab.connector.connect(twoPortals(1));

            assertThat(attached.multipathId()).contains(Wwid.of(LUN1));
            assertThat(logs.messages()).singleElement().asString().contains("portal(s) ["
                    + RecordedLab.PORTALS.get(1) + "] gave no device within the map wait (10000 ms)");
        }
    }

    @Test
    void a_portal_worker_still_in_its_login_after_the_connect_returned_does_not_keep_the_jvm_alive() {
        // the CLI exits once its connect returns: a worker left in a login that never answers must not hold it
        lab = SimulatedIscsi.start(dir, Latencies.realistic());
        lab.host.faults().loginHangs(RecordedLab.PORTALS.get(1));

        lab.connector.connect(twoPortals(1));

        List<Thread> workers = Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.getName().startsWith("brick-iscsi-portal-") && thread.isAlive()).toList();
        assertThat(workers).as("portal 2's worker, still in its login").isNotEmpty().allMatch(Thread::isDaemon);
    }

    @Test
    void a_lock_refused_as_unsafe_on_one_portal_fails_the_connect_with_that_refusal_whatever_the_other_portal_gave() {
        // the process lock of portal 2's target sits in a directory another user could change (as the file locks
        // refuse it); portal 1's LUN does not exist. What the operator must fix is the lock directory, whatever the
        // other portal gave: the refusal is the error, not "no device"
        UnsafePathException refusal = new UnsafePathException("refusing the lock directory /run/brick/locks: "
                + "writable by others", Map.of("path", "/run/brick/locks"));
        ProcessLocks refusing = (key, deadline) -> {
            if (key.contains(RecordedLab.PORTALS.get(1))) {
                throw refusal;
            }
            return () -> { };
        };
        lab = SimulatedIscsi.start(RecordedLab.host(dir, Latencies.realistic()),
                ConnectorConfig.defaults().withDeviceWait(Duration.ofSeconds(5)), refusing);

        BrickException failure;
        try (CapturedLogs logs = CapturedLogs.of(IscsiPortalWorker.class)) {
            failure = catchThrowableOfType(BrickException.class, () -> lab.connector.connect(twoPortals(7)));

            assertThat(logs.messages()).as("the operator's warning names the portal and the refusal").contains(
                    "Failed to connect to iSCSI portal " + RecordedLab.PORTALS.get(1) + ": " + refusal.getMessage());
        }

        assertThat(failure).isSameAs(refusal);
        assertThat(lab.host.oracle().commandLog()).as("no login on the refused portal")
                .noneMatch(entry -> entry.argv().contains("--login") && entry.argv().contains(RecordedLab.PORTALS.get(1)));
    }

    @Test
    void a_single_path_connect_whose_only_target_shows_another_volume_names_that_device_and_its_wwid() {
        lab = SimulatedIscsi.start(RecordedLab.host(dir, Latencies.realistic()), SINGLE_PATH);
        lab.connector.connect(onePortal(1));
        lab.host.clock().sleep(Duration.ofSeconds(2));
        lab.host.storage().target(IQN).reuseLun(1, REUSED, 128L << 20);
        TopologyProvider topology = lab.brick.port(TopologyProvider.class);
        List<String> stale = names(topology, LUN1);
        assertThat(stale).hasSize(1);

        BrickException failure = catchThrowableOfType(BrickException.class,
                () -> lab.connector.connect(withWwid(onePortal(1), REUSED)));

        assertThat(failure).isNotNull();
        // the operator is told which device the target showed and whose it is, not only that none appeared
        String refused = P1 + " " + IQN + " lun 1: " + stale.get(0) + " is not the volume (WWID " + LUN1 + ")";
        assertThat(failure.getMessage()).endsWith(refused);
        assertThat(failure.evidence()).containsEntry("portals", refused);
        assertThat(names(topology, LUN1)).as("the old volume's device is left as it was").isEqualTo(stale);
        assertThat(lab.host.oracle().wrongDeviceEvents()).isEmpty();
    }

    private static List<String> names(TopologyProvider topology, String wwid) {
        return topology.topology().devices().stream()
                .filter(device -> device.wwid().equals(Optional.of(Wwid.of(wwid))))
                .map(device -> device.name()).toList();
    }

    private static ConnectionProperties withWwid(ConnectionProperties properties, String wwid) {
        java.util.Map<String, Object> data = new java.util.LinkedHashMap<>(properties.asMap());
        data.put("scsi_wwn", wwid);
        return ConnectionProperties.of(data);
    }
}
