package io.brick.core.time;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PollTest {
    private final ManualClock clock = new ManualClock();

    @Test
    void looksEvery25msWhileLittleTimeHasPassed() {
        Poll poll = Poll.within(Deadline.after(Duration.ofMinutes(1), clock));

        for (int look = 0; look < 10; look++) {
            assertThat(poll.next()).isEqualTo(Duration.ofMillis(25));
            clock.sleep(poll.next());
        }
        assertThat(poll.next()).as("after 250 ms: a tenth of it").isEqualTo(Duration.ofMillis(25));
        clock.advance(Duration.ofMillis(750));
        assertThat(poll.next()).isEqualTo(Duration.ofMillis(100));
    }

    @Test
    void neverSleepsLongerThanMaxNorPastTheWait() {
        Deadline wait = Deadline.after(Duration.ofSeconds(60), clock);
        Poll poll = Poll.within(wait);

        clock.advance(Duration.ofSeconds(30));
        assertThat(poll.next()).isEqualTo(Poll.MAX);
        clock.advance(Duration.ofMillis(29_800));
        assertThat(poll.next()).as("200 ms left").isEqualTo(Duration.ofMillis(200));
        assertThat(poll.interval()).isEqualTo(Poll.MAX);
        clock.advance(Duration.ofSeconds(1));
        assertThat(poll.next()).isZero();
    }

    @Test
    void aMinuteOfWaitingLooksAboutOneHundredAndFiftyTimes() {
        Deadline wait = Deadline.after(Duration.ofMinutes(1), clock);
        Poll poll = Poll.within(wait);
        int looks = 0;
        while (!wait.expired()) {
            clock.sleep(poll.next());
            looks++;
        }
        assertThat(looks).isBetween(140, 160);
    }

    @Test
    void whatAppearsIsSeenAtMostATenthOfTheWaitLate() {
        for (long appearsMillis : new long[] {1, 24, 100, 1_000, 4_321, 20_000, 59_000}) {
            ManualClock time = new ManualClock();
            Deadline wait = Deadline.after(Duration.ofMinutes(1), time);
            Poll poll = Poll.within(wait);
            long start = time.nanoTime();
            Duration appears = Duration.ofMillis(appearsMillis);
            while (Duration.ofNanos(time.nanoTime() - start).compareTo(appears) < 0) {
                time.sleep(poll.next());
            }
            Duration late = Duration.ofNanos(time.nanoTime() - start).minus(appears);
            Duration bound = Duration.ofMillis(Math.max(25, Math.min(500, appearsMillis / 10)));
            assertThat(late).as("appears at %d ms", appearsMillis).isLessThanOrEqualTo(bound);
        }
    }

    @Test
    void startsAtTheFirstIntervalItIsGiven() {
        Poll poll = Poll.within(Deadline.after(Duration.ofSeconds(5), clock), Duration.ofMillis(10));

        assertThat(poll.next()).isEqualTo(Duration.ofMillis(10));
        clock.advance(Duration.ofSeconds(1));
        assertThat(poll.next()).isEqualTo(Duration.ofMillis(100));
    }

    @Test
    void refusesAFirstIntervalThatIsNotPositiveOrAboveMax() {
        Deadline wait = Deadline.after(Duration.ofSeconds(5), clock);

        assertThatThrownBy(() -> Poll.within(wait, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Poll.within(wait, Duration.ofSeconds(1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Poll.within(null)).isInstanceOf(NullPointerException.class);
    }
}
