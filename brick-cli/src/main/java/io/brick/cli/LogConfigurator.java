package io.brick.cli;

import ch.qos.logback.classic.ClassicConstants;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * The brick command's logging, set up in code (logback's {@link Configurator} service, found through
 * {@code META-INF/services}) rather than from an XML file: parsing XML with Joran loaded some 500 classes on every
 * start of a process that runs one operation. The configuration: one console appender on standard error (standard
 * output carries the result, text or JSON), lines as the pattern {@value #PATTERN} lays them out ({@link LogLayout}),
 * root level WARN; {@code --verbose} then raises {@code io.brick} to DEBUG.
 *
 * <p>A user's own configuration still wins: with {@code -Dlogback.configurationFile=FILE} this configurator steps
 * aside and logback's XML configurator reads that file.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_LOW_PRIORITY)
public final class LogConfigurator extends ContextAwareBase implements Configurator {
    /** The layout of every log line. */
    static final String PATTERN = "%d{HH:mm:ss.SSS} %-5level %logger{36} - %msg%n";

    /** Creates the configurator (logback instantiates it through the service loader). */
    public LogConfigurator() {
        super();
    }

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        String file = System.getProperty(ClassicConstants.CONFIG_FILE_PROPERTY);
        if (file != null && !file.isBlank()) {
            addInfo(ClassicConstants.CONFIG_FILE_PROPERTY + " is set: leaving the configuration to " + file);
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        LogLayout layout = new LogLayout();
        layout.setContext(context);
        layout.start();
        LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
        encoder.setContext(context);
        encoder.setLayout(layout);
        encoder.start();

        ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
        appender.setContext(context);
        appender.setName("STDERR");
        appender.setTarget("System.err");
        appender.setEncoder(encoder);
        appender.start();

        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.WARN);
        root.addAppender(appender);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }
}
