package io.brick.iscsi;

import io.brick.core.connector.ConnectorConfig;
import io.brick.core.error.HostStateException;
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

import java.nio.file.Path;

import static io.brick.iscsi.SimulatedIscsi.IQN;
import static io.brick.iscsi.SimulatedIscsi.LUN1;
import static io.brick.iscsi.SimulatedIscsi.twoPortals;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** How a multipath connect copes with multipathd's settings and absence. */
class IscsiConnectorMultipathTest {
    @TempDir
    Path dir;

    @AutoClose
    private SimulatedIscsi lab;

    private SimulatedHost host(boolean findMultipaths, boolean multipathd) {
        SimulatedHost host = SimulatedHost.builder(dir).initiatorName(RecordedLab.INITIATOR)
                .latencies(Latencies.realistic()).findMultipaths(findMultipaths).multipathd(multipathd).build();
        host.storage().target(IQN).portal("127.0.0.1:3260").portal("127.0.0.2:3260")
                .lun(1, LUN1, 128L << 20);
        return host;
    }

    private static ConnectionProperties oneTargetInTheLists() {
        return ConnectionProperties.parseJson("""
                {"target_portals": ["127.0.0.1:3260"], "target_iqns": ["%s"], "target_luns": [1]}""".formatted(IQN));
    }

    @Test
    void with_find_multipaths_yes_a_single_path_volume_still_gets_its_map_because_brick_adds_the_wwid() {
        lab = SimulatedIscsi.start(host(true, true), ConnectorConfig.defaults());

        AttachedVolume attached = lab.connector.connect(oneTargetInTheLists());

        assertThat(attached.path()).isEqualTo(DevicePath.of("/dev/dm-0"));
        assertThat(attached.multipathId()).contains(Wwid.of(LUN1));
        assertThat(lab.host.oracle().commandLog()).anyMatch(entry -> entry.argv().equals(
                java.util.List.of("multipath", "-a", LUN1)));
    }

    @Test
    void with_find_multipaths_off_brick_does_not_nudge_multipathd() {
        lab = SimulatedIscsi.start(host(false, true), ConnectorConfig.defaults());

        AttachedVolume attached = lab.connector.connect(twoPortals(1));

        assertThat(attached.path()).isEqualTo(DevicePath.of("/dev/dm-0"));
        assertThat(lab.host.oracle().commandLog()).noneMatch(entry -> entry.argv().get(0).equals("multipath"));
    }

    @Test
    void without_multipathd_a_multipath_connect_warns_and_returns_a_single_path() {
        lab = SimulatedIscsi.start(host(false, false), ConnectorConfig.defaults());

        try (CapturedLogs logs = CapturedLogs.of("io.brick")) {
            AttachedVolume attached = lab.connector.connect(twoPortals(1));

            assertThat(attached.path().name()).startsWith("sd");
            assertThat(attached.scsiWwn()).contains(Wwid.of(LUN1));
            assertThat(attached.multipathId()).isEmpty();
            assertThat(logs.messages()).anyMatch(message -> message.contains("doesn't support multipathing"));
        }
    }

    @Test
    void without_multipathd_an_enforced_multipath_connect_fails_before_any_login() {
        lab = SimulatedIscsi.start(host(false, false), ConnectorConfig.defaults());
        java.util.Map<String, Object> data = new java.util.LinkedHashMap<>(twoPortals(1).asMap());
        data.put("enforce_multipath", true);

        assertThatThrownBy(() -> lab.connector.connect(ConnectionProperties.of(data)))
                .isInstanceOf(HostStateException.class).hasMessageContaining("multipath is enforced");
        assertThat(lab.host.oracle().commandLog()).noneMatch(entry -> entry.argv().contains("--login"));
    }
}
