package io.brick.iscsi;

import io.brick.core.bootstrap.BrickPlugin;
import io.brick.core.connector.ConnectorConfig;
import io.brick.core.model.ConnectionProperties;
import io.brick.core.model.Protocol;
import io.brick.core.model.Wwid;
import io.brick.testkit.contract.ContractFixture;
import io.brick.testkit.host.SimulatedHost;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** brick-iscsi's iSER transport passes the transport contract, on the iSCSI fixture through the {@code iser} iface. */
class IserTransportContractTest extends IscsiTransportContractTest {
    @Override
    protected ContractFixture fixture() {
        ContractFixture iscsi = super.fixture();
        return new ContractFixture() {
            @Override
            public Protocol protocol() {
                return Protocol.ISER;
            }

            @Override
            public List<BrickPlugin> plugins(ConnectorConfig config) {
                return iscsi.plugins(config);
            }

            @Override
            public SimulatedHost host(Path dir) {
                return iscsi.host(dir);
            }

            @Override
            public int paths() {
                return iscsi.paths();
            }

            @Override
            public ConnectionProperties properties(int volume) {
                return iscsi.properties(volume);
            }

            @Override
            public Wwid wwid(int volume) {
                return iscsi.wwid(volume);
            }

            @Override
            public void failPaths(SimulatedHost host, int volume) {
                iscsi.failPaths(host, volume);
            }

            @Override
            public void reuseAddress(SimulatedHost host, int volume, Wwid newWwid) {
                iscsi.reuseAddress(host, volume, newWwid);
            }

            @Override
            public void grow(SimulatedHost host, int volume, long sizeBytes) {
                iscsi.grow(host, volume, sizeBytes);
            }

            @Override
            public ConnectionProperties invalidProperties() {
                return iscsi.invalidProperties();
            }

            @Override
            public Optional<Secret> withSecret(SimulatedHost host) {
                return iscsi.withSecret(host);
            }
        };
    }
}
