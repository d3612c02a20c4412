package io.brick.cli;

import ch.qos.logback.classic.ClassicConstants;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class LogConfiguratorTest {
    private final LoggerContext context = new LoggerContext();

    @Test
    void logsWarningsAndAboveOnStandardErrorThroughOneAppender() {
        Configurator.ExecutionStatus status = new LogConfigurator().configure(context);

        assertThat(status).isEqualTo(Configurator.ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY);
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        assertThat(root.getLevel()).isEqualTo(Level.WARN);
        List<Appender<ILoggingEvent>> appenders = new ArrayList<>();
        root.iteratorForAppenders().forEachRemaining(appenders::add);
        assertThat(appenders).singleElement().isInstanceOfSatisfying(ConsoleAppender.class, appender -> {
            assertThat(appender.getName()).isEqualTo("STDERR");
            assertThat(appender.getTarget()).isEqualTo("System.err");
            assertThat(appender.isStarted()).isTrue();
        });
        assertThat(context.getLogger("io.brick.iscsi.IscsiConnector").isDebugEnabled()).isFalse();
        assertThat(context.getLogger("io.brick.iscsi.IscsiConnector").isEnabledFor(Level.WARN)).isTrue();
    }

    @Test
    void stepsAsideForTheConfigurationFileTheUserNames() {
        String before = System.getProperty(ClassicConstants.CONFIG_FILE_PROPERTY);
        System.setProperty(ClassicConstants.CONFIG_FILE_PROPERTY, "/etc/brick/logback.xml");
        try {
            Configurator.ExecutionStatus status = new LogConfigurator().configure(context);

            assertThat(status).isEqualTo(Configurator.ExecutionStatus.INVOKE_NEXT_IF_ANY);
            assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).iteratorForAppenders().hasNext()).isFalse();
        } finally {
            if (before == null) {
                System.clearProperty(ClassicConstants.CONFIG_FILE_PROPERTY);
            } else {
                System.setProperty(ClassicConstants.CONFIG_FILE_PROPERTY, before);
            }
        }
    }

    @Test
    void isTheServiceLogbackFinds() throws IOException {
        try (InputStream in = LogConfigurator.class.getResourceAsStream(
                "/META-INF/services/ch.qos.logback.classic.spi.Configurator")) {
            assertThat(in).isNotNull();
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8).strip())
                    .isEqualTo(LogConfigurator.class.getName());
        }
    }

    @Test
    void linesAreWhatThePatternLayoutPrints() {
        PatternLayout pattern = new PatternLayout();
        pattern.setContext(context);
        pattern.setPattern(LogConfigurator.PATTERN);
        pattern.start();
        LogLayout layout = new LogLayout();
        layout.setContext(context);
        layout.start();
        IllegalStateException failure = new IllegalStateException("outer",
                new java.io.IOException("inner: no such device"));

        List<ILoggingEvent> events = List.of(
                event("io.brick.cli.doctor.Doctor", Level.INFO, "doctor found {} problem(s)", null, 0),
                event("io.brick.iscsi.IscsiConnector", Level.DEBUG, "login {} -> {}", null, "127.0.0.1:3260", "ok"),
                event("io.brick.core.bootstrap.some.deeply.nested.package.LongClassName", Level.WARN, "w", null),
                event("ROOT", Level.ERROR, "no arguments {}", null),
                event("x", Level.TRACE, "multi\nline", null),
                event("io.brick.exec.ProcessRunner", Level.WARN, "the command failed", failure));

        for (ILoggingEvent e : events) {
            assertThat(layout.doLayout(e)).isEqualTo(pattern.doLayout(e));
        }
        assertThat(layout.doLayout(events.get(5))).contains("Caused by: java.io.IOException: inner: no such device");
    }

    private LoggingEvent event(String logger, Level level, String message, Throwable throwable, Object... args) {
        LoggingEvent event = new LoggingEvent(Logger.class.getName(), context.getLogger(logger), level, message,
                throwable, args);
        event.setTimeStamp(1_700_000_123_456L);
        return event;
    }
}
