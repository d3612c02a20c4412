package io.brick.benchmarks;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The side-by-side's sample is what the tree holds, brick's lookups answer it, and the link cleanup leaves the tree as it was. */
class SideBySideTest {
    private static final HostShape SHAPE = new HostShape(3, 2, 4);

    @TempDir
    Path dir;

    @Test
    void the_sample_is_the_same_for_a_seed_and_names_distinct_volumes_of_the_shape() {
        List<SideBySide.Pick> picks = SideBySide.sample(SHAPE, 6, 17);

        assertThat(SideBySide.sample(SHAPE, 6, 17)).isEqualTo(picks);
        assertThat(SideBySide.sample(SHAPE, 6, 18)).isNotEqualTo(picks);
        assertThat(picks).extracting(SideBySide.Pick::map).doesNotHaveDuplicates().hasSize(6);
        for (SideBySide.Pick pick : picks) {
            assertThat(pick.disks()).containsExactly(SHAPE.disk(pick.target(), 0, pick.lun()),
                    SHAPE.disk(pick.target(), 1, pick.lun()));
            assertThat(pick.disk()).isEqualTo(pick.disks().get(pick.portal()));
            assertThat(pick.hctl()).isEqualTo(HostShape.hostOf(pick.session()) + ":0:0:" + pick.lun());
            assertThat(pick.portals()).containsExactly("10.0.0.1:3260", "10.0.1.1:3260");
        }
        assertThatThrownBy(() -> SideBySide.sample(SHAPE, SHAPE.maps() + 1, 17))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void brick_answers_every_pick_and_the_link_cleanup_puts_the_tree_back() throws IOException {
        HostTree.write(dir, SHAPE);
        List<String> before = listing(dir);
        List<SideBySide.Pick> picks = SideBySide.sample(SHAPE, SHAPE.maps(), 3);

        try (SideBySide.BrickLookups brick = new SideBySide.BrickLookups(dir)) {
            brick.check(picks);
            SideBySide.Pick pick = picks.get(0);
            List<String> removed = new ArrayList<>();
            brick.staleLinks(pick, removed, new SideBySide.Stopwatch());
            assertThat(removed).isNotEmpty().containsExactlyInAnyOrderElementsOf(
                    SideBySide.expectedStaleLinks(pick, brick.linksOf()));
        }
        assertThat(listing(dir)).isEqualTo(before);
    }

    @Test
    void a_pick_the_tree_does_not_hold_fails_the_check() {
        HostTree.write(dir, SHAPE);
        SideBySide.Pick elsewhere = SideBySide.sample(new HostShape(3, 2, 8), 8, 5).stream()
                .filter(pick -> pick.lun() >= SHAPE.lunsPerTarget()).findFirst().orElseThrow();

        try (SideBySide.BrickLookups brick = new SideBySide.BrickLookups(dir)) {
            assertThatThrownBy(() -> brick.check(List.of(elsewhere))).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("sessionDevice");
        }
    }

    @Test
    void iscsiadm_text_lists_every_session_and_node() {
        assertThat(SideBySide.iscsiadmSessions(SHAPE).lines()).hasSize(SHAPE.sessions())
                .contains("tcp: [4] 10.0.1.1:3260,1 " + HostShape.iqn(1) + " (non-flash)");
        assertThat(SideBySide.iscsiadmNodes(SHAPE).lines()).hasSize(SHAPE.sessions())
                .contains("10.0.0.1:3260,1 " + HostShape.iqn(2));
        assertThat(SideBySide.median(List.of(5.0, 1.0, 3.0))).isEqualTo(3.0);
        assertThat(SideBySide.median(List.of(4.0, 1.0, 3.0, 2.0))).isEqualTo(2.5);
    }

    /** Every path under the tree, with where each link points. */
    private static List<String> listing(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.map(path -> {
                try {
                    return root.relativize(path) + (Files.isSymbolicLink(path)
                            ? " -> " + Files.readSymbolicLink(path) : "");
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).sorted().toList();
        }
    }
}
