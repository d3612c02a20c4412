package io.brick.multipath;

import io.brick.core.time.RetryPolicy;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MultipathConfigTest {
    @Test
    void defaultsFlushThreeTimesOneThenTwoSecondsApart() {
        MultipathConfig config = MultipathConfig.defaults();
        RetryPolicy flush = config.flushPolicy();

        assertThat(flush.attempts()).isEqualTo(3);
        assertThat(flush.waitAfter(1)).isEqualTo(Duration.ofSeconds(1));
        assertThat(flush.waitAfter(2)).isEqualTo(Duration.ofSeconds(2));
        assertThat(config.commandTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.flushTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(config.resizeWindow()).isEqualTo(Duration.ofSeconds(120));
        assertThat(config.resizePolicy().waitAfter(50)).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void rejectsNonsense() {
        Duration second = Duration.ofSeconds(1);
        assertThatThrownBy(() -> new MultipathConfig(0, second, 2.0, second, second, second, second))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new MultipathConfig(3, second, 0.5, second, second, second, second))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new MultipathConfig(3, second, 2.0, Duration.ZERO, second, second, second))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new MultipathConfig(3, second, 2.0, second, second.negated(), second, second))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new MultipathConfig(3, second, 2.0, second, second, second.negated(), second))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new MultipathConfig(3, second, 2.0, second, second, second, null))
                .isInstanceOf(NullPointerException.class);
    }
}
