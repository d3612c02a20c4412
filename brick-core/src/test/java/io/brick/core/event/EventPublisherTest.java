package io.brick.core.event;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.brick.core.error.LoginFailedException;
import io.brick.core.time.ManualClock;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class EventPublisherTest {
    private final ManualClock clock = new ManualClock();
    private final List<BrickEvent> received = new ArrayList<>();
    private final EventPublisher events = new EventPublisher(received::add, clock);

    @Test
    void instantEventsCarryTheClocksTimeAndNoDuration() {
        Instant now = clock.instant();

        events.publish(EventType.SCAN, "host3", Map.of("hctl", "3:0:0:1"));

        assertThat(received).containsExactly(new BrickEvent(EventType.SCAN, now, "host3", Optional.empty(), Map.of("hctl", "3:0:0:1")));
    }

    @Test
    void finishedPhaseCarriesItsDuration() {
        EventPublisher.Phase login = events.started(EventType.LOGIN_STARTED, "10.0.0.1:3260", Map.of("iqn", "iqn.2010-10.org:t1"));
        clock.advance(Duration.ofMillis(1500));
        login.finished(EventType.LOGIN_FINISHED);

        assertThat(received).extracting(BrickEvent::type).containsExactly(EventType.LOGIN_STARTED, EventType.LOGIN_FINISHED);
        assertThat(received.get(0).duration()).isEmpty();
        assertThat(received.get(1).duration()).contains(Duration.ofMillis(1500));
        assertThat(received.get(1).subject()).isEqualTo("10.0.0.1:3260");
        assertThat(received.get(1).at()).isEqualTo(received.get(0).at().plusMillis(1500));
    }

    @Test
    void failedPhaseCarriesTheErrorKindAndMessage() {
        EventPublisher.Phase login = events.started(EventType.LOGIN_STARTED, "10.0.0.1:3260");
        clock.advance(Duration.ofSeconds(2));
        login.failed(EventType.LOGIN_FAILED, new LoginFailedException("login to 10.0.0.1:3260 refused", "authorization failure",
                false, Map.of(), null), Map.of("attempt", "1"));

        BrickEvent failed = received.get(1);
        assertThat(failed.type()).isEqualTo(EventType.LOGIN_FAILED);
        assertThat(failed.duration()).contains(Duration.ofSeconds(2));
        assertThat(failed.details()).containsEntry("attempt", "1").containsEntry("message", "login to 10.0.0.1:3260 refused")
                .containsKey("error");
    }

    @Test
    void warningCarriesItsMessage() {
        events.warning("sdc", "leftover device");

        assertThat(received).singleElement().satisfies(event -> {
            assertThat(event.type()).isEqualTo(EventType.WARNING);
            assertThat(event.details()).containsEntry("message", "leftover device");
        });
    }

    @Test
    void listenerFailureIsLoggedWithoutStackTraceAndDropped() {
        EventPublisher failing = new EventPublisher(event -> {
            throw new IllegalStateException("listener broke");
        }, clock);
        Logger logger = (Logger) LoggerFactory.getLogger(EventPublisher.class);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        try {
            failing.publish(EventType.FLUSH, "dm-0");
            failing.started(EventType.OPERATION_STARTED, "connect").finished(EventType.OPERATION_FINISHED);
        } finally {
            logger.detachAppender(appender);
        }

        assertThat(appender.list).hasSize(3).allSatisfy(log -> {
            assertThat(log.getLevel()).isEqualTo(Level.WARN);
            assertThat(log.getThrowableProxy()).isNull();
            assertThat(log.getFormattedMessage()).contains("listener broke");
        });
        assertThat(appender.list.get(0).getFormattedMessage()).contains("FLUSH", "dm-0");
    }
}
