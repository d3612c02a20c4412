package io.brick.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.brick.core.model.Wwid;
import io.brick.testkit.host.Latencies;
import io.brick.testkit.host.SimulatedHost;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code -p fibre_channel}: connect, extend, paths, disconnect, topology and connector properties on a simulated fabric. */
class FibreChannelCliTest {
    private static final String HBA6 = "50014380186af83c";
    private static final String HBA7 = "50014380186af83e";
    private static final String T0 = "514f0c50023f6c00";
    private static final String T1 = "514f0c50023f6c01";
    private static final String WWID = "3514f0c5a51600001";
    private static final String PROPERTIES = """
            {"driver_volume_type": "fibre_channel",
             "data": {"target_wwn": ["%s", "%s"], "target_lun": 1, "access_mode": "rw",
                      "initiator_target_map": {"%s": ["%s"], "%s": ["%s"]}}}"""
            .formatted(T0.toUpperCase(java.util.Locale.ROOT), T1, HBA6, T0, HBA7, T1);

    @TempDir
    Path dir;
    private SimulatedHost host;
    private RuntimeFactory factory;

    @BeforeEach
    void startHost() {
        host = SimulatedHost.builder(dir.resolve("host")).latencies(Latencies.realistic()).build();
        host.fabric().hba(6, HBA6, "50014380186af83d").hba(7, HBA7, "50014380186af83f").zone(HBA6, T0).zone(HBA7, T1);
        host.fabric().targetPort(T0).lun(1, WWID, 1L << 30);
        host.fabric().targetPort(T1).lun(1, WWID, 1L << 30);
        factory = CliRun.simulated(host);
    }

    @AfterEach
    void stopHost() {
        assertThat(host.oracle().busWideScans()).isEmpty();
        host.close();
    }

    private String properties() throws IOException {
        return Files.writeString(dir.resolve("fc.json"), PROPERTIES).toString();
    }

    @Test
    void connect_extend_paths_and_disconnect_a_fibre_channel_volume() throws IOException {
        String properties = properties();

        CliRun connect = CliRun.run(factory, "", "connect", "-p", "fibre_channel", "--properties", properties, "--json");
        assertThat(connect.exitCode()).as(connect.err()).isZero();
        JsonNode info = connect.json().path("deviceInfo");
        assertThat(info.path("path").asText()).isEqualTo("/dev/disk/by-id/dm-uuid-mpath-" + WWID);
        assertThat(info.path("multipath_id").asText()).isEqualTo(WWID);
        assertThat(info.path("scsi_wwn").asText()).isEqualTo(WWID);
        List<String> phases = new ArrayList<>();
        connect.json().path("phases").forEach(p -> phases.add(p.path("type").asText() + " " + p.path("subject").asText()));
        assertThat(phases).contains("SCAN host6", "SCAN host7", "MULTIPATH_FORMED dm-0");
        host.settle();
        assertThat(host.oracle().sysfsWrites()).filteredOn(write -> write.path().endsWith("/scan"))
                .extracting(write -> write.value()).containsExactly("0 0 1", "0 0 1");

        CliRun paths = CliRun.run(factory, "", "--json", "paths", "-p", "FIBRE-CHANNEL", "--properties", properties);
        assertThat(paths.exitCode()).as(paths.err()).isZero();
        assertThat(paths.json().path("paths").toString()).contains("pci-0000:05:00.6-fc-0x" + T0 + "-lun-1",
                "pci-0000:05:00.7-fc-0x" + T1 + "-lun-1");

        host.fabric().targetPort(T0).resizeLun(1, 2L << 30);
        host.fabric().targetPort(T1).resizeLun(1, 2L << 30);
        CliRun extend = CliRun.run(factory, "", "extend", "-p", "fibre_channel", "--properties", properties, "--json");
        assertThat(extend.exitCode()).as(extend.err()).isZero();
        assertThat(extend.json().path("newSizeBytes").asLong()).isEqualTo(2L << 30);

        CliRun disconnect = CliRun.run(factory, connect.json().path("deviceInfo").toString(), "disconnect", "-p",
                "fibre_channel", "--properties", properties, "--device-info", "-", "--json");
        assertThat(disconnect.exitCode()).as(disconnect.err()).isZero();
        assertThat(disconnect.json().path("disconnected").asBoolean()).isTrue();
        assertThat(disconnect.json().path("phases").findValuesAsText("type")).contains("FLUSH", "REMOVAL");
        assertThat(host.oracle().leftovers(Wwid.of(WWID)).isEmpty()).isTrue();
        assertThat(host.oracle().dataLossEvents()).isEmpty();
    }

    @Test
    void a_dry_run_disconnect_names_the_map_and_the_paths_and_changes_nothing() throws IOException {
        String properties = properties();
        assertThat(CliRun.run(factory, "", "connect", "-p", "fibre_channel", "--properties", properties).exitCode())
                .isZero();

        CliRun plan = CliRun.run(factory, "", "disconnect", "--dry-run", "-p", "fibre_channel", "--properties",
                properties, "--json");

        assertThat(plan.exitCode()).as(plan.err()).isZero();
        assertThat(plan.json().path("plan").path("flush").toString()).contains("dm-0");
        assertThat(plan.json().path("plan").path("remove").size()).isEqualTo(2);
        assertThat(host.oracle().leftovers(Wwid.of(WWID)).isEmpty()).isFalse();
    }

    @Test
    void topology_shows_fc_hosts_and_remote_ports() {
        CliRun json = CliRun.run(factory, "", "topology", "--json");
        CliRun text = CliRun.run(factory, "", "topology");

        assertThat(json.exitCode()).as(json.err()).isZero();
        assertThat(json.json().path("fcHosts").findValuesAsText("portName")).containsExactly(HBA6, HBA7);
        assertThat(json.json().path("fcHosts").get(0).path("devicePath").asText())
                .isEqualTo("/sys/devices/pci0000:00/0000:00:03.0/0000:05:00.6/host6");
        assertThat(json.json().path("fcRemotePorts").findValuesAsText("name")).containsExactly("rport-6:0-0", "rport-7:0-0");
        assertThat(json.json().path("fcRemotePorts").findValuesAsText("portName")).containsExactly(T0, T1);
        assertThat(text.out()).contains("host6 port " + HBA6, "rport-7:0-0 host7 port " + T1);
    }

    @Test
    void connector_properties_list_the_online_hbas_wwpns_and_wwnns() {
        host.fabric().hbaLinkDown(7);

        CliRun run = CliRun.run(factory, "", "connector-properties", "-p", "fibre_channel", "--json");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.json().path("properties").path("wwpns").toString()).isEqualTo("[\"" + HBA6 + "\"]");
        assertThat(run.json().path("properties").path("wwnns").toString()).isEqualTo("[\"50014380186af83d\"]");
        assertThat(run.json().path("protocols").toString()).contains("FIBRE_CHANNEL", "ISCSI");
    }

    @Test
    void a_bad_wwpn_is_invalid_input_and_nothing_is_scanned() throws IOException {
        String properties = Files.writeString(dir.resolve("bad.json"), """
                {"target_wwn": "514f0c50023f6c0g", "target_lun": 1}""").toString();

        CliRun run = CliRun.run(factory, "", "connect", "-p", "fibre_channel", "--properties", properties);

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("target_wwn");
        host.settle();
        assertThat(host.oracle().sysfsWrites()).isEmpty();
    }
}
