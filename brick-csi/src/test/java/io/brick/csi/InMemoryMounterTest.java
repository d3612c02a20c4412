package io.brick.csi;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The fake behaves as the real tools do where brick-csi relies on it. */
class InMemoryMounterTest {
    private final InMemoryMounter mounter = new InMemoryMounter();

    @Test
    void a_bind_is_recorded_and_a_second_mount_on_the_same_point_or_an_unmount_of_nothing_fails() {
        Path target = Path.of("/pods/a/../a/vol");

        mounter.bind("/dev/dm-0", target, true);

        assertThat(mounter.isMounted(Path.of("/pods/a/vol"))).isTrue();
        assertThat(mounter.mountAt(Path.of("/pods/a/vol")))
                .contains(new InMemoryMounter.Mount("/dev/dm-0", "bind", List.of(), true));
        assertThatThrownBy(() -> mounter.bind("/dev/dm-1", target, false)).hasMessageContaining("mount point already");
        mounter.unmount(target);
        assertThat(mounter.isMounted(target)).isFalse();
        assertThatThrownBy(() -> mounter.unmount(target)).hasMessageContaining("not mounted");
    }

    @Test
    void format_refuses_a_device_that_holds_anything_and_mount_needs_the_file_system_it_names() {
        mounter.holds("/dev/dm-1", new Mounter.Content("dos", true));

        assertThatThrownBy(() -> mounter.format("/dev/dm-1", "ext4")).hasMessageContaining("already holds dos");
        assertThatThrownBy(() -> mounter.mount("/dev/dm-2", Path.of("/s"), "ext4", List.of()))
                .hasMessageContaining("no file system");
        mounter.format("/dev/dm-2", "xfs");
        assertThatThrownBy(() -> mounter.mount("/dev/dm-2", Path.of("/s"), "ext4", List.of()))
                .hasMessageContaining("holds xfs");
        mounter.mount("/dev/dm-2", Path.of("/s"), "xfs", List.of("ro", "noatime"));

        assertThat(mounter.formatted()).containsExactly("/dev/dm-2");
        assertThat(mounter.content("/dev/dm-2")).contains(new Mounter.Content("xfs", false));
        assertThat(mounter.mountAt(Path.of("/s"))).contains(new InMemoryMounter.Mount("/dev/dm-2", "xfs",
                List.of("ro", "noatime"), true));
    }
}
