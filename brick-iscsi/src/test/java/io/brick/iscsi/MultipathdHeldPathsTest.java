package io.brick.iscsi;

import io.brick.core.connector.DisconnectOptions;
import io.brick.core.model.AttachedVolume;
import io.brick.core.model.Wwid;
import io.brick.testkit.host.CommandLogEntry;
import io.brick.testkit.host.Latencies;
import io.brick.testkit.host.RecordedLab;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static io.brick.iscsi.SimulatedIscsi.twoPortals;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 18, item 4: paths multipathd still monitors after their devices were removed (a remove event it missed; the
 * hard-reboot race os-brick fixed in 2025) are made to forget them by the disconnect, and only those.
 */
class MultipathdHeldPathsTest {
    @TempDir
    Path dir;

    @AutoClose
    private SimulatedIscsi lab;

    @Test
    void paths_multipathd_still_holds_after_their_removal_are_deleted_from_it() {
        lab = SimulatedIscsi.start(dir, Latencies.realistic());
        AttachedVolume attached = lab.connector.connect(twoPortals(1));
        List<String> paths = lab.host.oracle().leftovers(Wwid.of(RecordedLab.LUN1_WWID)).devices();
        assertThat(paths).hasSize(2);
        lab.host.faults().multipathdKeepsRemovedPaths();
        int before = lab.host.oracle().commandLog().size();

        lab.connector.disconnect(twoPortals(1), Optional.of(attached), DisconnectOptions.SAFE);

        assertThat(lab.host.oracle().pathsMultipathdHolds()).isEmpty();
        assertThat(lab.host.oracle().leftovers().isEmpty()).as(lab.host.oracle().leftovers().toString()).isTrue();
        assertThat(deletedPaths(before)).containsExactlyInAnyOrderElementsOf(
                paths.stream().map(name -> "multipathd del path /dev/" + name).toList());
    }

    @Test
    void without_held_paths_no_path_is_deleted_from_multipathd() {
        lab = SimulatedIscsi.start(dir, Latencies.realistic());
        AttachedVolume attached = lab.connector.connect(twoPortals(1));
        int before = lab.host.oracle().commandLog().size();

        lab.connector.disconnect(twoPortals(1), Optional.of(attached), DisconnectOptions.SAFE);

        assertThat(deletedPaths(before)).isEmpty();
        assertThat(lab.host.oracle().leftovers().isEmpty()).isTrue();
    }

    @Test
    void held_paths_show_in_multipathd_until_deleted() throws Exception {
        lab = SimulatedIscsi.start(dir, Latencies.realistic());
        lab.connector.connect(twoPortals(1));
        String path = lab.host.oracle().leftovers(Wwid.of(RecordedLab.LUN1_WWID)).devices().get(0);
        lab.host.faults().multipathdKeepsRemovedPaths();

        Files.writeString(lab.host.root().resolve("sys/block/" + path + "/device/delete").toRealPath(), "1");
        lab.host.clock().sleep(java.time.Duration.ofSeconds(1));

        assertThat(lab.host.oracle().leftovers().devices()).doesNotContain(path);
        assertThat(lab.host.oracle().pathsMultipathdHolds()).containsExactly(path);
        assertThat(lab.host.run("multipathd", "show", "paths", "raw", "format", "%d %o").stdout())
                .contains(path + " offline");
        lab.host.run("multipathd", "del", "path", "/dev/" + path);
        assertThat(lab.host.oracle().pathsMultipathdHolds()).isEmpty();
    }

    private List<String> deletedPaths(int since) {
        List<CommandLogEntry> log = lab.host.oracle().commandLog();
        return log.subList(since, log.size()).stream().map(CommandLogEntry::display)
                .filter(line -> line.startsWith("multipathd del path")).toList();
    }
}
