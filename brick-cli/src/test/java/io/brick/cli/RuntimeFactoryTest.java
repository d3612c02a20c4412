package io.brick.cli;

import io.brick.core.bootstrap.Brick;
import io.brick.core.event.EventListener;
import io.brick.core.model.Protocol;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The real runtime takes its plugins from META-INF/services, the way brick-csi does, with or without --timeout. */
class RuntimeFactoryTest {
    @TempDir
    Path dir;

    @Test
    void the_real_runtime_installs_the_five_listed_plugins_and_a_timeout_replaces_none_of_them() {
        for (Optional<Duration> timeout : List.of(Optional.<Duration>empty(), Optional.of(Duration.ofSeconds(7)))) {
            RuntimeOptions options = new RuntimeOptions(Optional.of(dir), Optional.of(dir.resolve("locks")), timeout);
            try (Brick brick = RuntimeFactory.real().create(options, EventListener.none())) {
                assertThat(brick.plugins()).as("plugins with timeout %s", timeout)
                        .containsExactlyInAnyOrder("exec", "sysfs", "multipath", "iscsi", "fc");
                assertThat(brick.protocols()).extracting(Protocol::name)
                        .containsExactly("FIBRE_CHANNEL", "ISCSI", "ISER");
            }
        }
    }
}
