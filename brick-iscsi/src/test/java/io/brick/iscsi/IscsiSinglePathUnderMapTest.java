package io.brick.iscsi;

import io.brick.core.connector.ConnectorConfig;
import io.brick.core.connector.DisconnectOptions;
import io.brick.core.model.AttachedVolume;
import io.brick.testkit.host.Latencies;
import io.brick.testkit.host.RecordedLab;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import static io.brick.iscsi.SimulatedIscsi.onePortal;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Found by the fault campaign (brick-reliability, seed 17): a single-path connect (multipath off) returns
 * {@code /dev/sdX}; multipathd, which runs with {@code find_multipaths no}, then makes a map over it. The caller's
 * writes are buffered on {@code sdX}, not in the map, so the disconnect must flush {@code sdX} itself before deleting
 * it, as os-brick's {@code requires_flush} does (the path used is always flushed).
 */
class IscsiSinglePathUnderMapTest {
    @TempDir
    Path dir;

    @AutoClose
    private SimulatedIscsi lab;

    @Test
    void writes_to_a_single_path_that_multipathd_mapped_later_are_flushed_before_the_path_is_deleted() {
        lab = SimulatedIscsi.start(RecordedLab.host(dir, Latencies.realistic()),
                ConnectorConfig.defaults().withUseMultipath(false));
        AttachedVolume attached = lab.connector.connect(onePortal(1));
        assertThat(attached.path().name()).startsWith("sd");
        lab.host.write(attached.path());
        lab.host.clock().sleep(Duration.ofSeconds(2));
        assertThat(lab.host.oracle().leftovers(io.brick.core.model.Wwid.of(SimulatedIscsi.LUN1)).maps())
                .as("multipathd made a map over the path").hasSize(1);

        lab.connector.disconnect(onePortal(1), Optional.of(attached), DisconnectOptions.SAFE);

        assertThat(lab.host.oracle().dataLossEvents()).isEmpty();
        assertThat(lab.host.oracle().commandLog()).anyMatch(entry -> entry.display()
                .equals("blockdev --flushbufs " + attached.path().path()));
        assertThat(lab.host.oracle().leftovers().isEmpty()).as("%s", lab.host.oracle().leftovers()).isTrue();
    }
}
