package io.brick.exec;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ExecConfigTest {
    @Test
    void defaultsAreOneMebibytePerStreamAndTwoSecondsOfGrace() {
        ExecConfig defaults = ExecConfig.defaults();

        assertThat(defaults.captureLimitBytes()).isEqualTo(1024 * 1024);
        assertThat(defaults.killGracePeriod()).isEqualTo(Duration.ofSeconds(2));
        assertThat(defaults.extraEnvironment()).isEmpty();
    }

    @Test
    void withersChangeOneField() {
        ExecConfig config = ExecConfig.defaults().withCaptureLimitBytes(10).withKillGracePeriod(Duration.ZERO)
                .withExtraEnvironment(Map.of("A", "b"));

        assertThat(config).isEqualTo(new ExecConfig(10, Duration.ZERO, Map.of("A", "b")));
    }

    @Test
    void theCaptureLimitMustBePositive() {
        assertThatThrownBy(() -> ExecConfig.defaults().withCaptureLimitBytes(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("capture limit");
    }

    @Test
    void theGracePeriodCannotBeNegative() {
        assertThatThrownBy(() -> ExecConfig.defaults().withKillGracePeriod(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("grace");
    }

    @Test
    void theLocaleCannotBeOverridden() {
        assertThatThrownBy(() -> ExecConfig.defaults().withExtraEnvironment(Map.of("LC_ALL", "de_DE.UTF-8")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("LC_ALL=C");
        assertThatThrownBy(() -> ExecConfig.defaults().withExtraEnvironment(Map.of("LANG", "de_DE.UTF-8")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("LANG");
    }

    @Test
    void malformedVariablesAreRejected() {
        assertThatThrownBy(() -> ExecConfig.defaults().withExtraEnvironment(Map.of("A=B", "c")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ExecConfig.defaults().withExtraEnvironment(Map.of("", "c")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ExecConfig.defaults().withExtraEnvironment(Map.of("A", "c\0d")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theExtraEnvironmentIsCopied() {
        Map<String, String> mutable = new HashMap<>(Map.of("A", "1"));
        ExecConfig config = ExecConfig.defaults().withExtraEnvironment(mutable);
        mutable.put("B", "2");

        assertThat(config.extraEnvironment()).containsOnlyKeys("A");
    }

    @Test
    void theEnvironmentForcesTheCLocaleAndTheToolDirectoriesOverInheritedValuesAndDropsTheLoadersVariables() {
        Map<String, String> environment = CommonsExecCommandRunner.environment(
                Map.of("LC_ALL", "de_DE.UTF-8", "LANG", "de_DE.UTF-8", "PATH", "/home/mallory/bin:/bin", "KEEP", "1",
                        "LD_PRELOAD", "/home/mallory/evil.so", "LD_LIBRARY_PATH", "/home/mallory/lib"),
                Map.of("KEEP", "2", "EXTRA", "3"), List.of("/usr/sbin", "/usr/bin"));

        assertThat(environment).containsExactlyInAnyOrderEntriesOf(
                Map.of("LC_ALL", "C", "LANG", "C", "PATH", "/usr/sbin:/usr/bin", "KEEP", "2", "EXTRA", "3"));
    }
}
