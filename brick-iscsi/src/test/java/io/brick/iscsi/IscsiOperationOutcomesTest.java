package io.brick.iscsi;

import io.brick.core.connector.ConnectorConfig;
import io.brick.core.connector.DisconnectOptions;
import io.brick.core.connector.DisconnectPlan;
import io.brick.core.error.BrickException;
import io.brick.core.error.DeviceNotFoundException;
import io.brick.core.error.HostStateException;
import io.brick.core.error.IdentityMismatchException;
import io.brick.core.error.LoginFailedException;
import io.brick.core.event.BrickEvent;
import io.brick.core.event.EventType;
import io.brick.core.lock.ProcessLocks;
import io.brick.core.model.AttachedVolume;
import io.brick.core.model.ConnectionProperties;
import io.brick.core.model.DevicePath;
import io.brick.core.model.Wwid;
import io.brick.core.port.TopologyProvider;
import io.brick.testkit.host.Faults;
import io.brick.testkit.host.Latencies;
import io.brick.testkit.host.RecordedLab;
import io.brick.testkit.host.SimulatedHost;
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

import static io.brick.iscsi.SimulatedIscsi.IQN;
import static io.brick.iscsi.SimulatedIscsi.LUN1;
import static io.brick.iscsi.SimulatedIscsi.twoPortals;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * What each operation tells its caller and its listeners: the end of every connect and disconnect, failed or not; a
 * stale device rejected; a map that did not form; a connect that found nothing, with what each portal gave; and a dry
 * run refused as the disconnect would be.
 */
class IscsiOperationOutcomesTest {
    private static final String REUSED = "360014053b8c2d6229a414f0b8e275d1c";

    @TempDir
    Path dir;

    @AutoClose
    private SimulatedIscsi lab;

    private List<BrickEvent> ofType(EventType type) {
        return lab.events.stream().filter(event -> event.type() == type).toList();
    }

    @Test
    void every_connect_and_disconnect_ends_with_its_own_event_whether_it_succeeded_or_failed() {
        lab = SimulatedIscsi.start(RecordedLab.host(dir, Latencies.realistic()),
                ConnectorConfig.defaults().withDeviceWait(Duration.ofSeconds(5)));
        AttachedVolume lun0 = lab.connector.connect(twoPortals(0));
        AttachedVolume lun1 = lab.connector.connect(twoPortals(1));
        lab.host.clock().sleep(Duration.ofSeconds(3));

        BrickException missing = catchThrowableOfType(BrickException.class, () -> lab.connector.connect(twoPortals(7)));
        assertThatThrownBy(() -> lab.connector.disconnect(twoPortals(0), Optional.of(lun1), DisconnectOptions.SAFE))
                .isInstanceOf(IdentityMismatchException.class);
        lab.connector.disconnect(twoPortals(0), Optional.of(lun0), DisconnectOptions.SAFE);

        assertThat(missing).isNotNull();
        assertThat(ofType(EventType.OPERATION_FINISHED)).extracting(BrickEvent::details).containsExactly(
                Map.of("path", lun0.path().path()), Map.of("path", lun1.path().path()), Map.of("operation", "disconnect"));
        assertThat(ofType(EventType.OPERATION_FAILED)).hasSize(2).satisfiesExactly(
                connect -> assertThat(connect.details()).containsEntry("error", missing.kind())
                        .doesNotContainKey("operation"),
                disconnect -> assertThat(disconnect.details()).containsEntry("operation", "disconnect")
                        .containsEntry("error", "identity-mismatch"));
    }

    @Test
    void a_rejected_stale_device_is_reported_with_its_address_and_its_wwid() {
        SimulatedHost host = RecordedLab.host(dir, Latencies.realistic());
        lab = SimulatedIscsi.start(host, ConnectorConfig.defaults());
        ConnectionProperties firstPortal = ConnectionProperties.parseJson("""
                {"target_portals": ["127.0.0.1:3260"], "target_iqns": ["%s"], "target_luns": [1]}""".formatted(IQN));
        lab.connector.connect(firstPortal);
        lab.host.clock().sleep(Duration.ofSeconds(2));
        lab.host.storage().target(IQN).reuseLun(1, REUSED, 128L << 20);
        String stale = names(lab.brick.port(TopologyProvider.class), LUN1).get(0);

        lab.connector.connect(twoPortals(1));

        assertThat(ofType(EventType.DEVICE_REJECTED)).singleElement().satisfies(rejected -> {
            assertThat(rejected.subject()).isEqualTo(stale);
            assertThat(rejected.details()).containsEntry("wwid", LUN1).containsKey("hctl");
            assertThat(rejected.details().get("hctl")).matches("\\d+:0:0:1");
        });
    }

    @Test
    void a_single_path_connect_that_finds_only_another_volumes_device_reports_it_rejected_as_a_multipath_connect_does() {
        // the target's LUN 1 went to a new volume while its session still shows the old one's device: a connect of
        // the new volume (its WWID given) through one path refuses that device and tells its listeners, once
        lab = SimulatedIscsi.start(RecordedLab.host(dir, Latencies.realistic()),
                ConnectorConfig.defaults().withUseMultipath(false));
        lab.connector.connect(SimulatedIscsi.onePortal(1));
        lab.host.clock().sleep(Duration.ofSeconds(2));
        lab.host.storage().target(IQN).reuseLun(1, REUSED, 128L << 20);
        String stale = names(lab.brick.port(TopologyProvider.class), LUN1).get(0);
        Map<String, Object> data = new java.util.LinkedHashMap<>(SimulatedIscsi.onePortal(1).asMap());
        data.put("scsi_wwn", REUSED);

        BrickException failure = catchThrowableOfType(BrickException.class,
                () -> lab.connector.connect(ConnectionProperties.of(data)));

        assertThat(failure).isNotNull();
        assertThat(ofType(EventType.DEVICE_REJECTED)).singleElement().satisfies(rejected -> {
            assertThat(rejected.subject()).isEqualTo(stale);
            assertThat(rejected.details()).containsEntry("wwid", LUN1);
            assertThat(rejected.details().get("hctl")).matches("\\d+:0:0:1");
        });
        assertThat(names(lab.brick.port(TopologyProvider.class), LUN1)).containsExactly(stale);
    }

    @Test
    void a_map_that_does_not_form_is_a_warning_and_the_single_path_is_returned() {
        AtomicReference<SimulatedIscsi> holder = new AtomicReference<>();
        AtomicBoolean armed = new AtomicBoolean(true);
        ProcessLocks stopsMultipathd = (key, deadline) -> {
            if (armed.compareAndSet(true, false)) {
                holder.get().host.faults().multipathdDown();
            }
            return () -> { };
        };
        lab = SimulatedIscsi.start(RecordedLab.host(dir, Latencies.realistic()), ConnectorConfig.defaults(),
                stopsMultipathd);
        holder.set(lab);

        AttachedVolume attached = lab.connector.connect(twoPortals(1));

        assertThat(attached.multipathId()).isEmpty();
        assertThat(attached.path().path()).doesNotContain("dm-").doesNotContain("mapper");
        assertThat(ofType(EventType.WARNING)).singleElement().satisfies(warning ->
                assertThat(warning.details().get("message")).contains("no multipath map formed"));
    }

    @Test
    void a_dry_run_whose_properties_and_device_info_name_two_volumes_is_refused_as_the_disconnect_is() {
        lab = SimulatedIscsi.start(dir, Latencies.realistic());
        lab.connector.connect(twoPortals(0));
        AttachedVolume lun1 = lab.connector.connect(twoPortals(1));
        lab.host.clock().sleep(Duration.ofSeconds(3));

        assertThatThrownBy(() -> lab.connector.planDisconnect(twoPortals(0), Optional.of(lun1)))
                .isInstanceOf(IdentityMismatchException.class);
    }

    @Test
    void a_connect_that_finds_only_another_volumes_devices_reports_each_as_rejected_before_it_fails() {
        lab = SimulatedIscsi.start(dir, Latencies.realistic());
        lab.connector.connect(twoPortals(1));
        lab.host.clock().sleep(Duration.ofSeconds(3));
        lab.host.storage().target(IQN).reuseLun(1, REUSED, 128L << 20);
        List<String> stale = names(lab.brick.port(TopologyProvider.class), LUN1);
        assertThat(stale).hasSize(2);
        java.util.Map<String, Object> data = new java.util.LinkedHashMap<>(twoPortals(1).asMap());
        data.put("scsi_wwn", REUSED);

        assertThatThrownBy(() -> lab.connector.connect(ConnectionProperties.of(data)))
                .isInstanceOf(IdentityMismatchException.class);

        assertThat(ofType(EventType.DEVICE_REJECTED)).extracting(BrickEvent::subject)
                .containsExactlyInAnyOrderElementsOf(stale);
    }

    @Test
    void a_lun_that_appears_on_no_portal_is_reported_with_what_each_portal_gave() {
        lab = SimulatedIscsi.start(RecordedLab.host(dir, Latencies.realistic()),
                ConnectorConfig.defaults().withDeviceWait(Duration.ofSeconds(5)));

        DeviceNotFoundException missing = catchThrowableOfType(DeviceNotFoundException.class,
                () -> lab.connector.connect(twoPortals(7)));

        assertThat(missing).isNotNull();
        assertThat(missing.getMessage()).contains("no device of", "appeared on any portal",
                "127.0.0.1:3260 " + IQN + " lun 7: LUN 7 did not appear within 5000 ms",
                "127.0.0.2:3260 " + IQN + " lun 7: LUN 7 did not appear within 5000 ms");
        assertThat(missing.evidence()).containsKeys("volume").containsEntry("portals",
                missing.getMessage().substring(missing.getMessage().indexOf("127.0.0.1:3260")));
    }

    @Test
    void logins_refused_on_every_portal_for_two_reasons_are_one_login_failure_of_reason_other() {
        lab = SimulatedIscsi.start(dir, Latencies.realistic());
        lab.host.faults().loginRefused("127.0.0.1:3260", Faults.Reason.AUTH)
                .loginRefused("127.0.0.2:3260", Faults.Reason.TARGET_GONE);

        LoginFailedException failure = catchThrowableOfType(LoginFailedException.class,
                () -> lab.connector.connect(twoPortals(1)));

        assertThat(failure).isNotNull();
        assertThat(failure.reason()).isEqualTo("other");
        assertThat(failure.retriable()).as("neither a refused secret nor a gone target passes by itself").isFalse();
        assertThat(failure.evidence()).containsEntry("reason", "other").doesNotContainKey("portal")
                .containsKey("volume");
        assertThat(failure.evidence().get("portals")).contains("127.0.0.1:3260", "127.0.0.2:3260");
        assertThat(failure.getMessage()).startsWith("login failed on every portal of").contains("(other)");
    }

    @Test
    void logins_refused_on_every_portal_for_one_reason_keep_that_reason() {
        lab = SimulatedIscsi.start(dir, Latencies.realistic());
        lab.host.faults().loginRefused("127.0.0.1:3260", Faults.Reason.AUTH)
                .loginRefused("127.0.0.2:3260", Faults.Reason.AUTH);

        LoginFailedException failure = catchThrowableOfType(LoginFailedException.class,
                () -> lab.connector.connect(twoPortals(1)));

        assertThat(failure.reason()).isEqualTo("auth");
        assertThat(failure.evidence()).containsEntry("reason", "auth");
    }

    @Test
    void enforced_multipath_with_multipathd_running_returns_the_map() {
        lab = SimulatedIscsi.start(dir, Latencies.realistic());

        AttachedVolume attached = lab.connector.connect(enforced(twoPortals(1)));

        assertThat(attached.multipathId()).contains(Wwid.of(LUN1));
        assertThat(attached.path().path()).startsWith("/dev/dm-");
    }

    @Test
    void enforced_multipath_without_multipathd_is_refused_before_any_login() {
        lab = SimulatedIscsi.start(dir, Latencies.realistic());
        lab.host.faults().multipathdDown();

        assertThatThrownBy(() -> lab.connector.connect(enforced(twoPortals(1))))
                .isInstanceOf(HostStateException.class).hasMessageContaining("multipathd is not running");

        assertThat(lab.host.oracle().commandLog()).noneMatch(command -> command.argv().contains("--login"));
        assertThat(lab.host.oracle().leftovers().isEmpty()).as("%s", lab.host.oracle().leftovers()).isTrue();
    }

    @Test
    void the_connector_properties_name_the_host_and_say_multipath_is_used() throws java.io.IOException {
        lab = SimulatedIscsi.start(dir, Latencies.realistic());
        Path hostname = Path.of(lab.host.hostRoot().etc(), "hostname");
        java.nio.file.Files.writeString(hostname, "compute-7\n");

        Map<String, Object> properties = lab.connector.connectorProperties();

        assertThat(properties).containsEntry("host", "compute-7").containsEntry("multipath", true);
    }

    @Test
    void closing_brick_ends_the_iscsi_portal_threads() throws InterruptedException {
        lab = SimulatedIscsi.start(dir, Latencies.realistic());
        lab.connector.connect(twoPortals(1));
        List<Thread> portals = Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.getName().startsWith("brick-iscsi-portal-")).toList();
        assertThat(portals).as("the connect's portal workers, idle in their pool").isNotEmpty();

        lab.brick.close();

        // an idle pooled thread would otherwise live on for a minute after its last task: joins far shorter than that
        // (an interrupted idle thread ends at once), not a measure of how long anything took
        for (Thread thread : portals) {
            thread.join(Duration.ofSeconds(5).toMillis());
        }
        assertThat(portals).noneMatch(Thread::isAlive);
    }

    private static ConnectionProperties enforced(ConnectionProperties properties) {
        java.util.Map<String, Object> data = new java.util.LinkedHashMap<>(properties.asMap());
        data.put("enforce_multipath", true);
        return ConnectionProperties.of(data);
    }

    @Test
    void a_dry_run_given_the_by_path_link_of_the_path_used_flushes_that_path_only() throws java.io.IOException {
        // multipathd stops once the connect has begun: no map, two path devices, the first path returned
        AtomicReference<SimulatedIscsi> holder = new AtomicReference<>();
        AtomicBoolean armed = new AtomicBoolean(true);
        ProcessLocks stopsMultipathd = (key, deadline) -> {
            if (armed.compareAndSet(true, false)) {
                holder.get().host.faults().multipathdDown();
            }
            return () -> { };
        };
        lab = SimulatedIscsi.start(RecordedLab.host(dir, Latencies.realistic()), ConnectorConfig.defaults(),
                stopsMultipathd);
        holder.set(lab);
        AttachedVolume attached = lab.connector.connect(twoPortals(1));
        lab.host.clock().sleep(Duration.ofSeconds(3));
        assertThat(names(lab.brick.port(TopologyProvider.class), LUN1)).hasSize(2);
        String used = attached.path().name();
        Path byPath = Path.of(lab.host.hostRoot().dev(), "disk", "by-path");
        String link;
        try (var links = java.nio.file.Files.list(byPath)) {
            link = links.filter(each -> each.getFileName().toString().endsWith("-lun-1"))
                    .filter(each -> resolvesTo(each, used))
                    .map(each -> "/dev/disk/by-path/" + each.getFileName()).findFirst().orElseThrow();
        }

        DisconnectPlan plan = lab.connector.planDisconnect(twoPortals(1), Optional.of(
                new AttachedVolume(DevicePath.of(link), attached.scsiWwn(), Optional.empty())));

        assertThat(plan.flush()).singleElement().asString().contains(used);
    }

    private static boolean resolvesTo(Path link, String name) {
        try {
            return java.nio.file.Files.readSymbolicLink(link).getFileName().toString().equals(name);
        } catch (java.io.IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    private static List<String> names(TopologyProvider topology, String wwid) {
        return topology.topology().devices().stream()
                .filter(device -> device.wwid().equals(Optional.of(Wwid.of(wwid))))
                .map(device -> device.name()).toList();
    }
}
