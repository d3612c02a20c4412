package io.brick.exec;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import io.brick.core.error.BrickException;
import io.brick.core.error.CommandFailedException;
import io.brick.core.error.CommandTimeoutException;
import io.brick.core.port.Command;
import io.brick.core.port.CommandResult;
import io.brick.core.port.CommandRunner;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Secret arguments never appear in a log line (down to TRACE) or an exception, even when the tool echoes them. */
class SecretsNeverLeakTest {
    private static final String SECRET = "Sup3r-S3cret-Value";

    private final Logger logger = (Logger) LoggerFactory.getLogger("io.brick.exec");
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private Level previousLevel;
    private final CommandRunner runner = new CommonsExecCommandRunner(ExecConfig.defaults());

    @BeforeEach
    void captureLogs() {
        previousLevel = logger.getLevel();
        logger.setLevel(Level.TRACE);
        appender.start();
        logger.addAppender(appender);
    }

    @AfterEach
    void restoreLogs() {
        logger.detachAppender(appender);
        logger.setLevel(previousLevel);
    }

    private List<String> logged() {
        List<String> lines = new ArrayList<>();
        for (ILoggingEvent event : appender.list) {
            lines.add(event.getFormattedMessage());
            for (IThrowableProxy thrown = event.getThrowableProxy(); thrown != null; thrown = thrown.getCause()) {
                lines.add(thrown.getMessage());
            }
        }
        return lines;
    }

    private static void assertNoSecretIn(BrickException error) {
        assertThat(error.getMessage()).doesNotContain(SECRET);
        assertThat(error.evidence().values()).noneMatch(value -> value.contains(SECRET));
        assertThat(error.toString()).doesNotContain(SECRET);
    }

    @Test
    void aSecretEchoedToStdoutReachesTheCallerButNoLogLine() {
        CommandResult result = runner.run(Command.builder("echo").secretArg(SECRET).build());

        assertThat(result.stdout()).isEqualTo(SECRET + "\n");
        assertThat(result.command()).isEqualTo("echo ***");
        assertThat(logged()).anyMatch(line -> line.contains("running echo ***"))
                .anyMatch(line -> line.contains("echo *** exited with 0"))
                .noneMatch(line -> line.contains(SECRET));
    }

    @Test
    void aFailingCommandWithASecretArgumentRaisesAnExceptionWithoutIt() {
        CommandFailedException failure = catchThrowableOfType(CommandFailedException.class,
                () -> runner.run(Command.builder("false").secretArg(SECRET).build()));

        assertThat(failure.command()).isEqualTo("false ***");
        assertNoSecretIn(failure);
        assertThat(logged()).isNotEmpty().noneMatch(line -> line.contains(SECRET));
    }

    @Test
    void aSecretEchoedToStderrIsMaskedInTheExceptionAndTheLog() {
        CommandFailedException failure = catchThrowableOfType(CommandFailedException.class,
                () -> runner.run(Command.builder("sh")
                .args("-c", "echo \"out $0\"; echo \"bad password $0\" >&2; exit 3").secretArg(SECRET).build()));

        assertThat(failure.exitCode()).isEqualTo(3);
        assertThat(failure.stderr()).isEqualTo("bad password ***\n");
        assertThat(failure.stdout()).isEqualTo("out ***\n");
        assertThat(failure.getMessage()).endsWith("bad password ***");
        assertNoSecretIn(failure);
        assertThat(logged()).anyMatch(line -> line.contains("stderr: bad password ***"))
                .noneMatch(line -> line.contains(SECRET));
    }

    @Test
    void aSecretInTheStderrOfATimedOutCommandIsMasked() {
        CommandTimeoutException timeout = catchThrowableOfType(CommandTimeoutException.class,
                () -> runner.run(Command.builder("sh")
                .args("-c", "echo \"using $0\" >&2; exec sleep 30").secretArg(SECRET)
                .timeout(Duration.ofMillis(700)).build()));

        assertThat(timeout.evidence()).containsEntry("stderr", "using ***");
        assertNoSecretIn(timeout);
        assertThat(logged()).anyMatch(line -> line.contains("timed out")).noneMatch(line -> line.contains(SECRET));
    }

    @Test
    void aProgramThatCannotStartIsReportedWithoutTheSecret() {
        CommandFailedException failure = catchThrowableOfType(CommandFailedException.class, () -> runner.run(
                Command.builder("/nonexistent/brick-test").secretArg(SECRET).build()));

        assertThat(failure.exitCode()).isEqualTo(-1);
        assertNoSecretIn(failure);
        assertThat(logged()).isNotEmpty().noneMatch(line -> line.contains(SECRET));
    }

    @Test
    void stdinIsNeverLoggedEvenWhenTheToolEchoesIt() {
        String stdinSecret = "node.session.auth.password = hunter2-stdin";

        CommandResult result = runner.run(Command.builder("cat").stdin(stdinSecret).build());

        assertThat(result.stdout()).isEqualTo(stdinSecret);
        assertThat(logged()).anyMatch(line -> line.contains("cat exited with 0"))
                .noneMatch(line -> line.contains("hunter2"));
    }
}
