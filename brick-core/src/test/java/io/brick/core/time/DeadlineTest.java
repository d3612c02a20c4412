package io.brick.core.time;

import io.brick.core.error.OperationTimeoutException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DeadlineTest {
    private final ManualClock clock = new ManualClock();

    @Test
    void remainingShrinksWithTheClockAndStopsAtZero() {
        Deadline deadline = Deadline.after(Duration.ofSeconds(10), clock);
        clock.advance(Duration.ofSeconds(4));

        assertThat(deadline.remaining()).isEqualTo(Duration.ofSeconds(6));
        assertThat(deadline.elapsed()).isEqualTo(Duration.ofSeconds(4));
        assertThat(deadline.expired()).isFalse();

        clock.advance(Duration.ofSeconds(7));
        assertThat(deadline.remaining()).isEqualTo(Duration.ZERO);
        assertThat(deadline.elapsed()).isEqualTo(Duration.ofSeconds(11));
        assertThat(deadline.expired()).isTrue();
        assertThat(deadline.budget()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void zeroBudgetIsExpiredAtOnce() {
        assertThat(Deadline.after(Duration.ZERO, clock).expired()).isTrue();
    }

    @Test
    void negativeBudgetIsRejected() {
        assertThatThrownBy(() -> Deadline.after(Duration.ofMillis(-1), clock))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not negative");
    }

    @Test
    void hugeBudgetDoesNotOverflow() {
        Deadline deadline = Deadline.after(Duration.ofSeconds(Long.MAX_VALUE), clock);

        assertThat(deadline.expired()).isFalse();
        assertThat(deadline.budget()).isEqualTo(Deadline.MAX_BUDGET);
        assertThat(deadline.remaining()).isEqualTo(Deadline.MAX_BUDGET);
    }

    @Test
    void capGivesTheSmallerOfLimitAndTimeLeft() {
        Deadline deadline = Deadline.after(Duration.ofSeconds(10), clock);

        assertThat(deadline.cap(Duration.ofSeconds(3))).isEqualTo(Duration.ofSeconds(3));
        clock.advance(Duration.ofSeconds(8));
        assertThat(deadline.cap(Duration.ofSeconds(3))).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void subDeadlineEndsAtItsLimitWhenThatComesFirst() {
        Deadline deadline = Deadline.after(Duration.ofSeconds(10), clock);
        clock.advance(Duration.ofSeconds(1));

        Deadline step = deadline.sub(Duration.ofSeconds(3));
        assertThat(step.budget()).isEqualTo(Duration.ofSeconds(3));
        clock.advance(Duration.ofSeconds(3));
        assertThat(step.expired()).isTrue();
        assertThat(deadline.expired()).isFalse();
    }

    @Test
    void subDeadlineNeverOutlivesItsParent() {
        Deadline deadline = Deadline.after(Duration.ofSeconds(10), clock);
        clock.advance(Duration.ofSeconds(8));

        Deadline step = deadline.sub(Duration.ofSeconds(30));
        assertThat(step.budget()).isEqualTo(Duration.ofSeconds(2));
        clock.advance(Duration.ofSeconds(2));
        assertThat(step.expired()).isTrue();
    }

    @Test
    void subDeadlineOfAnExpiredDeadlineIsExpired() {
        Deadline deadline = Deadline.after(Duration.ofSeconds(1), clock);
        clock.advance(Duration.ofSeconds(5));

        Deadline step = deadline.sub(Duration.ofSeconds(3));
        assertThat(step.expired()).isTrue();
        assertThat(step.budget()).isEqualTo(Duration.ZERO);
    }

    @Test
    void checkPassesBeforeTheDeadline() {
        Deadline deadline = Deadline.after(Duration.ofSeconds(10), clock);
        clock.advance(Duration.ofSeconds(9));

        deadline.check("device sdb");
        assertThat(deadline.expired()).isFalse();
    }

    @Test
    void checkThrowsATimeoutWithWhatWasAwaitedOnceExpired() {
        Deadline deadline = Deadline.after(Duration.ofSeconds(10), clock);
        clock.advance(Duration.ofSeconds(12));

        assertThatThrownBy(() -> deadline.check("device sdb", Map.of("hctl", "3:0:0:1")))
                .isInstanceOfSatisfying(OperationTimeoutException.class, e -> {
                    assertThat(e.elapsed()).isEqualTo(Duration.ofSeconds(12));
                    assertThat(e.evidence()).containsEntry("awaited", "device sdb")
                            .containsEntry("budgetMillis", "10000")
                            .containsEntry("elapsedMillis", "12000")
                            .containsEntry("hctl", "3:0:0:1");
                    assertThat(e.retriable()).isTrue();
                });
    }
}
