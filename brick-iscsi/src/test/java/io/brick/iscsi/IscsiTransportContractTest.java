package io.brick.iscsi;

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
import java.util.Optional;

/** brick-iscsi passes the transport contract: two LUNs of one target behind two portals, sessions shared. */
class IscsiTransportContractTest extends TransportContract {
    static final String IQN = "iqn.2003-01.org.linux-iscsi.contract:target1";
    static final List<String> PORTALS = List.of("192.0.2.1:3260", "192.0.2.2:3260");
    static final List<String> WWIDS = List.of("36001405aaaaaaaaaaaaaaaaaaaaaaaa1", "36001405aaaaaaaaaaaaaaaaaaaaaaaa2");
    static final long SIZE = 1L << 30;

    @Override
    protected ContractFixture fixture() {
        return new ContractFixture() {
            @Override
            public Protocol protocol() {
                return Protocol.ISCSI;
            }

            @Override
            public List<BrickPlugin> plugins(ConnectorConfig config) {
                return List.of(new SysfsPlugin(), new MultipathPlugin(), new IscsiPlugin(config));
            }

            @Override
            public SimulatedHost host(Path dir) {
                SimulatedHost host = SimulatedHost.builder(dir).latencies(Latencies.realistic()).build();
                host.storage().target(IQN).portal(PORTALS.get(0)).portal(PORTALS.get(1))
                        .lun(1, WWIDS.get(0), SIZE).lun(2, WWIDS.get(1), SIZE);
                return host;
            }

            @Override
            public int paths() {
                return PORTALS.size();
            }

            @Override
            public ConnectionProperties properties(int volume) {
                int lun = volume + 1;
                return ConnectionProperties.parseJson("""
                        {"target_portals": ["%s", "%s"], "target_iqns": ["%s", "%s"], "target_luns": [%d, %d]}"""
                        .formatted(PORTALS.get(0), PORTALS.get(1), IQN, IQN, lun, lun));
            }

            @Override
            public Wwid wwid(int volume) {
                return Wwid.of(WWIDS.get(volume));
            }

            @Override
            public void failPaths(SimulatedHost host, int volume) {
                PORTALS.forEach(portal -> host.faults().pathDown(portal));
            }

            @Override
            public void reuseAddress(SimulatedHost host, int volume, Wwid newWwid) {
                host.storage().target(IQN).reuseLun(volume + 1, newWwid.value(), SIZE);
            }

            @Override
            public void grow(SimulatedHost host, int volume, long sizeBytes) {
                host.storage().target(IQN).resizeLun(volume + 1, sizeBytes);
            }

            @Override
            public ConnectionProperties invalidProperties() {
                return ConnectionProperties.parseJson("""
                        {"target_portals": ["%s"], "target_iqns": ["not an iqn"], "target_luns": [1]}"""
                        .formatted(PORTALS.get(0)));
            }

            @Override
            public Optional<Secret> withSecret(SimulatedHost host) {
                String password = "contract-Secret-7f3a9";
                host.storage().target(IQN).chap("contract-user", password);
                return Optional.of(new Secret(ConnectionProperties.parseJson("""
                        {"target_portals": ["%s", "%s"], "target_iqns": ["%s", "%s"], "target_luns": [1, 1],
                         "auth_method": "CHAP", "auth_username": "contract-user", "auth_password": "%s"}"""
                        .formatted(PORTALS.get(0), PORTALS.get(1), IQN, IQN, password)), password));
            }
        };
    }
}
