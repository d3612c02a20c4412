package io.brick.iscsi;

import io.brick.core.model.AttachedVolume;
import io.brick.core.model.DevicePath;
import io.brick.testkit.host.Faults;
import io.brick.testkit.host.Latencies;
import io.brick.testkit.host.RecordedLab;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static io.brick.iscsi.SimulatedIscsi.onePortal;
import static io.brick.iscsi.SimulatedIscsi.twoPortals;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 18, item 1: the map a connect returns is usable the moment it is returned. The simulated host answers
 * {@code multipath -C MAP} (os-brick's readiness check since 2024) as multipath does: exit 0 when a path of the map
 * can carry I/O. Asked right after connect returns, with nothing run in between; the lane reads the real kernel's
 * returned device with O_DIRECT after every connect.
 */
class ReturnedMapUsableTest {
    @TempDir
    Path dir;

    @AutoClose
    private SimulatedIscsi lab;

    @Test
    void a_two_portal_map_is_usable_when_returned() {
        lab = SimulatedIscsi.start(dir, Latencies.realistic());
        assertUsable(lab.connector.connect(twoPortals(1)));
    }

    @Test
    void a_map_returned_on_the_one_live_portal_is_usable() {
        lab = SimulatedIscsi.start(dir, Latencies.realistic());
        lab.host.faults().loginRefused(RecordedLab.PORTALS.get(1), Faults.Reason.TARGET_GONE);
        assertUsable(lab.connector.connect(twoPortals(1)));
    }

    @Test
    void a_single_portal_map_is_usable_when_returned() {
        lab = SimulatedIscsi.start(dir, Latencies.realistic());
        assertUsable(lab.connector.connect(onePortal(0)));
    }

    private void assertUsable(AttachedVolume attached) {
        DevicePath path = attached.path();
        assertThat(path.name()).startsWith("dm-");
        var answer = lab.host.run("multipath", "-C", path.name());
        assertThat(answer.exitCode()).as("multipath -C %s: %s", path.name(), answer.stderr()).isZero();
    }
}
