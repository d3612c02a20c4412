package io.brick.cli;

import ch.qos.logback.classic.pattern.Abbreviator;
import ch.qos.logback.classic.pattern.TargetLengthBasedClassNameAbbreviator;
import ch.qos.logback.classic.pattern.ThrowableProxyConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.LayoutBase;
import ch.qos.logback.core.util.CachingDateFormatter;

/**
 * Lays a log event out as logback's {@code PatternLayout} does with {@value LogConfigurator#PATTERN}, written out by
 * hand: {@code PatternLayout}'s class initialiser registers every converter logback has (some 140 classes, half of
 * them lambdas), which a one-operation process pays for on every start. Time of day in the default time zone, the
 * level padded to five characters, the logger name abbreviated to 36 characters, the message, a line separator, and
 * then the stack trace of a logged throwable as {@code PatternLayout} appends it ({@code %ex}). Thread-safe.
 */
final class LogLayout extends LayoutBase<ILoggingEvent> {
    private static final int LEVEL_WIDTH = 5;
    private static final int LOGGER_WIDTH = 36;

    private final CachingDateFormatter time = new CachingDateFormatter("HH:mm:ss.SSS");
    private final Abbreviator abbreviator = new TargetLengthBasedClassNameAbbreviator(LOGGER_WIDTH);

    @Override
    public String doLayout(ILoggingEvent event) {
        StringBuilder line = new StringBuilder(128);
        line.append(time.format(event.getTimeStamp())).append(' ');
        String level = event.getLevel().toString();
        line.append(level);
        for (int i = level.length(); i < LEVEL_WIDTH; i++) {
            line.append(' ');
        }
        line.append(' ').append(abbreviator.abbreviate(event.getLoggerName()))
                .append(" - ").append(event.getFormattedMessage())
                .append(CoreConstants.LINE_SEPARATOR);
        if (event.getThrowableProxy() != null) {
            line.append(throwable(event));
        }
        return line.toString();
    }

    /** The stack trace as {@code %ex} prints it (only paid for when an event carries a throwable). */
    private String throwable(ILoggingEvent event) {
        ThrowableProxyConverter converter = new ThrowableProxyConverter();
        converter.setContext(getContext());
        converter.start();
        return converter.convert(event);
    }
}
