package io.brick.core.connector;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every connector's settings: the defaults, what is refused, and the CLI's {@code --timeout}. */
class ConnectorConfigTest {
    private static final Duration ONE = Duration.ofSeconds(1);

    @Test
    void theDefaultsAreMultipathWithTheDocumentedBudgets() {
        assertThat(ConnectorConfig.defaults()).isEqualTo(new ConnectorConfig(true, Duration.ofSeconds(120),
                Duration.ofSeconds(30), Duration.ofSeconds(10), Duration.ofSeconds(2), Duration.ofSeconds(120),
                Duration.ofSeconds(120)));
    }

    @Test
    void everyBudgetMustBePositiveAndTheNudgeNotNegative() {
        assertThatThrownBy(() -> new ConnectorConfig(true, Duration.ZERO, ONE, ONE, ONE, ONE, ONE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("connectTimeout");
        assertThatThrownBy(() -> new ConnectorConfig(true, ONE, ONE.negated(), ONE, ONE, ONE, ONE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("deviceWait");
        assertThatThrownBy(() -> new ConnectorConfig(true, ONE, ONE, Duration.ZERO, ONE, ONE, ONE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("mapWait");
        assertThatThrownBy(() -> new ConnectorConfig(true, ONE, ONE, ONE, ONE.negated(), ONE, ONE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nudgeAfter");
        assertThatThrownBy(() -> new ConnectorConfig(true, ONE, ONE, ONE, ONE, Duration.ZERO, ONE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("disconnectTimeout");
        assertThatThrownBy(() -> new ConnectorConfig(true, ONE, ONE, ONE, ONE, ONE, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("extendTimeout");
        assertThatThrownBy(() -> new ConnectorConfig(true, ONE, ONE, ONE, null, ONE, ONE))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("nudgeAfter");
        assertThat(new ConnectorConfig(true, ONE, ONE, ONE, Duration.ZERO, ONE, ONE).nudgeAfter()).isZero();
    }

    @Test
    void eachWitherChangesOneSetting() {
        ConnectorConfig defaults = ConnectorConfig.defaults();

        assertThat(defaults.withUseMultipath(false)).isEqualTo(new ConnectorConfig(false, defaults.connectTimeout(),
                defaults.deviceWait(), defaults.mapWait(), defaults.nudgeAfter(), defaults.disconnectTimeout(),
                defaults.extendTimeout()));
        assertThat(defaults.withConnectTimeout(ONE).connectTimeout()).isEqualTo(ONE);
        assertThat(defaults.withConnectTimeout(ONE).deviceWait()).isEqualTo(defaults.deviceWait());
        assertThat(defaults.withDeviceWait(ONE).deviceWait()).isEqualTo(ONE);
        assertThat(defaults.withDeviceWait(ONE).mapWait()).isEqualTo(defaults.mapWait());
        assertThat(defaults.withMapWait(ONE).mapWait()).isEqualTo(ONE);
        assertThat(defaults.withMapWait(ONE).deviceWait()).isEqualTo(defaults.deviceWait());
    }

    @Test
    void aTimeoutSetsTheWholeOperationBudgetsAndCutsTheWaitsInsideThemDown() {
        ConnectorConfig cut = ConnectorConfig.defaults().withTimeout(Duration.ofSeconds(5));

        assertThat(cut).isEqualTo(new ConnectorConfig(true, Duration.ofSeconds(5), Duration.ofSeconds(5),
                Duration.ofSeconds(5), Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(5)));
        assertThat(ConnectorConfig.defaults().withTimeout(Duration.ofSeconds(600)).deviceWait())
                .as("a longer timeout leaves the waits inside an operation as they were")
                .isEqualTo(Duration.ofSeconds(30));
        assertThatThrownBy(() -> ConnectorConfig.defaults().withTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("timeout");
    }
}
