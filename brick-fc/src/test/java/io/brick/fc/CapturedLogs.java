package io.brick.fc;

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

    private CapturedLogs(String name) {
        logger = (Logger) LoggerFactory.getLogger(name);
        previous = logger.getLevel();
        appender.start();
        logger.addAppender(appender);
        logger.setLevel(Level.DEBUG);
    }

    static CapturedLogs of(Class<?> type) {
        return new CapturedLogs(type.getName());
    }

    /** Everything logged under a logger name and its children ({@code io.brick} for all of brick and the testkit). */
    static CapturedLogs of(String loggerName) {
        return new CapturedLogs(loggerName);
    }

    /** The formatted messages logged so far. */
    List<String> messages() {
        return appender.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }

    @Override
    public void close() {
        logger.detachAppender(appender);
        logger.setLevel(previous);
    }
}
