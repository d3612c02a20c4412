package io.brick.iscsi;

import io.brick.core.connector.ConnectorConfig;
import io.brick.core.connector.DisconnectOptions;
import io.brick.core.error.IdentityMismatchException;
import io.brick.core.model.AttachedVolume;
import io.brick.core.model.ConnectionProperties;
import io.brick.core.model.DevicePath;
import io.brick.core.model.Wwid;
import io.brick.testkit.host.Latencies;
import io.brick.testkit.host.RecordedLab;
import io.brick.testkit.host.SimulatedHost;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import io.brick.core.port.TopologyProvider;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static io.brick.iscsi.SimulatedIscsi.IQN;
import static io.brick.iscsi.SimulatedIscsi.LUN1;
import static io.brick.iscsi.SimulatedIscsi.twoPortals;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The connector's promises under stress: a reused LUN is never returned nor flushed as the volume's; concurrent
 * connects and disconnects on one target never log out a session in use; connects to different targets run in
 * parallel; a forced disconnect that ignores errors still warns about leftovers.
 */
class IscsiConnectorSafetyTest {
    private static final String REUSED = "360014053b8c2d6229a414f0b8e275d1c";

    @TempDir
    Path dir;

    @AutoClose
    private SimulatedIscsi lab;

    private static ConnectionProperties withWwid(ConnectionProperties properties, String wwid) {
        java.util.Map<String, Object> data = new java.util.LinkedHashMap<>(properties.asMap());
        data.put("scsi_wwn", wwid);
        return ConnectionProperties.of(data);
    }

    @Test
    void a_disconnect_whose_properties_and_device_info_name_two_volumes_touches_neither() {
        lab = SimulatedIscsi.start(dir, Latencies.realistic());
        AttachedVolume lun0 = lab.connector.connect(twoPortals(0));
        AttachedVolume lun1 = lab.connector.connect(twoPortals(1));
        lab.host.clock().sleep(Duration.ofSeconds(3));
        int maps = lab.brick.port(TopologyProvider.class).multipathMaps().size();
        int devices = lab.brick.port(TopologyProvider.class).topology().devices().size();
        assertThat(maps).isEqualTo(2);

        // LUN 0's properties with LUN 1's device_info (crossed inputs, as four parallel detaches once had them)
        assertThatThrownBy(() -> lab.connector.disconnect(twoPortals(0), Optional.of(lun1), DisconnectOptions.SAFE))
                .isInstanceOf(IdentityMismatchException.class);

        assertThat(lab.brick.port(TopologyProvider.class).multipathMaps()).hasSize(maps);
        assertThat(lab.brick.port(TopologyProvider.class).topology().devices()).hasSize(devices);
        assertThat(lab.host.oracle().dataLossEvents()).isEmpty();
        lab.connector.disconnect(twoPortals(0), Optional.of(lun0), DisconnectOptions.SAFE);
        lab.connector.disconnect(twoPortals(1), Optional.of(lun1), DisconnectOptions.SAFE);
        assertThat(lab.host.oracle().leftovers().isEmpty()).as("%s", lab.host.oracle().leftovers()).isTrue();
    }

    @Test
    void a_reused_lun_is_never_returned_nor_flushed_as_the_new_volume() {
        lab = SimulatedIscsi.start(dir, Latencies.realistic());
        AttachedVolume old = lab.connector.connect(twoPortals(1));
        lab.host.clock().sleep(Duration.ofSeconds(3));
        lab.host.write(old.path());
        lab.host.storage().target(IQN).reuseLun(1, REUSED, 128L << 20);
        lab.host.oracle().operatingOn(Wwid.of(REUSED));

        assertThatThrownBy(() -> lab.connector.connect(withWwid(twoPortals(1), REUSED)))
                .isInstanceOf(IdentityMismatchException.class)
                .satisfies(error -> assertThat(((IdentityMismatchException) error).evidence())
                        .containsEntry("expectedWwid", REUSED).containsEntry("foundWwid", LUN1));

        assertThat(lab.host.oracle().wrongDeviceEvents()).isEmpty();
        assertThat(lab.host.oracle().dataLossEvents()).isEmpty();
        assertThat(Files.exists(lab.host.root().resolve("sys/block/dm-0"))).as("the old volume's map is untouched").isTrue();
        assertThat(lab.host.oracle().commandLog()).noneMatch(entry -> entry.argv().contains("-f"));

        lab.connector.disconnect(withWwid(twoPortals(1), REUSED), Optional.empty(), DisconnectOptions.SAFE);
        assertThat(lab.host.oracle().wrongDeviceEvents()).isEmpty();
        assertThat(Files.exists(lab.host.root().resolve("sys/block/dm-0"))).as("still not ours to remove").isTrue();
    }

    @Test
    void a_stale_device_on_one_path_is_rejected_and_the_fresh_path_of_the_new_lun_is_returned() {
        SimulatedHost host = RecordedLab.host(dir, Latencies.realistic());
        lab = SimulatedIscsi.start(host, ConnectorConfig.defaults());
        ConnectionProperties firstPortal = ConnectionProperties.parseJson("""
                {"target_portals": ["127.0.0.1:3260"], "target_iqns": ["%s"], "target_luns": [1]}""".formatted(IQN));
        lab.connector.connect(firstPortal);
        lab.host.clock().sleep(Duration.ofSeconds(2));
        lab.host.storage().target(IQN).reuseLun(1, REUSED, 128L << 20);

        AttachedVolume fresh = lab.connector.connect(twoPortals(1));

        assertThat(fresh.scsiWwn()).contains(Wwid.of(REUSED));
        assertThat(fresh.path()).isNotEqualTo(DevicePath.of("/dev/dm-0"));
        assertThat(lab.events).anyMatch(event -> event.type() == io.brick.core.event.EventType.DEVICE_REJECTED);
        assertThat(lab.host.oracle().wrongDeviceEvents()).isEmpty();
    }

    @Test
    void a_stale_device_at_the_volumes_address_is_never_waited_for_nor_handed_to_multipathd_as_a_path_of_the_map() {
        // the stale path keeps the old WWID: were it counted among the volume's paths, the map would wait for it and
        // multipathd would be told to add another volume's device
        SimulatedHost host = RecordedLab.host(dir, Latencies.realistic());
        lab = SimulatedIscsi.start(host, ConnectorConfig.defaults());
        ConnectionProperties firstPortal = ConnectionProperties.parseJson("""
                {"target_portals": ["127.0.0.1:3260"], "target_iqns": ["%s"], "target_luns": [1]}""".formatted(IQN));
        lab.connector.connect(firstPortal);
        lab.host.clock().sleep(Duration.ofSeconds(2));
        lab.host.storage().target(IQN).reuseLun(1, REUSED, 128L << 20);
        List<String> stale = lab.brick.port(TopologyProvider.class).topology().devices().stream()
                .filter(device -> device.wwid().equals(Optional.of(Wwid.of(LUN1))))
                .map(device -> "/dev/" + device.name()).toList();
        assertThat(stale).isNotEmpty();
        int commands = lab.commandCount();

        AttachedVolume fresh = lab.connector.connect(withWwid(twoPortals(1), REUSED));

        assertThat(fresh.scsiWwn()).contains(Wwid.of(REUSED));
        assertThat(lab.commandsSince(commands)).as("no multipathd add path of the stale device")
                .noneMatch(command -> command.argv().contains("add") && stale.stream().anyMatch(command.argv()::contains));
        assertThat(lab.host.oracle().wrongDeviceEvents()).isEmpty();
    }

    @Test
    void concurrent_connects_and_a_disconnect_on_one_target_never_log_out_a_session_in_use() throws Exception {
        SimulatedHost host = RecordedLab.host(dir, Latencies.realistic());
        host.storage().target(IQN).addLun(2, "360014053b8c2d6339a414f0b8e275d1c", 32L << 20);
        lab = SimulatedIscsi.start(host, ConnectorConfig.defaults());
        ExecutorService threads = Executors.newFixedThreadPool(3);
        try {
            for (int round = 0; round < 3; round++) {
                AttachedVolume lun0 = lab.connector.connect(twoPortals(0));
                CompletableFuture<AttachedVolume> lun1 = CompletableFuture.supplyAsync(
                        () -> lab.connector.connect(twoPortals(1)), threads);
                CompletableFuture<AttachedVolume> lun2 = CompletableFuture.supplyAsync(
                        () -> lab.connector.connect(twoPortals(2)), threads);
                CompletableFuture<Void> detach = CompletableFuture.runAsync(
                        () -> lab.connector.disconnect(twoPortals(0), Optional.of(lun0), DisconnectOptions.SAFE), threads);

                AttachedVolume one = lun1.get(60, TimeUnit.SECONDS);
                AttachedVolume two = lun2.get(60, TimeUnit.SECONDS);
                detach.get(60, TimeUnit.SECONDS);

                for (AttachedVolume attached : List.of(one, two)) {
                    assertThat(Files.exists(lab.host.root().resolve("sys/block/" + attached.path().name())))
                            .as("round %s: %s still attached", round, attached.path()).isTrue();
                }
                assertThat(lab.host.oracle().leftovers(Wwid.of(RecordedLab.LUN0_WWID)).devices()).isEmpty();
                assertThat(sessions()).as("round %s: both sessions up", round).hasSize(2);
                lab.connector.disconnect(twoPortals(1), Optional.of(one), DisconnectOptions.SAFE);
                lab.connector.disconnect(twoPortals(2), Optional.of(two), DisconnectOptions.SAFE);
                assertThat(lab.host.oracle().leftovers().isEmpty()).as("round %s: %s", round,
                        lab.host.oracle().leftovers()).isTrue();
            }
        } finally {
            threads.shutdownNow();
        }
        assertThat(lab.host.oracle().dataLossEvents()).isEmpty();
        assertThat(lab.host.oracle().wrongDeviceEvents()).isEmpty();
    }

    @Test
    void connects_to_different_targets_run_in_parallel() throws Exception {
        SimulatedHost host = RecordedLab.host(dir, Latencies.realistic());
        String second = "iqn.2003-01.org.linux-iscsi.labvm:target2";
        host.storage().target(second).portal("127.0.0.3:3260").lun(1, "360014053b8c2d6449a414f0b8e275d1c", 64L << 20);
        lab = SimulatedIscsi.start(host, ConnectorConfig.defaults());
        ConnectionProperties first = ConnectionProperties.parseJson("""
                {"target_portals": ["127.0.0.1:3260"], "target_iqns": ["%s"], "target_luns": [1]}""".formatted(IQN));
        ConnectionProperties other = ConnectionProperties.parseJson("""
                {"target_portals": ["127.0.0.3:3260"], "target_iqns": ["%s"], "target_luns": [1]}""".formatted(second));

        lab.connector.connect(other);
        lab.connector.disconnect(other, Optional.empty(), DisconnectOptions.SAFE);
        Duration alone = timed(() -> lab.connector.connect(first));
        lab.connector.disconnect(first, Optional.empty(), DisconnectOptions.SAFE);

        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            Duration start = lab.host.clock().elapsed();
            CompletableFuture<AttachedVolume> a = CompletableFuture.supplyAsync(() -> lab.connector.connect(first), threads);
            CompletableFuture<AttachedVolume> b = CompletableFuture.supplyAsync(() -> lab.connector.connect(other), threads);
            a.get(60, TimeUnit.SECONDS);
            b.get(60, TimeUnit.SECONDS);
            Duration together = lab.host.clock().elapsed().minus(start);
            TestReport.write("iscsi-parallel-targets.txt", List.of("one connect alone: " + alone.toMillis()
                    + " ms; two connects to two targets at once: " + together.toMillis() + " ms (simulated)"));
            assertThat(together).as("two targets at once (%s) vs one alone (%s)", together, alone)
                    .isLessThan(alone.multipliedBy(3).dividedBy(2));
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void a_forced_disconnect_that_ignores_errors_warns_about_possible_leftovers() {
        lab = SimulatedIscsi.start(dir, Latencies.realistic());
        AttachedVolume attached = lab.connector.connect(twoPortals(1));
        lab.host.clock().sleep(Duration.ofSeconds(3));
        lab.host.open(attached.path());

        try (CapturedLogs logs = CapturedLogs.of("io.brick")) {
            lab.connector.disconnect(twoPortals(1), Optional.of(attached), new DisconnectOptions(true, true));
            assertThat(logs.messages()).anyMatch(message -> message.contains("leftovers may remain"));
        }
    }

    @Test
    void an_extend_waits_for_the_targets_locks_and_runs_nothing_until_it_has_them() {
        // Another process's disconnect of the same target holds both (portal, IQN) locks past the extend's budget: an
        // extend that took no lock would rescan paths and resize a map that disconnect is removing.
        java.util.concurrent.atomic.AtomicReference<SimulatedIscsi> holder = new java.util.concurrent.atomic.AtomicReference<>();
        java.util.concurrent.atomic.AtomicBoolean held = new java.util.concurrent.atomic.AtomicBoolean();
        List<String> asked = new java.util.concurrent.CopyOnWriteArrayList<>();
        io.brick.core.lock.ProcessLocks otherProcess = (key, deadline) -> {
            asked.add(key);
            if (held.get()) {
                holder.get().host.clock().sleep(deadline.remaining());
                throw deadline.timeout("file lock " + key, java.util.Map.of("key", key));
            }
            return () -> { };
        };
        lab = SimulatedIscsi.start(dir, Latencies.realistic(), otherProcess);
        holder.set(lab);
        lab.connector.connect(twoPortals(1));
        lab.host.clock().sleep(Duration.ofSeconds(3));
        lab.host.storage().targets().get(0).resizeLun(1, 256L << 20);
        String first = IscsiHost.lockKey(io.brick.iscsi.Portal.parse("127.0.0.1:3260"),
                io.brick.iscsi.Iqn.of(IQN));
        String second = IscsiHost.lockKey(io.brick.iscsi.Portal.parse("127.0.0.2:3260"),
                io.brick.iscsi.Iqn.of(IQN));
        held.set(true);
        asked.clear();
        int commands = lab.commandCount();
        int writes = lab.host.oracle().sysfsWrites().size();

        assertThatThrownBy(() -> lab.connector.extend(twoPortals(1)))
                .isInstanceOf(io.brick.core.error.OperationTimeoutException.class);

        assertThat(asked).as("the first of the target's locks, as a disconnect takes them").containsExactly(first);
        assertThat(lab.commandsSince(commands)).as("no multipathd resize without the lock").isEmpty();
        assertThat(lab.host.oracle().sysfsWrites().subList(writes, lab.host.oracle().sysfsWrites().size()))
                .as("no rescan without the lock").isEmpty();

        held.set(false);
        asked.clear();
        assertThat(lab.connector.extend(twoPortals(1))).isEqualTo(256L << 20);
        assertThat(asked).containsExactly(first, second);
    }

    private Duration timed(Runnable action) {
        Duration start = lab.host.clock().elapsed();
        action.run();
        return lab.host.clock().elapsed().minus(start);
    }

    private List<String> sessions() throws java.io.IOException {
        Path dirOfSessions = lab.host.root().resolve("sys/class/iscsi_session");
        List<String> names = new ArrayList<>();
        if (Files.isDirectory(dirOfSessions)) {
            try (var stream = Files.list(dirOfSessions)) {
                stream.forEach(path -> names.add(path.getFileName().toString()));
            }
        }
        return names;
    }
}
