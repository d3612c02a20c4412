package io.brick.exec;

import io.brick.core.port.Command;
import io.brick.core.port.CommandResult;
import io.brick.core.port.CommandRunner;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PrefixedCommandRunnerTest {
    /** Records what it is asked to run and answers with exit code 0. */
    private static final class RecordingRunner implements CommandRunner {
        private final List<Command> commands = new ArrayList<>();

        @Override
        public CommandResult run(Command command) {
            commands.add(command);
            return new CommandResult(command.display(), 0, "ok", "", Duration.ZERO, false);
        }
    }

    private final RecordingRunner recording = new RecordingRunner();
    private final Command iscsiadm = Command.builder("iscsiadm").args("-m", "node", "-v").secretArg("chap-pw")
            .timeout(Duration.ofSeconds(7)).acceptExitCodes(0, 21).stdin("input").build();

    @Test
    void nsenterRunsTheCommandInTheNamespacesOfTheHostsInit() {
        CommandResult result = PrefixedCommandRunner.nsenter(recording).run(iscsiadm);

        assertThat(recording.commands).singleElement().satisfies(command -> assertThat(command.argv()).containsExactly(
                "nsenter", "--target", "1", "--mount", "--uts", "--ipc", "--net", "--pid", "--",
                "iscsiadm", "-m", "node", "-v", "chap-pw"));
        assertThat(result.stdout()).isEqualTo("ok");
    }

    @Test
    void chrootRunsTheCommandUnderTheHostRoot() {
        PrefixedCommandRunner.chroot(recording, "/host").run(iscsiadm);

        assertThat(recording.commands.get(0).argv())
                .containsExactly("chroot", "/host", "iscsiadm", "-m", "node", "-v", "chap-pw");
    }

    @Test
    void aGenericPrefixIsPutInFront() {
        PrefixedCommandRunner runner =
                PrefixedCommandRunner.withPrefix(recording, List.of("ip", "netns", "exec", "host"));

        runner.run(Command.builder("true").build());

        assertThat(runner.prefix()).containsExactly("ip", "netns", "exec", "host");
        assertThat(recording.commands.get(0).argv()).containsExactly("ip", "netns", "exec", "host", "true");
    }

    @Test
    void secretsTimeoutExitCodesAndStdinSurviveThePrefix() {
        PrefixedCommandRunner.chroot(recording, "/host").run(iscsiadm);

        Command run = recording.commands.get(0);
        assertThat(run.display()).isEqualTo("chroot /host iscsiadm -m node -v ***");
        assertThat(run.timeout()).isEqualTo(Duration.ofSeconds(7));
        assertThat(run.acceptedExitCodes()).isEqualTo(Set.of(0, 21));
        assertThat(run.stdin()).isEqualTo(Optional.of("input"));
    }

    @Test
    void anEmptyPrefixOrARelativeChrootIsRejected() {
        assertThatThrownBy(() -> PrefixedCommandRunner.withPrefix(recording, List.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PrefixedCommandRunner.chroot(recording, "host"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("absolute");
    }

    @Test
    void thePrefixIsCopied() {
        List<String> prefix = new ArrayList<>(List.of("chroot", "/host"));
        PrefixedCommandRunner runner = PrefixedCommandRunner.withPrefix(recording, prefix);
        prefix.add("extra");

        runner.run(Command.builder("true").build());

        assertThat(recording.commands.get(0).argv()).containsExactly("chroot", "/host", "true");
    }

    @Test
    void theRealRunnerRunsAPrefixedCommand() {
        CommandRunner real = PrefixedCommandRunner.withPrefix(new CommonsExecCommandRunner(ExecConfig.defaults()),
                List.of("env", "BRICK_PREFIXED=yes"));

        CommandResult result = real.run(Command.builder("sh").args("-c", "echo $BRICK_PREFIXED").build());

        assertThat(result.stdout()).isEqualTo("yes\n");
        assertThat(result.command()).startsWith("env BRICK_PREFIXED=yes sh -c");
    }
}
