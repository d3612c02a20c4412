package io.brick.reliability;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import io.brick.core.lock.DefaultLockManager;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How long brick's lock manager waited for its keys, read from its DEBUG lines ({@code lock K acquired after N ms},
 * simulated time) while a test runs: numbers for the report only, never asserted on.
 */
final class StressLockWaits extends AppenderBase<ILoggingEvent> implements AutoCloseable {
    private static final Pattern ACQUIRED = Pattern.compile("lock (\\S+) acquired after (\\d+) ms");

    private final Logger logger = (Logger) LoggerFactory.getLogger(DefaultLockManager.class);
    private final Level previous = logger.getLevel();
    private final List<Long> waits = new ArrayList<>();

    StressLockWaits() {
        start();
        logger.addAppender(this);
        logger.setLevel(Level.DEBUG);
    }

    @Override
    protected void append(ILoggingEvent event) {
        Matcher matcher = ACQUIRED.matcher(event.getFormattedMessage());
        if (matcher.matches()) {
            synchronized (waits) {
                waits.add(Long.parseLong(matcher.group(2)));
            }
        }
    }

    /** {@code acquisitions, waited, mean and longest wait} as one line. */
    String summary() {
        synchronized (waits) {
            long waited = waits.stream().filter(each -> each > 0).count();
            long total = waits.stream().mapToLong(Long::longValue).sum();
            long longest = waits.stream().mapToLong(Long::longValue).max().orElse(0);
            return waits.size() + " lock acquisitions (outermost), " + waited + " of them waited; mean wait "
                    + (waits.isEmpty() ? 0 : total / waits.size()) + " ms, longest " + longest + " ms (simulated)";
        }
    }

    @Override
    public void close() {
        logger.detachAppender(this);
        logger.setLevel(previous);
        stop();
    }
}
