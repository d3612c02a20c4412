package io.brick.core.time;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RetryPolicyTest {
    @Test
    void osBrickDefaultsWaitOneThenTwoSeconds() {
        RetryPolicy policy = RetryPolicy.defaults();

        assertThat(policy.attempts()).isEqualTo(3);
        assertThat(policy.waitAfter(1)).isEqualTo(Duration.ofSeconds(1));
        assertThat(policy.waitAfter(2)).isEqualTo(Duration.ofSeconds(2));
        assertThat(policy.attemptTimeout()).isEmpty();
    }

    @Test
    void waitsGrowByTheBackoffRate() {
        // os-brick's test_limit_is_reached: interval 2, base 4 -> sleeps 2, 8
        RetryPolicy policy = RetryPolicy.of(3, Duration.ofSeconds(2), 4.0);

        assertThat(policy.waitAfter(1)).isEqualTo(Duration.ofSeconds(2));
        assertThat(policy.waitAfter(2)).isEqualTo(Duration.ofSeconds(8));
    }

    @Test
    void waitsAreCappedAtTheMaxInterval() {
        RetryPolicy policy = RetryPolicy.of(10, Duration.ofSeconds(1), 2.0).withMaxInterval(Duration.ofSeconds(5));

        assertThat(policy.waitAfter(3)).isEqualTo(Duration.ofSeconds(4));
        assertThat(policy.waitAfter(4)).isEqualTo(Duration.ofSeconds(5));
        assertThat(policy.waitAfter(2000)).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void rateOneIsAFixedInterval() {
        RetryPolicy policy = RetryPolicy.of(5, Duration.ofMillis(500), 1.0);

        assertThat(policy.waitAfter(1)).isEqualTo(Duration.ofMillis(500));
        assertThat(policy.waitAfter(4)).isEqualTo(Duration.ofMillis(500));
    }

    @Test
    void invalidPoliciesAreRejected() {
        assertThatThrownBy(() -> RetryPolicy.of(0, Duration.ofSeconds(1), 2.0)).hasMessageContaining("attempts");
        assertThatThrownBy(() -> RetryPolicy.of(3, Duration.ofSeconds(-1), 2.0)).hasMessageContaining("interval");
        assertThatThrownBy(() -> RetryPolicy.of(3, Duration.ofSeconds(1), 0.5)).hasMessageContaining("backoffRate");
        assertThatThrownBy(() -> RetryPolicy.of(3, Duration.ofSeconds(1), Double.NaN)).hasMessageContaining("backoffRate");
        assertThatThrownBy(() -> new RetryPolicy(3, Duration.ofSeconds(1), 2.0, Duration.ofSeconds(-1), Optional.empty()))
                .hasMessageContaining("maxInterval");
        assertThatThrownBy(() -> RetryPolicy.defaults().withAttemptTimeout(Duration.ZERO)).hasMessageContaining("attemptTimeout");
        assertThatThrownBy(() -> RetryPolicy.defaults().waitAfter(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
