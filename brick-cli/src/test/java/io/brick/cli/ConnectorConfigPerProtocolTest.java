package io.brick.cli;

import io.brick.core.bootstrap.Brick;
import io.brick.core.connector.ConnectorConfig;
import io.brick.core.lock.ProcessLocks;
import io.brick.core.model.Protocol;
import io.brick.fc.FcPlugin;
import io.brick.iscsi.IscsiPlugin;
import io.brick.multipath.MultipathPlugin;
import io.brick.sysfs.SysfsPlugin;
import io.brick.testkit.host.SimulatedHost;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * brick-iscsi and brick-fc take the same {@link ConnectorConfig} type, each its own instance: in one runtime, each
 * connector works with its own plugin's settings (here whether it uses multipath), not the other's.
 */
class ConnectorConfigPerProtocolTest {
    @TempDir
    Path dir;
    private SimulatedHost host;

    @AfterEach
    void stopHost() {
        if (host != null) {
            host.close();
        }
    }

    private Brick runtime(ConnectorConfig iscsi, ConnectorConfig fc) {
        host = SimulatedHost.builder(dir.resolve("host")).build();
        return Brick.builder()
                .plugins(new SysfsPlugin(), new MultipathPlugin(), new IscsiPlugin(iscsi), new FcPlugin(fc))
                .hostRoot(host.hostRoot()).commandRunner(host.commandRunner())
                .clock(host.clock()).sleeper(host.clock()).processLocks(ProcessLocks.none()).build();
    }

    @Test
    void iscsiWithoutAndFibreChannelWithMultipath() {
        try (Brick brick = runtime(ConnectorConfig.defaults().withUseMultipath(false), ConnectorConfig.defaults())) {
            assertThat(brick.connector(Protocol.ISCSI).connectorProperties()).containsEntry("multipath", false);
            assertThat(brick.connector(Protocol.ISER).connectorProperties()).containsEntry("multipath", false);
            assertThat(brick.connector(Protocol.FIBRE_CHANNEL).connectorProperties()).containsEntry("multipath", true);
        }
    }

    @Test
    void iscsiWithAndFibreChannelWithoutMultipath() {
        try (Brick brick = runtime(ConnectorConfig.defaults(), ConnectorConfig.defaults().withUseMultipath(false))) {
            assertThat(brick.connector(Protocol.ISCSI).connectorProperties()).containsEntry("multipath", true);
            assertThat(brick.connector(Protocol.ISER).connectorProperties()).containsEntry("multipath", true);
            assertThat(brick.connector(Protocol.FIBRE_CHANNEL).connectorProperties()).containsEntry("multipath", false);
        }
    }
}
