package io.brick.fc;

import io.brick.core.connector.ConnectorConfig;
import io.brick.core.connector.DisconnectOptions;
import io.brick.core.error.DeviceNotFoundException;
import io.brick.core.event.BrickEvent;
import io.brick.core.event.EventType;
import io.brick.core.model.AttachedVolume;
import io.brick.core.model.ConnectionProperties;
import io.brick.core.model.DevicePath;
import io.brick.core.model.Wwid;
import io.brick.testkit.host.Latencies;
import io.brick.testkit.host.SimulatedHost;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * What the FC transport decides on its own: which path a by-path link names (what a disconnect flushes), which locks
 * an operation takes, and what a connect that found nothing reports (the scans it wrote, the time it waited).
 */
class FcTransportTest {
    private static final String HBA = "100010604b019419";
    private static final String HBA2 = "100010604b01941a";
    private static final String TARGET = "1234567890123456";
    private static final String TARGET2 = "1234567890123457";
    private static final String WWID = "3600a098038303053453f463045373045";
    private static final String SECOND_HBA_LINK = "/dev/disk/by-path/pci-0000:05:00.3-fc-0x" + TARGET2 + "-lun-1";

    @TempDir
    Path dir;

    private SimulatedFc lab;

    @AfterEach
    void stop() {
        if (lab != null) {
            assertThat(lab.host.oracle().wrongDeviceEvents()).isEmpty();
            lab.close();
        }
    }

    /** Two HBAs, each zoned with both target ports, the volume LUN 1 on both: four paths. */
    private SimulatedHost twoHbasTwoPorts(SimulatedHost.Builder builder) {
        SimulatedHost host = builder.build();
        host.fabric().hba(3, HBA, "200010604b019419", "pci0000:00/0000:00:03.0/0000:05:00.2")
                .hba(4, HBA2, "200010604b01941a", "pci0000:00/0000:00:03.0/0000:05:00.3")
                .zone(HBA, TARGET, TARGET2).zone(HBA2, TARGET, TARGET2);
        host.fabric().targetPort(TARGET).lun(1, WWID, 1L << 30);
        host.fabric().targetPort(TARGET2).lun(1, WWID, 1L << 30);
        return host;
    }

    private static ConnectionProperties bothPorts() {
        return SimulatedFc.props("""
                {"target_wwns": ["%s", "%s"], "target_lun": 1}""".formatted(TARGET, TARGET2));
    }

    private List<BrickEvent> events(EventType type) {
        return lab.events.stream().filter(event -> event.type() == type).toList();
    }

    @Test
    void a_by_path_link_udev_no_longer_has_still_names_its_path_and_only_that_path_is_flushed() throws Exception {
        lab = SimulatedFc.start(twoHbasTwoPorts(SimulatedHost.builder(dir).latencies(Latencies.realistic())
                .multipathd(false)), ConnectorConfig.defaults().withUseMultipath(false));
        lab.connector.connect(bothPorts());
        lab.host.settle();
        String named = lab.topology().resolveDevLink(DevicePath.of(SECOND_HBA_LINK)).orElseThrow();
        // the caller used the second HBA's path to the second port; udev has since dropped that link
        Files.delete(lab.host.root().resolve(SECOND_HBA_LINK.substring(1)));
        AttachedVolume used = new AttachedVolume(DevicePath.of(SECOND_HBA_LINK), Optional.of(Wwid.of(WWID)),
                Optional.empty());
        lab.events.clear();

        lab.connector.disconnect(bothPorts(), Optional.of(used), DisconnectOptions.SAFE);

        assertThat(events(EventType.FLUSH)).extracting(BrickEvent::subject).containsExactly(named);
        assertThat(lab.host.oracle().leftovers(Wwid.of(WWID)).isEmpty()).isTrue();
    }

    @Test
    void a_single_path_behind_an_hba_on_no_pci_bus_is_returned_by_its_kernel_name() {
        // a virtual HBA: no PCI function, so udev makes no by-path link for its LUNs
        SimulatedHost host = SimulatedHost.builder(dir).latencies(Latencies.realistic()).multipathd(false).build();
        host.fabric().hba(3, HBA, "200010604b019419", "virtual/fc_vport/host3").zone(HBA, TARGET);
        host.fabric().targetPort(TARGET).lun(1, WWID, 1L << 30);
        lab = SimulatedFc.start(host, ConnectorConfig.defaults().withUseMultipath(false));
        ConnectionProperties volume = SimulatedFc.props("""
                {"target_wwn": "%s", "target_lun": 1}""".formatted(TARGET));

        AttachedVolume attached = lab.connector.connect(volume);

        assertThat(attached.path().path()).matches("/dev/sd[a-z]+");
        assertThat(attached.scsiWwn()).contains(Wwid.of(WWID));
        assertThat(lab.connector.volumePaths(volume)).as("no by-path link to give").isEmpty();
    }

    @Test
    void connect_and_disconnect_take_the_lock_of_each_wwpn_and_lun() {
        List<String> asked = new CopyOnWriteArrayList<>();
        io.brick.core.lock.ProcessLocks recording = (key, deadline) -> {
            asked.add(key);
            return () -> { };
        };
        lab = SimulatedFc.start(twoHbasTwoPorts(SimulatedHost.builder(dir).latencies(Latencies.realistic())),
                ConnectorConfig.defaults(), recording);
        List<String> keys = List.of("fc-" + TARGET + "-1", "fc-" + TARGET2 + "-1");

        AttachedVolume attached = lab.connector.connect(bothPorts());
        assertThat(asked).as("the connect's locks").containsExactlyElementsOf(keys);
        asked.clear();

        lab.connector.disconnect(bothPorts(), Optional.of(attached), DisconnectOptions.SAFE);
        assertThat(asked).as("the disconnect's locks").containsExactlyElementsOf(keys);
    }

    @Test
    void a_device_that_never_appears_is_reported_with_the_scans_written_and_the_time_waited() {
        SimulatedHost host = SimulatedHost.builder(dir).latencies(Latencies.realistic()).build();
        host.fabric().hba(3, HBA, "200010604b019419", "pci0000:00/0000:00:03.0/0000:05:00.2").zone(HBA, TARGET);
        host.fabric().targetPort(TARGET).lun(1, WWID, 1L << 30);
        host.fabric().targetPort(TARGET).maskLun(1, "100010604b0194ff"); // mapped to another host only
        lab = SimulatedFc.start(host, ConnectorConfig.defaults().withDeviceWait(Duration.ofSeconds(10)));

        DeviceNotFoundException failure = catchThrowableOfType(DeviceNotFoundException.class,
                () -> lab.connector.connect(SimulatedFc.props("""
                        {"target_wwn": "%s", "target_lun": 1}""".formatted(TARGET))));

        String scan = "host3 '0 0 1'";
        assertThat(failure.evidence()).containsEntry("scans", String.join(", ", scan, scan, scan, scan))
                .doesNotContainKey("undecided");
        long waited = Long.parseLong(failure.evidence().get("waited").replace(" ms", ""));
        assertThat(waited).as("the device wait, in simulated time").isBetween(9_000L, 12_000L);
        assertThat(events(EventType.SCAN)).hasSize(4).allSatisfy(event -> {
            assertThat(event.subject()).isEqualTo("host3");
            assertThat(event.details()).containsEntry("lun", "1").containsEntry("target", "0 0");
        });
        // the rescans keep their 0, 2, 4, 8 s schedule (simulated time; a sysfs read may add a few milliseconds)
        java.time.Instant first = events(EventType.SCAN).get(0).at();
        List<Long> offsets = events(EventType.SCAN).stream()
                .map(event -> Duration.between(first, event.at()).toMillis()).toList();
        assertThat(offsets.get(1)).isBetween(2_000L, 2_100L);
        assertThat(offsets.get(2)).isBetween(4_000L, 4_100L);
        assertThat(offsets.get(3)).isBetween(8_000L, 8_100L);
    }

    @Test
    void devices_that_were_there_before_count_alone_once_the_grace_after_the_first_rescan_is_over() {
        lab = SimulatedFc.start(twoHbasTwoPorts(SimulatedHost.builder(dir).latencies(Latencies.realistic())),
                ConnectorConfig.defaults().withDeviceWait(Duration.ofSeconds(30)));
        AttachedVolume first = lab.connector.connect(bothPorts());
        lab.host.settle();
        Duration start = lab.host.clock().elapsed();

        AttachedVolume again = lab.connector.connect(bothPorts());

        Duration took = lab.host.clock().elapsed().minus(start);
        assertThat(again.path()).isEqualTo(first.path());
        assertThat(took).as("the grace (%s ms), not the device wait", FcTransport.GRACE_MILLIS)
                .isGreaterThanOrEqualTo(Duration.ofMillis(FcTransport.GRACE_MILLIS))
                .isLessThan(Duration.ofSeconds(5));
    }
}
