package io.brick.multipath;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;

import org.slf4j.LoggerFactory;

import java.util.List;

/** Everything one class logs (down to DEBUG) while a test runs; {@link #close()} restores the logger. */
final class CapturedLogs implements AutoCloseable {
    private final Logger logger;
    private final Level previous;
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    private CapturedLogs(Class<?> type) {
        logger = (Logger) LoggerFactory.getLogger(type);
        previous = logger.getLevel();
        appender.start();
        logger.addAppender(appender);
        logger.setLevel(Level.DEBUG);
    }

    static CapturedLogs of(Class<?> type) {
        return new CapturedLogs(type);
    }

    /** The formatted messages logged so far. */
    List<String> messages() {
        return appender.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }

    /** The events logged above {@code level} so far, as "LEVEL message". */
    List<String> above(Level level) {
        return appender.list.stream().filter(event -> event.getLevel().isGreaterOrEqual(level) && event.getLevel() != level)
                .map(event -> event.getLevel() + " " + event.getFormattedMessage()).toList();
    }

    @Override
    public void close() {
        logger.detachAppender(appender);
        logger.setLevel(previous);
    }
}
