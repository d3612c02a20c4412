package io.brick.testkit.contract;

import io.brick.core.bootstrap.Brick;
import io.brick.core.connector.Connector;
import io.brick.core.connector.ConnectorConfig;
import io.brick.core.connector.DisconnectOptions;
import io.brick.core.error.BrickException;
import io.brick.core.error.FlushFailedException;
import io.brick.core.error.InvalidInputException;
import io.brick.core.event.BrickEvent;
import io.brick.core.lock.ProcessLocks;
import io.brick.core.model.AttachedVolume;
import io.brick.core.model.BlockDevice;
import io.brick.core.model.ConnectionProperties;
import io.brick.core.model.DevicePath;
import io.brick.core.model.MultipathMap;
import io.brick.core.model.Wwid;
import io.brick.core.port.TopologyProvider;
import io.brick.testkit.host.SimulatedHost;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The contract every transport passes (DESIGN §3), on the simulated host: a transport's tests extend it and give a
 * {@link ContractFixture}. Each check runs brick's whole runtime (the transport's plugin with sysfs and multipath)
 * and judges by what the simulated host shows and its oracle saw, never by the transport's internals:
 * <ul>
 *   <li>connect returns the map of every path of the volume's identity and nothing else;</li>
 *   <li>connect twice gives the same device and attaches nothing more;</li>
 *   <li>a failed connect leaves nothing, and removes nothing of an attachment that was there before it;</li>
 *   <li>a connect beside a stale device of a reused address never returns it;</li>
 *   <li>disconnect flushes before it removes, and a failed flush without {@code force} removes nothing;</li>
 *   <li>disconnect twice is a no-op success;</li>
 *   <li>disconnect keeps other volumes' devices and shared sessions;</li>
 *   <li>extend reports the new size;</li>
 *   <li>invalid properties run no command and write nothing;</li>
 *   <li>every operation ends within its budget, in simulated time;</li>
 *   <li>secrets never appear in errors, events or {@code toString}.</li>
 * </ul>
 */
public abstract class TransportContract {
    /** The budgets of the contract's runtime: short, so that a failing connect ends soon in simulated time. */
    protected static final ConnectorConfig CONFIG = new ConnectorConfig(true, Duration.ofSeconds(60),
            Duration.ofSeconds(8), Duration.ofSeconds(10), Duration.ofSeconds(2), Duration.ofSeconds(60),
            Duration.ofSeconds(60));

    @TempDir
    Path dir;

    private final List<BrickEvent> events = new CopyOnWriteArrayList<>();
    private SimulatedHost host;
    private Brick brick;

    /** The transport's fixture. */
    protected abstract ContractFixture fixture();

    @AfterEach
    void closeRuntime() {
        if (brick != null) {
            brick.close();
        }
        if (host != null) {
            host.close();
        }
    }

    private Connector start() {
        ContractFixture fixture = fixture();
        host = fixture.host(dir.resolve("host"));
        brick = Brick.builder().plugins(fixture.plugins(CONFIG)).hostRoot(host.hostRoot())
                .commandRunner(host.commandRunner()).clock(host.clock()).sleeper(host.clock())
                .processLocks(ProcessLocks.none()).eventListener(events::add).build();
        return brick.connector(fixture.protocol());
    }

    private TopologyProvider topology() {
        return brick.port(TopologyProvider.class);
    }

    // --------------------------------------------------------------------------------------------- connect

    @Test
    void connect_returns_the_map_of_every_path_of_the_volume_and_nothing_else() {
        Connector connector = start();
        ContractFixture fixture = fixture();
        connector.connect(fixture.properties(1));

        AttachedVolume attached = connector.connect(fixture.properties(0));

        Wwid wwid = fixture.wwid(0);
        assertEquals(Optional.of(wwid), attached.scsiWwn(), "the WWID returned");
        MultipathMap map = mapOf(attached);
        assertEquals(Optional.of(wwid), map.wwid(), "the map's WWID");
        Set<String> volumePaths = devicesOf(wwid);
        assertEquals(fixture.paths(), volumePaths.size(), "path devices of the volume on the host: " + volumePaths);
        assertEquals(volumePaths, new TreeSet<>(map.slaves()), "the map holds every path of the volume and no other");
    }

    @Test
    void connect_twice_gives_the_same_device_and_attaches_nothing_more() {
        Connector connector = start();
        AttachedVolume first = connector.connect(fixture().properties(0));
        Set<String> devices = allDevices();
        List<String> sessions = host.oracle().leftovers().sessions();

        AttachedVolume second = connector.connect(fixture().properties(0));

        assertEquals(first.path(), second.path(), "the second connect's device");
        assertEquals(devices, allDevices(), "block devices after the second connect");
        assertEquals(sessions, host.oracle().leftovers().sessions(), "sessions after the second connect");
    }

    @Test
    void a_failed_connect_leaves_nothing() {
        Connector connector = start();
        fixture().failPaths(host, 0);

        assertThrows(BrickException.class, () -> connector.connect(fixture().properties(0)));

        assertTrue(host.oracle().leftovers().isEmpty(), "left on the host: " + host.oracle().leftovers());
    }

    @Test
    void a_failed_connect_of_an_attached_volume_removes_nothing_of_it() {
        Connector connector = start();
        AttachedVolume attached = connector.connect(fixture().properties(0));
        MultipathMap map = mapOf(attached);
        Set<String> paths = devicesOf(fixture().wwid(0));
        host.write(map.path());
        fixture().failPaths(host, 0);

        try {
            connector.connect(fixture().properties(0));
        } catch (BrickException failed) {
            // failing is expected; removing the attachment that was there is not
        }

        assertTrue(host.oracle().dataLossEvents().isEmpty(), "data lost: " + host.oracle().dataLossEvents());
        assertTrue(topology().multipathMap(map.kernelName()).isPresent(), "the volume's map is still there");
        assertEquals(paths, devicesOf(fixture().wwid(0)), "the volume's paths");
    }

    @Test
    void a_connect_beside_a_stale_device_of_a_reused_address_never_returns_it() {
        Connector connector = start();
        ContractFixture fixture = fixture();
        connector.connect(fixture.properties(0));
        Set<String> stale = devicesOf(fixture.wwid(0));
        Wwid reused = Wwid.of(fixture.wwid(0).value().substring(0, fixture.wwid(0).value().length() - 1)
                + (fixture.wwid(0).value().endsWith("f") ? "e" : "f"));
        fixture.reuseAddress(host, 0, reused);
        Map<String, Object> data = new LinkedHashMap<>(fixture.properties(0).asMap());
        data.put("scsi_wwn", reused.value());

        try {
            AttachedVolume attached = connector.connect(ConnectionProperties.of(data));
            assertEquals(Optional.of(reused), attached.scsiWwn(), "the WWID returned");
            for (String device : pathDevices(attached)) {
                assertFalse(stale.contains(device) && !topology().wwid(device).equals(Optional.of(reused)),
                        "returned the stale device " + device);
                assertEquals(Optional.of(reused), topology().wwid(device), "WWID of returned path " + device);
            }
        } catch (BrickException refused) {
            // refusing is allowed; returning the stale device is not
        }
        assertTrue(host.oracle().wrongDeviceEvents().isEmpty(), "wrong devices: " + host.oracle().wrongDeviceEvents());
    }

    // ------------------------------------------------------------------------------------------ disconnect

    @Test
    void disconnect_flushes_before_it_removes() {
        Connector connector = start();
        AttachedVolume attached = connector.connect(fixture().properties(0));
        host.write(mapOf(attached).path());

        connector.disconnect(fixture().properties(0), Optional.of(attached), new DisconnectOptions(false, false));

        assertTrue(host.oracle().dataLossEvents().isEmpty(), "data lost: " + host.oracle().dataLossEvents());
        assertTrue(host.oracle().leftovers(fixture().wwid(0)).isEmpty(),
                "left of the volume: " + host.oracle().leftovers(fixture().wwid(0)));
    }

    @Test
    void a_failed_flush_without_force_removes_nothing() {
        Connector connector = start();
        AttachedVolume attached = connector.connect(fixture().properties(0));
        MultipathMap map = mapOf(attached);
        host.write(map.path());
        host.open(map.path());
        Set<String> devices = allDevices();

        BrickException failure = assertThrows(BrickException.class, () -> connector.disconnect(fixture().properties(0),
                Optional.of(attached), new DisconnectOptions(false, false)));

        assertInstanceOf(FlushFailedException.class, failure, "the failure: " + failure);
        assertEquals(devices, allDevices(), "devices after the failed flush");
        assertTrue(topology().multipathMap(map.kernelName()).isPresent(), "the map is still there");
        assertTrue(host.oracle().dataLossEvents().isEmpty(), "data lost: " + host.oracle().dataLossEvents());
    }

    @Test
    void disconnect_twice_is_a_no_op_success() {
        Connector connector = start();
        AttachedVolume attached = connector.connect(fixture().properties(0));
        connector.disconnect(fixture().properties(0), Optional.of(attached), new DisconnectOptions(false, false));
        int commands = host.oracle().commandLog().size();

        connector.disconnect(fixture().properties(0), Optional.of(attached), new DisconnectOptions(false, false));

        assertTrue(host.oracle().leftovers().isEmpty(), "left on the host: " + host.oracle().leftovers());
        assertTrue(host.oracle().commandLog().subList(commands, host.oracle().commandLog().size()).stream()
                        .noneMatch(entry -> entry.argv().contains("--logout") || entry.argv().contains("-f")),
                "the second disconnect removed or logged out something");
    }

    @Test
    void disconnect_keeps_other_volumes_devices_and_shared_sessions() {
        Connector connector = start();
        ContractFixture fixture = fixture();
        AttachedVolume other = connector.connect(fixture.properties(1));
        AttachedVolume attached = connector.connect(fixture.properties(0));
        Set<String> otherDevices = devicesOf(fixture.wwid(1));

        connector.disconnect(fixture.properties(0), Optional.of(attached), new DisconnectOptions(false, false));

        assertEquals(otherDevices, devicesOf(fixture.wwid(1)), "the other volume's paths");
        assertEquals(otherDevices, new TreeSet<>(mapOf(other).slaves()), "the other volume's map");
        host.write(mapOf(other).path());
        assertTrue(host.oracle().sessionInUseEvents().isEmpty(), "sessions logged out in use: "
                + host.oracle().sessionInUseEvents());
        assertTrue(host.oracle().wrongDeviceEvents().isEmpty(), "wrong devices: " + host.oracle().wrongDeviceEvents());
        assertTrue(host.oracle().leftovers(fixture.wwid(0)).devices().isEmpty(), "the volume's devices are gone");
    }

    // ---------------------------------------------------------------------------------------------- extend

    @Test
    void extend_reports_the_new_size() {
        Connector connector = start();
        AttachedVolume attached = connector.connect(fixture().properties(0));
        long before = topology().device(mapOf(attached).slaves().get(0)).orElseThrow().sizeBytes();

        fixture().grow(host, 0, before * 2);
        long size = connector.extend(fixture().properties(0));

        assertEquals(before * 2, size, "the size extend reported");
    }

    // -------------------------------------------------------------------------------------------- input, time

    @Test
    void invalid_properties_run_no_command_and_write_nothing() {
        Connector connector = start();
        int commands = host.oracle().commandLog().size();
        int writes = host.oracle().sysfsWrites().size();

        assertThrows(InvalidInputException.class, () -> connector.connect(fixture().invalidProperties()));
        assertThrows(InvalidInputException.class, () -> connector.disconnect(fixture().invalidProperties(),
                Optional.empty(), new DisconnectOptions(true, true)));
        assertThrows(InvalidInputException.class, () -> connector.extend(fixture().invalidProperties()));

        assertEquals(commands, host.oracle().commandLog().size(), "commands run");
        assertEquals(writes, host.oracle().sysfsWrites().size(), "sysfs writes");
    }

    @Test
    void every_operation_ends_within_its_budget() {
        Connector connector = start();
        fixture().failPaths(host, 0);
        long start = host.clock().nanoTime();

        assertThrows(BrickException.class, () -> connector.connect(fixture().properties(0)));

        // a failed connect's cleanup has a disconnect's budget of its own
        Duration took = Duration.ofNanos(host.clock().nanoTime() - start);
        Duration budget = CONFIG.connectTimeout().plus(CONFIG.disconnectTimeout());
        assertTrue(took.compareTo(budget) <= 0, "the failed connect took " + took + ", budget " + budget);
        start = host.clock().nanoTime();
        connector.disconnect(fixture().properties(0), Optional.empty(), new DisconnectOptions(true, true));
        took = Duration.ofNanos(host.clock().nanoTime() - start);
        assertTrue(took.compareTo(CONFIG.disconnectTimeout()) <= 0, "the disconnect took " + took);
    }

    @Test
    void secrets_never_appear_in_errors_events_or_to_string() {
        start();
        Optional<ContractFixture.Secret> secret = fixture().withSecret(host);
        if (secret.isEmpty()) {
            return; // the transport has no secrets
        }
        Connector connector = brick.connector(fixture().protocol());
        String text = secret.get().secret();
        ConnectionProperties properties = secret.get().properties();
        assertFalse(properties.toString().contains(text), "the properties' toString");

        AttachedVolume attached = connector.connect(properties);
        connector.disconnect(properties, Optional.of(attached), new DisconnectOptions(false, false));
        fixture().failPaths(host, 0);
        BrickException failure = assertThrows(BrickException.class, () -> connector.connect(properties));

        List<String> seen = new ArrayList<>();
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            seen.add(String.valueOf(cause.getMessage()));
            seen.add(cause.toString());
        }
        seen.add(failure.evidence().toString());
        events.forEach(event -> seen.add(event.toString()));
        host.oracle().commandLog().forEach(entry -> seen.add(entry.toString()));
        for (String each : seen) {
            if (each.contains(text)) {
                fail("the secret was seen: " + each);
            }
        }
    }

    // ------------------------------------------------------------------------------------------- helpers

    /** The map a connect returned: {@code /dev/dm-N}, or a link to it, or {@code /dev/mapper/<name>}. */
    private MultipathMap mapOf(AttachedVolume attached) {
        String path = attached.path().path();
        Optional<MultipathMap> map = attached.multipathId().flatMap(wwid -> topology().multipathMapByWwid(wwid));
        if (path.startsWith("/dev/dm-")) {
            map = topology().multipathMap(path.substring("/dev/".length()));
        }
        return map.orElseGet(() -> fail("connect returned " + path + ", not a multipath map"));
    }

    private Set<String> pathDevices(AttachedVolume attached) {
        String path = attached.path().path();
        if (attached.multipathId().isPresent() || path.startsWith("/dev/dm-")) {
            return new TreeSet<>(mapOf(attached).slaves());
        }
        return Set.of(topology().resolveDevLink(DevicePath.of(path)).orElse(path.substring(path.lastIndexOf('/') + 1)));
    }

    /** The host's block devices of that WWID. */
    private Set<String> devicesOf(Wwid wwid) {
        return topology().topology().devices().stream().filter(device -> device.wwid().equals(Optional.of(wwid)))
                .map(BlockDevice::name).collect(Collectors.toCollection(TreeSet::new));
    }

    private Set<String> allDevices() {
        return topology().topology().devices().stream().map(BlockDevice::name)
                .collect(Collectors.toCollection(TreeSet::new));
    }
}
