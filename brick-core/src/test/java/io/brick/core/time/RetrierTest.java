package io.brick.core.time;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.brick.core.error.DeviceNotFoundException;
import io.brick.core.error.HostStateException;
import io.brick.core.error.InvalidInputException;
import io.brick.core.error.OperationInterruptedException;
import io.brick.core.error.OperationTimeoutException;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RetrierTest {
    private final ManualClock clock = new ManualClock();
    private final Retrier retrier = new Retrier(clock, clock);
    private final AtomicInteger calls = new AtomicInteger();

    private static HostStateException retriable(int attempt) {
        return new HostStateException("busy (attempt " + attempt + ")", true, Map.of("attempt", Integer.toString(attempt)), null);
    }

    private Deadline minute() {
        return Deadline.after(Duration.ofMinutes(1), clock);
    }

    @Test
    void firstSuccessReturnsWithoutSleeping() {
        String result = retrier.run("probe", RetryPolicy.defaults(), minute(), deadline -> {
            calls.incrementAndGet();
            return "ok";
        });

        assertThat(result).isEqualTo("ok");
        assertThat(calls).hasValue(1);
        assertThat(clock.sleeps()).isEmpty();
    }

    @Test
    void retriableFailuresAreRetriedWithBackoffUntilSuccess() {
        String result = retrier.run("login", RetryPolicy.defaults(), minute(), deadline -> {
            int attempt = calls.incrementAndGet();
            if (attempt < 3) {
                throw retriable(attempt);
            }
            return "logged in";
        });

        assertThat(result).isEqualTo("logged in");
        assertThat(calls).hasValue(3);
        assertThat(clock.sleeps()).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2));
    }

    @Test
    void lastFailureIsRethrownWhenAttemptsAreUsedUp() {
        List<RuntimeException> thrown = new ArrayList<>();

        assertThatThrownBy(() -> retrier.run("login", RetryPolicy.defaults(), minute(), deadline -> {
            HostStateException failure = retriable(calls.incrementAndGet());
            thrown.add(failure);
            throw failure;
        })).isSameAs(thrown.get(2));

        assertThat(calls).hasValue(3);
        assertThat(clock.sleeps()).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2));
    }

    @Test
    void failuresThatAreNotRetriableAreRethrownAtOnce() {
        InvalidInputException invalid = new InvalidInputException("target_lun", "not a number");

        assertThatThrownBy(() -> retrier.run("parse", RetryPolicy.defaults(), minute(), deadline -> {
            calls.incrementAndGet();
            throw invalid;
        })).isSameAs(invalid);

        assertThat(calls).hasValue(1);
        assertThat(clock.sleeps()).isEmpty();
    }

    @Test
    void callerPredicateDecidesWhatIsRetried() {
        String result = retrier.run("find device", RetryPolicy.defaults(), minute(),
                failure -> failure instanceof DeviceNotFoundException, deadline -> {
                    if (calls.incrementAndGet() == 1) {
                        throw new DeviceNotFoundException("no sdb yet", Map.of());
                    }
                    return "sdb";
                });
        assertThat(result).isEqualTo("sdb");

        calls.set(0);
        HostStateException otherRetriable = retriable(1);
        assertThatThrownBy(() -> retrier.run("find device", RetryPolicy.defaults(), minute(),
                failure -> failure instanceof DeviceNotFoundException, deadline -> {
                    calls.incrementAndGet();
                    throw otherRetriable;
                })).isSameAs(otherRetriable);
        assertThat(calls).hasValue(1);
    }

    @Test
    void stopsEarlyRatherThanSleepPastTheDeadline() {
        Deadline deadline = Deadline.after(Duration.ofMillis(2500), clock);
        List<RuntimeException> thrown = new ArrayList<>();

        assertThatThrownBy(() -> retrier.run("login", RetryPolicy.of(5, Duration.ofSeconds(1), 2.0), deadline, attemptDeadline -> {
            HostStateException failure = retriable(calls.incrementAndGet());
            thrown.add(failure);
            throw failure;
        })).isSameAs(thrown.get(1));

        // waited 1 s after attempt 1; the 2 s wait after attempt 2 would end past the deadline (1.5 s left)
        assertThat(calls).hasValue(2);
        assertThat(clock.slept()).isEqualTo(Duration.ofSeconds(1));
        assertThat(deadline.expired()).isFalse();
    }

    @Test
    void interruptionIsNeverRetried() {
        OperationInterruptedException interrupted = new OperationInterruptedException("login", new InterruptedException());

        assertThatThrownBy(() -> retrier.run("login", RetryPolicy.defaults(), minute(), failure -> true, deadline -> {
            calls.incrementAndGet();
            throw interrupted;
        })).isSameAs(interrupted);

        assertThat(calls).hasValue(1);
        assertThat(clock.sleeps()).isEmpty();
    }

    @Test
    void eachAttemptGetsThePerAttemptTimeoutWithinTheDeadline() {
        List<Duration> budgets = new ArrayList<>();
        Deadline deadline = Deadline.after(Duration.ofSeconds(12), clock);
        RetryPolicy policy = RetryPolicy.of(3, Duration.ofSeconds(1), 1.0).withAttemptTimeout(Duration.ofSeconds(5));

        assertThatThrownBy(() -> retrier.run("flush", policy, deadline, attemptDeadline -> {
            budgets.add(attemptDeadline.budget());
            clock.advance(attemptDeadline.remaining()); // each attempt uses all the time it has
            throw retriable(calls.incrementAndGet());
        })).isInstanceOf(HostStateException.class);

        // 5 s, wait 1 s, 5 s, wait 1 s: 0 s left, so the third attempt is never made
        assertThat(budgets).containsExactly(Duration.ofSeconds(5), Duration.ofSeconds(5));
    }

    @Test
    void lastAttemptGetsWhatIsLeftWhenThatIsLessThanThePerAttemptTimeout() {
        List<Duration> budgets = new ArrayList<>();
        Deadline deadline = Deadline.after(Duration.ofSeconds(8), clock);
        RetryPolicy policy = RetryPolicy.of(2, Duration.ofSeconds(1), 1.0).withAttemptTimeout(Duration.ofSeconds(5));

        assertThatThrownBy(() -> retrier.run("flush", policy, deadline, attemptDeadline -> {
            budgets.add(attemptDeadline.budget());
            clock.advance(attemptDeadline.remaining());
            throw retriable(calls.incrementAndGet());
        })).isInstanceOf(HostStateException.class);

        assertThat(budgets).containsExactly(Duration.ofSeconds(5), Duration.ofSeconds(2));
    }

    @Test
    void expiredDeadlineRunsNoAttempt() {
        Deadline deadline = Deadline.after(Duration.ofSeconds(1), clock);
        clock.advance(Duration.ofSeconds(2));

        assertThatThrownBy(() -> retrier.run("login", RetryPolicy.defaults(), deadline, attemptDeadline -> calls.incrementAndGet()))
                .isInstanceOf(OperationTimeoutException.class)
                .hasMessageContaining("login");
        assertThat(calls).hasValue(0);
    }

    @Test
    void intermediateFailuresAreLoggedAtDebugAndOnlyTheFinalOneAtWarn() {
        Logger logger = (Logger) LoggerFactory.getLogger(Retrier.class);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        Level previous = logger.getLevel();
        logger.setLevel(Level.DEBUG);
        logger.addAppender(appender);
        try {
            assertThatThrownBy(() -> retrier.run("login", RetryPolicy.defaults(), minute(), deadline -> {
                throw retriable(calls.incrementAndGet());
            })).isInstanceOf(HostStateException.class);
        } finally {
            logger.detachAppender(appender);
            logger.setLevel(previous);
        }

        List<ILoggingEvent> warnings = appender.list.stream().filter(e -> e.getLevel() == Level.WARN).toList();
        List<ILoggingEvent> debugs = appender.list.stream().filter(e -> e.getLevel() == Level.DEBUG).toList();
        assertThat(warnings).hasSize(1);
        assertThat(warnings.get(0).getFormattedMessage()).contains("login", "3 attempt", "attempt 3");
        assertThat(warnings.get(0).getThrowableProxy()).isNull();
        assertThat(debugs).hasSize(2);
    }
}
