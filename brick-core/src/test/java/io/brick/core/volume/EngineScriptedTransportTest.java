package io.brick.core.volume;

import io.brick.core.connector.Connector;
import io.brick.core.connector.ConnectorConfig;
import io.brick.core.connector.DisconnectOptions;
import io.brick.core.connector.DisconnectPlan;
import io.brick.core.engine.OperationEngines;
import io.brick.core.error.BrickException;
import io.brick.core.error.DeviceNotFoundException;
import io.brick.core.error.HostStateException;
import io.brick.core.error.IdentityMismatchException;
import io.brick.core.error.OperationTimeoutException;
import io.brick.core.event.BrickEvent;
import io.brick.core.event.EventPublisher;
import io.brick.core.event.EventType;
import io.brick.core.lock.DefaultLockManager;
import io.brick.core.lock.LockManager;
import io.brick.core.lock.ProcessLocks;
import io.brick.core.model.AttachedVolume;
import io.brick.core.model.BlockDevice;
import io.brick.core.model.ConnectionProperties;
import io.brick.core.model.DevicePath;
import io.brick.core.model.Protocol;
import io.brick.core.model.Wwid;
import io.brick.core.port.HostConfiguration;
import io.brick.core.time.Deadline;
import io.brick.core.time.ManualClock;
import io.brick.core.time.Sleeper;
import io.brick.core.transport.AttachRequest;
import io.brick.core.transport.Attachment;
import io.brick.core.transport.Candidate;
import io.brick.core.transport.Located;
import io.brick.core.transport.Progress;
import io.brick.core.transport.Transport;
import io.brick.core.transport.TransportVolume;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static io.brick.core.volume.FakeHost.STALE;
import static io.brick.core.volume.FakeHost.VOLUME;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The operation engine's own decisions, with a scripted SCSI-like transport over brick-core's fake host: when a
 * connect may judge what it found, what it tells a transport that goes target by target, the WWID a single path gets
 * late, the map's name, every path's joining the map, the path a by-path link names on disconnect, and the second
 * pass over a path that appeared during a disconnect. The transports' own tests run the same engine end to end; these
 * pin each decision alone, where no transport's timing can hide it.
 */
class EngineScriptedTransportTest {
    private final ManualClock clock = new ManualClock();
    private final FakeHost host = new FakeHost(clock);
    private final List<BrickEvent> events = new ArrayList<>();
    /** Run before each of the engine's sleeps, with the simulated time slept so far. */
    private Runnable beforeSleep = () -> { };
    private final Sleeper sleeper = duration -> {
        beforeSleep.run();
        clock.sleep(duration);
    };

    /** The scripted volume: one LUN, the caller's WWID if given. */
    record Volume(Optional<Wwid> expectedWwid, boolean enforceMultipath) implements TransportVolume {
        @Override
        public String description() {
            return "scripted lun 1";
        }
    }

    /** What the attachment reports at each of the engine's asks. */
    private final class Script implements Attachment {
        /** The kernel names at the volume's addresses, looked up on the host at each ask. */
        final Set<String> addresses = new LinkedHashSet<>();
        /** Names that appeared during this connect. */
        final Set<String> fresh = new LinkedHashSet<>();
        /** Run at each ask, with its number (from 1): the "kernel" changes the host here. */
        java.util.function.IntConsumer onAsk = ask -> { };
        boolean settled = true;
        boolean done = true;
        boolean locksPerPath;
        final List<List<String>> notAccepted = new ArrayList<>();
        final Map<String, BlockDevice> linkedDevices = new HashMap<>();
        int asks;
        int settles;
        int stops;

        @Override
        public Progress progress() {
            onAsk.accept(++asks);
            List<Candidate> candidates = new ArrayList<>();
            for (String name : addresses) {
                host.topology().device(name).ifPresent(device -> candidates.add(new Candidate(device,
                        fresh.contains(name), Map.of("target", "t1"))));
            }
            return new Progress(candidates, settled, done, Optional.empty());
        }

        @Override
        public void notAccepted(List<BlockDevice> devices) {
            notAccepted.add(devices.stream().map(BlockDevice::name).toList());
        }

        @Override
        public boolean locksPerPath() {
            return locksPerPath;
        }

        @Override
        public void settle(Deadline wait) {
            settles++;
        }

        @Override
        public void stop() {
            stops++;
        }

        @Override
        public BrickException notFound() {
            return new DeviceNotFoundException("no device of the scripted volume", Map.of());
        }

        @Override
        public List<String> lockKeys() {
            return List.of("scripted-t1");
        }

        @Override
        public List<BlockDevice> devices() {
            return addresses.stream().map(name -> host.topology().device(name)).flatMap(Optional::stream).toList();
        }

        @Override
        public TransportCleanup cleanup(VolumeDevices devices) {
            return host.new Cleanup();
        }

        @Override
        public Optional<BlockDevice> deviceOf(DevicePath link) {
            return Optional.ofNullable(linkedDevices.get(link.path()));
        }
    }

    private final Script script = new Script();
    private Transport.MapNaming mapNaming = Transport.MapNaming.KERNEL_NAME;

    private boolean closed;

    /** The scripted transport (closeable, as a transport with worker threads is). */
    private final class ScriptedTransport implements Transport<Volume>, AutoCloseable {
        @Override
        public void close() {
            closed = true;
        }

        @Override
        public Set<Protocol> protocols() {
            return Set.of(Protocol.of("SCRIPTED"));
        }

        @Override
        public Volume parse(ConnectionProperties properties) {
            return new Volume(properties.scsiWwn(), properties.bool("enforce_multipath").orElse(false));
        }

        @Override
        public Attachment attach(Volume volume, AttachRequest request) {
            return script;
        }

        @Override
        public Located locate(Volume volume, Optional<Wwid> wwid) {
            return script;
        }

        @Override
        public List<DevicePath> volumePaths(Volume volume) {
            return List.of(DevicePath.of("/dev/disk/by-path/scripted-lun-1"));
        }

        @Override
        public Map<String, Object> connectorProperties() {
            return Map.of();
        }

        @Override
        public MapNaming mapNaming() {
            return mapNaming;
        }
    }

    private final Transport<Volume> transport = new ScriptedTransport();

    private Connector connector() {
        EventPublisher publisher = new EventPublisher(events::add, clock);
        HostConfiguration configuration = new HostConfiguration() {
            @Override
            public Optional<String> etcFile(String path) {
                return Optional.empty();
            }

            @Override
            public Optional<String> hostName() {
                return Optional.empty();
            }
        };
        DisconnectPipeline pipeline = new DisconnectPipeline(host.topology(), host.flusher(),
                Optional.of(host.multipath()), publisher, Set.of());
        MultipathAssembly assembly = new MultipathAssembly(host.topology(), Optional.of(host.multipath()), sleeper,
                publisher);
        OperationEngines engines = new OperationEngines(host.topology(), host.flusher(), Optional.of(host.multipath()),
                pipeline, assembly, recordingLocks(new DefaultLockManager(ProcessLocks.none(), clock, clock)), publisher, clock,
                sleeper, configuration);
        return engines.connector(transport, ConnectorConfig.defaults());
    }

    /** Locks whose taking and letting go land in the host's call list, between the steps they guard. */
    private LockManager recordingLocks(LockManager locks) {
        return (key, deadline) -> {
            LockManager.Held held = locks.acquire(key, deadline);
            host.record("lock " + key, deadline);
            return new LockManager.Held() {
                @Override
                public String key() {
                    return key;
                }

                @Override
                public void close() {
                    host.record("unlock " + key, null);
                    held.close();
                }
            };
        };
    }

    /** sda, the volume's one path, appeared during the connect; in its map {@code dm-0} already when {@code mapped}. */
    private void freshPath(boolean mapped) {
        host.addDevice("sda", "2:0:0:1", Optional.of(VOLUME));
        if (mapped) {
            host.addMap("dm-0", VOLUME, "sda");
        }
        script.addresses.add("sda");
        script.fresh.add("sda");
    }

    private static ConnectionProperties properties(Optional<Wwid> wwid) {
        return ConnectionProperties.parseJson(wwid.map(id -> "{\"scsi_wwn\": \"" + id.value() + "\"}").orElse("{}"));
    }

    private static ConnectionProperties properties() {
        return properties(Optional.empty());
    }

    private static final ConnectionProperties ENFORCED = ConnectionProperties.parseJson(
            "{\"enforce_multipath\": true}");

    private List<EventType> types() {
        return events.stream().map(BrickEvent::type).toList();
    }

    // ------------------------------------------------------------------------------------------- judging

    @Test
    void a_device_there_before_is_not_judged_alone_while_the_attachment_is_unsettled() {
        // a stale device of a reused LUN sits at the address; the volume's own device comes a moment later
        host.addDevice("sda", "2:0:0:1", Optional.of(STALE));
        script.addresses.addAll(List.of("sda", "sdb"));
        script.settled = false;
        script.done = false;
        script.onAsk = ask -> {
            if (ask == 2) {
                host.addDevice("sdb", "3:0:0:1", Optional.of(VOLUME));
                script.fresh.add("sdb");
                script.settled = true;
                script.done = true;
            }
        };
        host.multipathdRunning = false;

        AttachedVolume attached = connector().connect(properties());

        assertThat(attached.path()).isEqualTo(DevicePath.of("/dev/sdb"));
        assertThat(attached.scsiWwn()).contains(VOLUME);
        assertThat(events).filteredOn(event -> event.type() == EventType.DEVICE_REJECTED)
                .extracting(BrickEvent::subject).containsExactly("sda");
    }

    @Test
    void a_new_device_without_a_wwid_is_waited_for_until_it_has_one_so_the_map_is_returned() {
        host.addDevice("sda", "2:0:0:1", Optional.empty());
        script.addresses.add("sda");
        script.fresh.add("sda");
        script.done = false;
        script.onAsk = ask -> {
            if (ask == 3) {
                host.addDevice("sda", "2:0:0:1", Optional.of(VOLUME));
                host.addMap("dm-0", VOLUME, "sda");
                script.done = true;
            }
        };

        AttachedVolume attached = connector().connect(properties());

        assertThat(attached.path()).isEqualTo(DevicePath.of("/dev/dm-0"));
        assertThat(attached.multipathId()).contains(VOLUME);
    }

    @Test
    void a_settled_target_showing_only_another_volumes_device_is_told_so_and_the_next_one_is_tried() {
        host.addDevice("sda", "2:0:0:1", Optional.of(STALE));
        script.addresses.add("sda");
        script.fresh.add("sda");
        script.done = false;
        script.onAsk = ask -> {
            if (!script.notAccepted.isEmpty() && !script.addresses.contains("sdc")) {
                // the transport cleaned up the first target and went on to the next
                host.removeDevice("sda");
                script.addresses.clear();
                host.addDevice("sdc", "4:0:0:1", Optional.of(VOLUME));
                script.addresses.add("sdc");
                script.fresh.add("sdc");
                script.done = true;
            }
        };
        host.multipathdRunning = false;

        AttachedVolume attached = connector().connect(properties(Optional.of(VOLUME)));

        assertThat(script.notAccepted).containsExactly(List.of("sda"));
        assertThat(attached.path()).isEqualTo(DevicePath.of("/dev/sdc"));
    }

    @Test
    void an_accepted_device_is_never_reported_as_not_accepted() {
        freshPath(false);
        host.multipathdRunning = false;

        connector().connect(properties(Optional.of(VOLUME)));

        assertThat(script.notAccepted).isEmpty();
    }

    @Test
    void devices_that_never_get_the_expected_wwid_end_in_not_found_naming_them() {
        host.addDevice("sda", "2:0:0:1", Optional.empty());
        host.addDevice("sdb", "3:0:0:1", Optional.empty());
        script.addresses.addAll(List.of("sda", "sdb"));
        script.fresh.addAll(List.of("sda", "sdb"));

        assertThatThrownBy(() -> connector().connect(properties(Optional.of(VOLUME))))
                .isInstanceOfSatisfying(DeviceNotFoundException.class, failure -> {
                    assertThat(failure.getMessage()).contains("have no WWID");
                    assertThat(failure.evidence()).containsEntry("devices", "sda,sdb");
                });
        assertThat(script.notAccepted).containsExactly(List.of("sda", "sdb"));
    }

    // ------------------------------------------------------------------------------------ a late WWID

    @Test
    void a_single_path_without_a_wwid_is_returned_with_the_wwid_it_gets_within_the_wait() {
        host.addDevice("sda", "2:0:0:1", Optional.empty());
        script.addresses.add("sda");
        script.fresh.add("sda");
        beforeSleep = () -> {
            if (clock.slept().compareTo(Duration.ofSeconds(3)) >= 0 && host.topology().wwid("sda").isEmpty()) {
                host.addDevice("sda", "2:0:0:1", Optional.of(VOLUME));
            }
        };
        host.multipathdRunning = false;

        AttachedVolume attached = connector().connect(properties());

        assertThat(attached.path()).isEqualTo(DevicePath.of("/dev/sda"));
        assertThat(attached.scsiWwn()).contains(VOLUME);
        assertThat(clock.slept()).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void a_single_path_that_never_gets_a_wwid_is_returned_without_one_after_the_wait() {
        host.addDevice("sda", "2:0:0:1", Optional.empty());
        script.addresses.add("sda");
        script.fresh.add("sda");
        host.multipathdRunning = false;

        AttachedVolume attached = connector().connect(properties());

        assertThat(attached.path()).isEqualTo(DevicePath.of("/dev/sda"));
        assertThat(attached.scsiWwn()).isEmpty();
        assertThat(clock.slept()).isGreaterThanOrEqualTo(Duration.ofSeconds(10))
                .isLessThan(Duration.ofSeconds(12));
    }

    // ----------------------------------------------------------------------------------------- the map

    @Test
    void the_map_is_named_as_the_transport_names_it() {
        for (Transport.MapNaming naming : Transport.MapNaming.values()) {
            EngineScriptedTransportTest test = new EngineScriptedTransportTest();
            test.mapNaming = naming;
            test.host.addDevice("sda", "2:0:0:1", Optional.of(VOLUME));
            test.host.addMap("dm-3", VOLUME, "sda");
            test.script.addresses.add("sda");
            test.script.fresh.add("sda");

            AttachedVolume attached = test.connector().connect(properties());

            assertThat(attached.path()).as("%s", naming).isEqualTo(DevicePath.of(
                    naming == Transport.MapNaming.KERNEL_NAME ? "/dev/dm-3"
                            : "/dev/disk/by-id/dm-uuid-mpath-" + VOLUME.value()));
        }
    }

    @Test
    void a_path_that_appears_after_the_map_formed_is_handed_to_multipathd_when_it_does_not_join() {
        host.addDevice("sda", "2:0:0:1", Optional.of(VOLUME));
        host.addMap("dm-0", VOLUME, "sda");
        script.addresses.addAll(List.of("sda", "sdb"));
        script.fresh.addAll(List.of("sda", "sdb"));
        // the second portal's device shows once the map has formed over the first
        script.onAsk = ask -> {
            if (ask == 2) {
                host.addDevice("sdb", "3:0:0:1", Optional.of(VOLUME));
            }
        };

        AttachedVolume attached = connector().connect(properties());

        assertThat(attached.path()).isEqualTo(DevicePath.of("/dev/dm-0"));
        assertThat(host.calls()).contains("addPath /dev/sdb").doesNotContain("addPath /dev/sda");
    }

    // ------------------------------------------------------------------------------------- disconnect

    @Test
    void a_disconnect_given_a_by_path_link_flushes_the_one_path_it_names() {
        host.addDevice("sda", "2:0:0:1", Optional.of(VOLUME));
        host.addDevice("sdb", "3:0:0:1", Optional.of(VOLUME));
        script.addresses.addAll(List.of("sda", "sdb"));
        String link = "/dev/disk/by-path/ip-10.0.0.2:3260-iscsi-iqn.2003-01.org.example:t1-lun-1";
        script.linkedDevices.put(link, host.topology().device("sdb").orElseThrow());

        connector().disconnect(properties(), Optional.of(new AttachedVolume(DevicePath.of(link), Optional.of(VOLUME),
                Optional.empty())), new DisconnectOptions(false, false));

        assertThat(host.calls()).filteredOn(call -> call.startsWith("flushBuffers"))
                .containsExactly("flushBuffers sdb");
        assertThat(host.has("sda")).isFalse();
        assertThat(host.has("sdb")).isFalse();
    }

    @Test
    void a_path_of_the_volume_that_appears_during_the_disconnect_is_removed_by_a_second_pass() {
        host.addDevice("sda", "2:0:0:1", Optional.of(VOLUME));
        script.addresses.addAll(List.of("sda", "sdc"));
        boolean[] once = {false};
        host.afterRemoval = () -> {
            if (!once[0]) {
                once[0] = true;
                // the kernel scanned a port that came back while the disconnect ran
                host.addDevice("sdc", "4:0:0:1", Optional.of(VOLUME));
            }
        };

        connector().disconnect(properties(Optional.empty()), Optional.empty(), new DisconnectOptions(false, false));

        assertThat(host.has("sda")).isFalse();
        assertThat(host.has("sdc")).as("the late path is the volume's: removed").isFalse();
    }

    @Test
    void a_device_of_another_wwid_that_appears_during_the_disconnect_is_kept() {
        host.addDevice("sda", "2:0:0:1", Optional.of(VOLUME));
        script.addresses.addAll(List.of("sda", "sdc"));
        host.afterRemoval = () -> {
            if (!host.has("sdc")) {
                // the address was reused by another volume at once
                host.addDevice("sdc", "4:0:0:1", Optional.of(STALE));
            }
        };

        connector().disconnect(properties(Optional.empty()), Optional.empty(), new DisconnectOptions(false, false));

        assertThat(host.has("sda")).isFalse();
        assertThat(host.has("sdc")).as("another volume's device").isTrue();
    }

    // -------------------------------------------------------------------------------- a failed connect

    @Test
    void a_failed_connect_stops_the_attachment_and_removes_only_what_appeared_during_it() {
        // the volume's path through the first target was attached before (another connect of it is in use)
        host.addDevice("sda", "2:0:0:1", Optional.of(VOLUME));
        script.addresses.addAll(List.of("sda", "sdb"));
        script.onAsk = ask -> {
            if (ask == 1) {
                host.addDevice("sdb", "3:0:0:1", Optional.of(VOLUME));
                script.fresh.add("sdb");
            }
        };
        // multipathd never makes the map, and multipath is enforced

        assertThatThrownBy(() -> connector().connect(ENFORCED)).isInstanceOf(HostStateException.class)
                .hasMessageContaining("formed no map");

        assertThat(script.stops).isEqualTo(1);
        assertThat(host.has("sdb")).as("made by the failed connect: removed").isFalse();
        assertThat(host.has("sda")).as("there before: another attachment's, kept").isTrue();
        assertThat(host.calls()).contains("cleanup.run").noneMatch(call -> call.startsWith("flushBuffers sda")
                || call.startsWith("removeDevices sda"));
        assertThat(types()).contains(EventType.OPERATION_STARTED, EventType.OPERATION_FAILED)
                .doesNotContain(EventType.OPERATION_FINISHED);
    }

    @Test
    void an_attachment_that_never_reports_a_device_fails_at_the_connects_budget() {
        script.addresses.add("sda");
        script.settled = false;
        script.done = false;

        assertThatThrownBy(() -> connector().connect(properties())).isInstanceOf(OperationTimeoutException.class);

        assertThat(clock.slept()).isGreaterThanOrEqualTo(ConnectorConfig.defaults().connectTimeout())
                .isLessThan(ConnectorConfig.defaults().connectTimeout().plusSeconds(10));
        assertThat(script.stops).isEqualTo(1);
    }

    @Test
    void a_fresh_device_is_the_volumes_at_once_even_while_the_attachment_is_unsettled() {
        freshPath(false);
        script.settled = false;
        host.multipathdRunning = false;

        AttachedVolume attached = connector().connect(properties());

        assertThat(attached.path()).isEqualTo(DevicePath.of("/dev/sda"));
        assertThat(script.asks).isEqualTo(1);
    }

    @Test
    void two_new_devices_of_different_wwids_are_a_mismatch_naming_both() {
        script.addresses.addAll(List.of("sda", "sdb"));
        script.onAsk = ask -> {
            if (ask == 1) {
                host.addDevice("sda", "2:0:0:1", Optional.of(VOLUME));
                host.addDevice("sdb", "3:0:0:1", Optional.of(STALE));
                script.fresh.addAll(List.of("sda", "sdb"));
            }
        };

        assertThatThrownBy(() -> connector().connect(properties()))
                .isInstanceOfSatisfying(IdentityMismatchException.class, failure -> assertThat(failure.evidence())
                        .containsEntry("device", "sda").containsEntry("hctl", "2:0:0:1")
                        .containsEntry("foundWwid", VOLUME.value()));
        assertThat(host.has("sda")).isTrue();
        assertThat(host.has("sdb")).as("neither can be trusted: none is removed as the volume's").isTrue();
    }

    @Test
    void only_a_device_of_another_wwid_ends_in_a_mismatch_naming_it_and_the_expected_wwid() {
        script.addresses.add("sda");
        script.onAsk = ask -> {
            if (ask == 1) {
                host.addDevice("sda", "2:0:0:1", Optional.of(STALE));
                script.fresh.add("sda");
            }
        };

        assertThatThrownBy(() -> connector().connect(properties(Optional.of(VOLUME))))
                .isInstanceOfSatisfying(IdentityMismatchException.class, failure -> assertThat(failure.evidence())
                        .containsEntry("expectedWwid", VOLUME.value()).containsEntry("foundWwid", STALE.value())
                        .containsEntry("device", "sda"));
        assertThat(events).filteredOn(event -> event.type() == EventType.DEVICE_REJECTED).singleElement()
                .satisfies(event -> assertThat(event.details()).containsEntry("hctl", "2:0:0:1")
                        .containsEntry("wwid", STALE.value()));
        assertThat(host.has("sda")).as("another volume's device is never removed as this one's").isTrue();
    }

    @Test
    void a_device_rejected_at_several_asks_is_reported_once() {
        host.addDevice("sda", "2:0:0:1", Optional.of(STALE));
        script.addresses.add("sda");
        script.fresh.add("sda");
        script.done = false;
        script.onAsk = ask -> {
            if (script.notAccepted.size() == 3) {
                host.removeDevice("sda");
                host.addDevice("sdc", "4:0:0:1", Optional.of(VOLUME));
                script.addresses.add("sdc");
                script.fresh.add("sdc");
                script.done = true;
            }
        };
        host.multipathdRunning = false;

        connector().connect(properties(Optional.of(VOLUME)));

        assertThat(events).filteredOn(event -> event.type() == EventType.DEVICE_REJECTED)
                .extracting(BrickEvent::subject).containsExactly("sda");
    }

    // --------------------------------------------------------------------------- multipathd's answers

    @Test
    void without_multipathd_a_connect_returns_one_path_with_a_warning_or_fails_when_multipath_is_enforced() {
        host.multipathdRunning = false;
        freshPath(false);

        assertThatThrownBy(() -> connector().connect(ENFORCED)).isInstanceOf(HostStateException.class)
                .hasMessageContaining("multipathd is not running");
        assertThat(script.asks).as("nothing attached").isZero();

        AttachedVolume attached = connector().connect(properties());
        assertThat(attached.path()).isEqualTo(DevicePath.of("/dev/sda"));
        assertThat(attached.multipathId()).isEmpty();
        assertThat(host.calls()).noneMatch(call -> call.startsWith("addPath") || call.startsWith("addWwid"));
        assertThat(types()).containsSubsequence(EventType.OPERATION_STARTED, EventType.OPERATION_FINISHED);
    }

    /**
     * The lane's four connects at once under load: {@code multipathd show status} timed out, the connect took
     * multipathd for absent and returned a single path of a volume multipathd then made a map of. No answer is not
     * "not running": the connect waits for the map as with a running multipathd.
     */
    @Test
    void a_multipathd_that_does_not_answer_in_time_is_waited_for_and_its_map_returned() {
        host.multipathdSilent = true;
        freshPath(true);

        AttachedVolume attached = connector().connect(properties());

        assertThat(attached.path()).isEqualTo(DevicePath.of("/dev/dm-0"));
        assertThat(attached.multipathId()).contains(VOLUME);
        assertThat(events).noneSatisfy(event -> assertThat(event.details().toString()).contains("multipathd is not running"));
    }

    @Test
    void a_multipathd_that_does_not_answer_and_makes_no_map_gives_the_single_path_after_the_map_wait() {
        host.multipathdSilent = true;
        freshPath(false);

        AttachedVolume attached = connector().connect(properties());

        assertThat(attached.path()).isEqualTo(DevicePath.of("/dev/sda"));
        assertThat(attached.multipathId()).isEmpty();
        assertThat(host.calls()).as("the map was waited for, with the nudge").contains("addPath /dev/sda");
        assertThat(events).anySatisfy(event -> assertThat(event.details().toString()).contains("no multipath map"));
    }

    @Test
    void a_map_that_never_forms_gives_the_single_path_with_a_warning() {
        freshPath(false);

        AttachedVolume attached = connector().connect(properties());

        assertThat(attached.path()).isEqualTo(DevicePath.of("/dev/sda"));
        assertThat(attached.scsiWwn()).contains(VOLUME);
        assertThat(attached.multipathId()).isEmpty();
        assertThat(host.calls()).contains("addPath /dev/sda");
        assertThat(events).anySatisfy(event -> assertThat(event.details().toString()).contains("no multipath map"));
        assertThat(script.settles).isZero();
    }

    @Test
    void a_map_formed_for_a_wwid_the_wwids_file_did_not_list_is_recorded_as_brick_added_it() {
        for (boolean listed : new boolean[] {false, true}) {
            EngineScriptedTransportTest test = new EngineScriptedTransportTest();
            test.host.wwidsFile = listed ? new HashSet<>(Set.of(VOLUME)) : new HashSet<>();
            test.host.addDevice("sda", "2:0:0:1", Optional.of(VOLUME));
            test.host.addMap("dm-0", VOLUME, "sda");
            test.script.addresses.add("sda");
            test.script.fresh.add("sda");

            test.connector().connect(properties());

            assertThat(test.host.calls().contains("wwidAdded " + VOLUME)).as("listed before: %s", listed)
                    .isEqualTo(!listed);
            assertThat(test.script.settles).as("the attachment settles once the map exists").isEqualTo(1);
        }
    }

    /**
     * The lane's {@code wwids_file} (find_multipaths no): multipathd made the map, and listed its WWID, as the device
     * appeared, before the connect had even read the device's WWID. The file is read before anything is attached, so
     * the connect still knows it added the WWID (read afterwards, the WWID looked listed by someone else, was never
     * recorded, and stayed in the file after the volume was gone).
     */
    @Test
    void a_wwid_multipathd_listed_before_the_connect_saw_the_device_is_still_the_connects() {
        host.wwidsFile = new HashSet<>();
        script.addresses.add("sda");
        script.fresh.add("sda");
        script.onAsk = ask -> {
            if (ask == 1) {
                host.addDevice("sda", "2:0:0:1", Optional.of(VOLUME));
                host.addMap("dm-0", VOLUME, "sda");
                host.wwidsFile.add(VOLUME);
            }
        };

        connector().connect(properties());

        assertThat(host.calls()).contains("wwidAdded " + VOLUME);
    }

    @Test
    void an_unreadable_wwids_file_records_no_wwid_as_the_connects() {
        host.wwidsFile = null;
        freshPath(true);

        connector().connect(properties());

        assertThat(host.calls()).noneMatch(call -> call.startsWith("wwidAdded"));
    }

    @Test
    void connector_properties_say_multipath_only_when_multipathd_runs() {
        assertThat(connector().connectorProperties()).containsEntry("multipath", true);
        host.multipathdRunning = false;
        assertThat(connector().connectorProperties()).containsEntry("multipath", false);
    }

    // ------------------------------------------------------------------------- the other operations

    @Test
    void a_disconnect_given_the_connects_wwid_keeps_another_volumes_device_at_a_reused_address() {
        host.addDevice("sda", "2:0:0:1", Optional.of(STALE));
        script.addresses.add("sda");

        connector().disconnect(properties(), Optional.of(new AttachedVolume(DevicePath.of("/dev/sda"),
                Optional.of(VOLUME), Optional.empty())), new DisconnectOptions(false, false));

        assertThat(host.has("sda")).isTrue();
        assertThat(host.calls()).noneMatch(call -> call.startsWith("flushBuffers") || call.startsWith("removeDevices"));
        assertThat(types()).containsSubsequence(EventType.OPERATION_STARTED, EventType.OPERATION_FINISHED);
    }

    @Test
    void a_failed_disconnect_is_an_operation_failed_event() {
        host.addDevice("sda", "2:0:0:1", Optional.of(VOLUME));
        script.addresses.add("sda");
        host.flushBuffersFailure = FakeHost.flushFailure("sda");

        assertThatThrownBy(() -> connector().disconnect(properties(), Optional.of(new AttachedVolume(
                DevicePath.of("/dev/sda"), Optional.of(VOLUME), Optional.empty())), new DisconnectOptions(false, false)))
                .isInstanceOf(BrickException.class);

        assertThat(host.has("sda")).as("a failed flush without force removes nothing").isTrue();
        assertThat(types()).contains(EventType.OPERATION_FAILED).doesNotContain(EventType.OPERATION_FINISHED);
    }

    @Test
    void the_plan_of_a_disconnect_names_the_flush_the_removal_and_the_transports_step_and_runs_nothing() {
        host.addDevice("sda", "2:0:0:1", Optional.of(VOLUME));
        script.addresses.add("sda");

        DisconnectPlan plan = connector().planDisconnect(properties(), Optional.of(new AttachedVolume(
                DevicePath.of("/dev/sda"), Optional.of(VOLUME), Optional.empty())));

        assertThat(plan.toString()).contains("sda").contains("logout");
        assertThat(host.calls()).containsExactly("cleanup.plan");
        assertThat(host.has("sda")).isTrue();
    }

    @Test
    void extend_returns_the_size_the_paths_show_after_their_rescan() {
        host.addDevice("sda", "2:0:0:1", Optional.of(VOLUME));
        script.addresses.add("sda");
        host.storageSize = 2L << 30;

        assertThat(connector().extend(properties(Optional.of(VOLUME)))).isEqualTo(2L << 30);
    }

    @Test
    void the_transports_protocols_and_paths_are_the_connectors() {
        Connector connector = connector();

        assertThat(connector.protocols()).containsExactly(Protocol.of("SCRIPTED"));
        assertThat(connector.volumePaths(properties())).containsExactly(
                DevicePath.of("/dev/disk/by-path/scripted-lun-1"));
    }

    // ------------------------------------------------------------------------------------ more edges

    @Test
    void a_failed_connect_cleans_up_under_the_targets_locks_taken_once() {
        for (boolean perPath : new boolean[] {false, true}) {
            EngineScriptedTransportTest test = new EngineScriptedTransportTest();
            test.script.locksPerPath = perPath;
            test.script.addresses.add("sdb");
            test.script.onAsk = ask -> {
                if (ask == 1) {
                    test.host.addDevice("sdb", "3:0:0:1", Optional.of(VOLUME));
                    test.script.fresh.add("sdb");
                }
            };

            assertThatThrownBy(() -> test.connector().connect(ENFORCED)).isInstanceOf(HostStateException.class);

            List<String> calls = test.host.calls();
            assertThat(calls).as("locks per path: %s", perPath).filteredOn("lock scripted-t1"::equals).hasSize(1);
            assertThat(calls.indexOf("lock scripted-t1")).as("locks per path: %s", perPath)
                    .isLessThan(calls.indexOf("cleanup.run"));
            assertThat(calls.indexOf("unlock scripted-t1")).as("locks per path: %s", perPath)
                    .isGreaterThan(calls.indexOf("cleanup.run"));
            assertThat(test.host.has("sdb")).isFalse();
        }
    }

    @Test
    void a_failed_connect_without_the_callers_wwid_cleans_up_by_the_wwid_it_established() {
        // a stale device of another volume sits at one of the addresses; the connect's own device is the volume's
        host.addDevice("sdz", "5:0:0:1", Optional.of(STALE));
        script.addresses.addAll(List.of("sdz", "sdb"));
        script.onAsk = ask -> {
            if (ask == 1) {
                host.addDevice("sdb", "3:0:0:1", Optional.of(VOLUME));
                script.fresh.add("sdb");
            }
        };

        assertThatThrownBy(() -> connector().connect(ENFORCED)).isInstanceOf(HostStateException.class);

        assertThat(host.has("sdb")).as("made by the failed connect: removed").isFalse();
        assertThat(host.has("sdz")).as("another volume's").isTrue();
    }

    @Test
    void a_device_of_another_wwid_at_the_addresses_is_never_handed_to_multipathd_as_the_volumes_path() {
        host.addDevice("sdz", "5:0:0:1", Optional.of(STALE));
        host.addDevice("sda", "2:0:0:1", Optional.of(VOLUME));
        host.addMap("dm-0", VOLUME, "sda");
        script.addresses.addAll(List.of("sdz", "sda"));
        script.fresh.add("sda");

        AttachedVolume attached = connector().connect(properties());

        assertThat(attached.path()).isEqualTo(DevicePath.of("/dev/dm-0"));
        assertThat(host.calls()).noneMatch(call -> call.startsWith("addPath"));
    }

    @Test
    void a_map_whose_by_id_link_udev_has_not_made_yet_is_returned_by_its_mapper_name() {
        mapNaming = Transport.MapNaming.WWID_LINK;
        host.mapLinks = false;
        host.addDevice("sda", "2:0:0:1", Optional.of(VOLUME));
        host.addMap("dm-3", VOLUME, "sda");
        script.addresses.add("sda");
        script.fresh.add("sda");

        AttachedVolume attached = connector().connect(properties());

        assertThat(attached.path()).isEqualTo(DevicePath.of("/dev/mapper/" + VOLUME.value()));
    }

    @Test
    void a_by_path_link_the_transport_cannot_name_is_resolved_by_the_host_else_flushes_every_path() {
        String link = "/dev/disk/by-path/ip-10.0.0.2:3260-iscsi-iqn.2003-01.org.example:t1-lun-1";
        for (boolean resolved : new boolean[] {true, false}) {
            EngineScriptedTransportTest test = new EngineScriptedTransportTest();
            test.host.addDevice("sda", "2:0:0:1", Optional.of(VOLUME));
            test.host.addDevice("sdb", "3:0:0:1", Optional.of(VOLUME));
            test.script.addresses.addAll(List.of("sda", "sdb"));
            test.host.resolvesLinks = true;
            if (resolved) {
                test.host.byPathLinks.put(link, "sdb");
            }

            test.connector().disconnect(properties(), Optional.of(new AttachedVolume(DevicePath.of(link),
                    Optional.of(VOLUME), Optional.empty())), new DisconnectOptions(false, false));

            assertThat(test.host.calls()).as("the link resolved: %s", resolved)
                    .filteredOn(call -> call.startsWith("flushBuffers"))
                    .containsExactlyElementsOf(resolved ? List.of("flushBuffers sdb")
                            : List.of("flushBuffers sda", "flushBuffers sdb"));
        }
    }

    @Test
    void the_plan_given_the_connects_wwid_keeps_another_volumes_device_at_a_reused_address() {
        host.addDevice("sda", "2:0:0:1", Optional.of(STALE));
        script.addresses.add("sda");

        DisconnectPlan plan = connector().planDisconnect(properties(), Optional.of(new AttachedVolume(
                DevicePath.of("/dev/sda"), Optional.of(VOLUME), Optional.empty())));

        assertThat(plan.flush()).isEmpty();
        assertThat(plan.remove()).isEmpty();
    }

    @Test
    void closing_the_connector_closes_its_transport() throws Exception {
        Connector connector = connector();

        ((AutoCloseable) connector).close();

        assertThat(closed).isTrue();
    }

    @Test
    void only_a_disconnect_in_which_nothing_failed_lets_the_manager_forget_the_wwid() {
        for (boolean flushFails : new boolean[] {false, true}) {
            EngineScriptedTransportTest test = new EngineScriptedTransportTest();
            test.host.addDevice("sda", "2:0:0:1", Optional.of(VOLUME));
            test.host.addMap("dm-0", VOLUME, "sda");
            test.script.addresses.add("sda");
            if (flushFails) {
                test.host.flushMapFailure = FakeHost.flushFailure("dm-0");
            }
            DisconnectOptions forced = new DisconnectOptions(true, false);

            try {
                test.connector().disconnect(properties(Optional.of(VOLUME)), Optional.empty(), forced);
            } catch (BrickException expected) {
                assertThat(flushFails).as("only the failed flush raises").isTrue();
            }

            assertThat(test.host.forgottenWwids).as("the flush failed: %s", flushFails)
                    .isEqualTo(flushFails ? List.of() : List.of(VOLUME));
        }
    }

    @Test
    void multipathd_is_asked_once_the_devices_are_there_unless_multipath_is_enforced() {
        for (boolean enforced : new boolean[] {false, true}) {
            EngineScriptedTransportTest test = new EngineScriptedTransportTest();
            test.host.addDevice("sda", "2:0:0:1", Optional.of(VOLUME));
            test.host.addMap("dm-0", VOLUME, "sda");
            test.script.addresses.add("sda");
            test.script.fresh.add("sda");
            test.script.onAsk = ask -> test.host.record("ask " + ask, null);

            test.connector().connect(enforced ? ENFORCED : properties());

            List<String> calls = test.host.calls();
            assertThat(calls.indexOf("available")).as("enforced: %s", enforced).isNotNegative();
            assertThat(calls.indexOf("available") < calls.indexOf("ask 1")).as("enforced: %s", enforced)
                    .isEqualTo(enforced);
            assertThat(calls).filteredOn("available"::equals).hasSize(1);
        }
    }

    @Test
    void without_multipathd_the_single_path_comes_with_a_warning_event() {
        host.multipathdRunning = false;
        freshPath(false);

        connector().connect(properties());

        assertThat(events).filteredOn(event -> event.type() == EventType.WARNING).singleElement()
                .satisfies(event -> assertThat(event.details().toString()).contains("multipathd is not running"));
    }
}
