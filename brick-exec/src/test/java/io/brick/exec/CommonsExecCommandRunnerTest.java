package io.brick.exec;

import io.brick.core.error.CommandFailedException;
import io.brick.core.error.ToolNotFoundException;
import io.brick.core.port.Command;
import io.brick.core.port.CommandResult;
import io.brick.core.port.CommandRunner;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The production runner against real processes (shell use is allowed in brick-exec's own tests only). */
class CommonsExecCommandRunnerTest {
    private final CommandRunner runner = new CommonsExecCommandRunner(ExecConfig.defaults());

    @Test
    void trueExitsWithZeroAndEmptyOutput() {
        CommandResult result = runner.run(Command.builder("true").build());

        assertThat(result.exitCode()).isZero();
        assertThat(result.stdout()).isEmpty();
        assertThat(result.stderr()).isEmpty();
        assertThat(result.truncated()).isFalse();
        assertThat(result.command()).isEqualTo("true");
    }

    @Test
    void anExitCodeTheCommandDoesNotAcceptRaisesCommandFailedWithTheCode() {
        CommandFailedException failure = catchThrowableOfType(CommandFailedException.class,
                () -> runner.run(Command.builder("false").build()));

        assertThat(failure).isNotNull();
        assertThat(failure.exitCode()).isEqualTo(1);
        assertThat(failure.command()).isEqualTo("false");
        assertThat(failure.retriable()).isFalse();
        assertThat(failure.getMessage()).contains("'false' exited with 1");
    }

    @Test
    void aFailureCarriesStdoutAndStderr() {
        CommandFailedException failure = catchThrowableOfType(CommandFailedException.class,
                () -> runner.run(Command.builder("sh")
                .args("-c", "echo out; echo 'iscsiadm: No session found.' >&2; exit 21").build()));

        assertThat(failure.exitCode()).isEqualTo(21);
        assertThat(failure.stdout()).isEqualTo("out\n");
        assertThat(failure.stderr()).isEqualTo("iscsiadm: No session found.\n");
        assertThat(failure.getMessage()).endsWith(": iscsiadm: No session found.");
    }

    @Test
    void anAcceptedNonZeroExitCodeIsReturnedAsData() {
        CommandResult result = runner.run(Command.builder("sh").args("-c", "echo found; exit 21")
                .acceptExitCodes(0, 21).build());

        assertThat(result.exitCode()).isEqualTo(21);
        assertThat(result.stdout()).isEqualTo("found\n");
    }

    @Test
    void stdinIsWrittenAndClosed() {
        String text = "line one\nlígne twö\n";

        CommandResult result = runner.run(Command.builder("cat").stdin(text).build());

        assertThat(result.stdout()).isEqualTo(text);
    }

    @Test
    void withoutStdinTheProcessReadsEndOfFileAtOnce() {
        CommandResult result = runner.run(Command.builder("wc").arg("-c").build());

        assertThat(result.stdout().strip()).isEqualTo("0");
    }

    @Test
    void aLargeStdinIsWrittenWhileOutputIsRead() {
        String big = "x".repeat(5_000_000);

        CommandResult result = runner.run(Command.builder("cat").stdin(big).build());

        assertThat(result.stdout()).hasSize(ExecConfig.DEFAULT_CAPTURE_LIMIT_BYTES);
        assertThat(result.truncated()).isTrue();
    }

    @Test
    void argumentsReachTheProgramLiterallyWithoutAShell() {
        CommandResult result = runner.run(Command.builder("printf")
                .args("%s|", "a b", "'c'", "$HOME", "${x}", "\"q\"", "", "*", "a;b", "  padded  ").build());

        assertThat(result.stdout()).isEqualTo("a b|'c'|$HOME|${x}|\"q\"||*|a;b|  padded  |");
    }

    @Test
    void aSecretArgumentWithSurroundingSpacesArrivesUnchanged() {
        CommandResult result = runner.run(Command.builder("printf").args("[%s]").secretArg(" pass word \t").build());

        assertThat(result.stdout()).isEqualTo("[ pass word \t]");
    }

    @Test
    void commandsRunInTheCLocale() {
        CommandResult result = runner.run(Command.builder("sh").args("-c", "echo \"$LC_ALL $LANG\"").build());

        assertThat(result.stdout()).isEqualTo("C C\n");
    }

    @Test
    void commandsInheritTheJvmEnvironmentPlusTheConfiguredExtrasWithPathSetToTheSystemDirectoriesInSlash() {
        CommandRunner configured = new CommonsExecCommandRunner(
                ExecConfig.defaults().withExtraEnvironment(Map.of("BRICK_TEST_EXTRA", "extra value")));

        CommandResult result = configured.run(Command.builder("sh")
                .args("-c", "printf '%s|%s|%s|%s' \"$BRICK_TEST_EXTRA\" \"$PATH\" \"$HOME\" \"$(pwd)\"").build());

        assertThat(result.stdout()).isEqualTo("extra value|/usr/sbin:/usr/bin:/sbin:/bin|" + System.getenv("HOME") + "|/");
    }

    @Test
    void aBareProgramNameIsRunFromTheSystemDirectoriesAndAMissingOneIsATypedErrorNamingThem() {
        CommandResult which = runner.run(Command.builder("sh").args("-c", "printf %s \"$0\"").build());
        assertThat(which.stdout()).isIn("/usr/sbin/sh", "/usr/bin/sh", "/sbin/sh", "/bin/sh");

        ToolNotFoundException missing = catchThrowableOfType(ToolNotFoundException.class,
                () -> runner.run(Command.builder("brick-no-such-tool").arg("x").build()));
        assertThat(missing.kind()).isEqualTo("tool-not-found");
        assertThat(missing.exitCode()).isEqualTo(-1);
        assertThat(missing.searched()).containsExactly("/usr/sbin", "/usr/bin", "/sbin", "/bin");
        assertThat(missing.getMessage()).contains("brick-no-such-tool", "/usr/sbin, /usr/bin, /sbin, /bin", "PATH");

        assertThat(catchThrowableOfType(ToolNotFoundException.class,
                () -> runner.run(Command.builder("./sh").build()))).isNotNull();
        assertThat(catchThrowableOfType(ToolNotFoundException.class,
                () -> runner.run(Command.builder("bin/sh").build()))).isNotNull();
    }

    @Test
    void anOutputFloodIsCutAtTheLimitAndMarkedTruncated() {
        CommandResult result = runner.run(Command.builder("head").args("-c", "50000000", "/dev/zero").build());

        assertThat(result.exitCode()).isZero();
        assertThat(result.stdout()).hasSize(ExecConfig.DEFAULT_CAPTURE_LIMIT_BYTES);
        assertThat(result.truncated()).isTrue();
    }

    @Test
    void bothStreamsFloodingAtOnceNeitherBlockNorGrowPastTheLimit() {
        CommandRunner small = new CommonsExecCommandRunner(ExecConfig.defaults().withCaptureLimitBytes(1000));

        CommandResult result = small.run(Command.builder("sh").args("-c",
                "yes out | head -c 3000000 & yes err | head -c 3000000 >&2; wait; echo done").build());

        assertThat(result.stdout()).hasSize(1000).startsWith("out\nout\n");
        assertThat(result.stderr()).hasSize(1000).startsWith("err\nerr\n");
        assertThat(result.truncated()).isTrue();
    }

    @Test
    void outputUnderTheLimitIsNotMarkedTruncated() {
        CommandRunner small = new CommonsExecCommandRunner(ExecConfig.defaults().withCaptureLimitBytes(6));

        CommandResult result = small.run(Command.builder("printf").arg("12345\n").build());

        assertThat(result.stdout()).isEqualTo("12345\n");
        assertThat(result.truncated()).isFalse();
    }

    @Test
    void aProgramThatCannotBeStartedFailsWithExitCodeMinusOneAndTheReason() {
        CommandFailedException failure = catchThrowableOfType(CommandFailedException.class,
                () -> runner.run(Command.builder("/nonexistent/brick-test").arg("x").build()));

        assertThat(failure).isNotNull();
        assertThat(failure.exitCode()).isEqualTo(-1);
        assertThat(failure.stderr()).contains("/nonexistent/brick-test").contains("error=2");
        assertThat(failure.getMessage()).contains("could not be started");
    }

    @Test
    void aBlankProgramCannotBeStarted() {
        CommandFailedException failure = catchThrowableOfType(CommandFailedException.class,
                () -> runner.run(Command.builder(" ").build()));

        assertThat(failure.exitCode()).isEqualTo(-1);
    }

    @Test
    void theResultShowsTheCommandWithSecretsMaskedButHandsTheSecretToTheProgram() {
        CommandResult result = runner.run(Command.builder("echo").arg("password").secretArg("s3cr3t-value").build());

        assertThat(result.command()).isEqualTo("echo password ***");
        assertThat(result.stdout()).isEqualTo("password s3cr3t-value\n");
    }

    @Test
    void commandsCanRunInParallel() throws InterruptedException {
        CommandResult[] results = new CommandResult[4];
        Thread[] threads = new Thread[results.length];
        for (int i = 0; i < threads.length; i++) {
            int index = i;
            threads[i] = new Thread(() -> results[index] = runner.run(
                    Command.builder("sh").args("-c", "echo " + index).build()));
            threads[i].start();
        }
        for (Thread thread : threads) {
            thread.join();
        }

        for (int i = 0; i < results.length; i++) {
            assertThat(results[i].stdout()).isEqualTo(i + "\n");
        }
    }
}
