package io.brick.fc;

import io.brick.core.bootstrap.BrickPlugin;
import io.brick.core.connector.ConnectorConfig;
import io.brick.core.model.ConnectionProperties;
import io.brick.core.model.Protocol;
import io.brick.core.model.Wwid;
import io.brick.multipath.MultipathPlugin;
import io.brick.sysfs.SysfsPlugin;
import io.brick.testkit.contract.ContractFixture;
import io.brick.testkit.contract.TransportContract;
import io.brick.testkit.host.Latencies;
import io.brick.testkit.host.SimulatedHost;

import java.nio.file.Path;
import java.util.List;

/** brick-fc passes the transport contract: two LUNs of one target port, seen through two HBAs. */
class FcTransportContractTest extends TransportContract {
    static final String TARGET = "514f0c50023f6c00";
    static final List<String> WWIDS = List.of("3514f0c5a516000a1", "3514f0c5a516000a2");
    static final long SIZE = 1L << 30;

    @Override
    protected ContractFixture fixture() {
        return new ContractFixture() {
            @Override
            public Protocol protocol() {
                return Protocol.FIBRE_CHANNEL;
            }

            @Override
            public List<BrickPlugin> plugins(ConnectorConfig config) {
                return List.of(new SysfsPlugin(), new MultipathPlugin(), new FcPlugin(config));
            }

            @Override
            public SimulatedHost host(Path dir) {
                SimulatedHost host = SimulatedHost.builder(dir).latencies(Latencies.realistic()).build();
                host.fabric().hba(6, "50014380186af83c", "50014380186af83d")
                        .hba(7, "50014380186af83e", "50014380186af83f")
                        .zone("50014380186af83c", TARGET).zone("50014380186af83e", TARGET);
                host.fabric().targetPort(TARGET).lun(1, WWIDS.get(0), SIZE).lun(2, WWIDS.get(1), SIZE);
                return host;
            }

            @Override
            public int paths() {
                return 2;
            }

            @Override
            public ConnectionProperties properties(int volume) {
                return ConnectionProperties.parseJson("""
                        {"target_wwn": ["%s"], "target_lun": %d}""".formatted(TARGET, volume + 1));
            }

            @Override
            public Wwid wwid(int volume) {
                return Wwid.of(WWIDS.get(volume));
            }

            @Override
            public void failPaths(SimulatedHost host, int volume) {
                host.faults().fcPortDown(TARGET);
            }

            @Override
            public void reuseAddress(SimulatedHost host, int volume, Wwid newWwid) {
                host.fabric().targetPort(TARGET).reuseLun(volume + 1, newWwid.value(), SIZE);
            }

            @Override
            public void grow(SimulatedHost host, int volume, long sizeBytes) {
                host.fabric().targetPort(TARGET).resizeLun(volume + 1, sizeBytes);
            }

            @Override
            public ConnectionProperties invalidProperties() {
                return ConnectionProperties.parseJson("""
                        {"target_wwn": ["not-a-wwpn"], "target_lun": 1}""");
            }
        };
    }
}
