package io.brick.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Only the command a command line names is built; what picocli answers does not change. */
class CommandSelectionTest {
    private final CommandSpec root = new CommandLine(new RootCommand(context(new ByteArrayOutputStream(),
            new ByteArrayOutputStream()))).getCommandSpec();

    @Test
    void theCommandIsTheFirstArgumentThatIsNeitherARootOptionNorItsValue() {
        assertThat(commands("--json", "doctor", "--root", "/x")).containsExactly("doctor");
        assertThat(commands("--root", "doctor", "topology")).containsExactly("topology");
        assertThat(commands("--root=doctor", "topology")).containsExactly("topology");
        assertThat(commands("-v", "--timeout", "5", "--lock-dir", "/l", "connect", "-p", "iscsi"))
                .containsExactly("connect");
        assertThat(commands("connector-properties", "--help")).containsExactly("connector-properties");
    }

    @Test
    void onlyRootOptionsNeedNoCommandUnlessTheUsageIsAskedFor() {
        assertThat(commands()).isEmpty();
        assertThat(commands("--version")).isEmpty();
        assertThat(commands("-V", "--json")).isEmpty();
        assertThat(commands("--root")).isEmpty();
        assertThat(commands("--help")).hasSize(9);
        assertThat(commands("-V", "-h")).hasSize(9);
    }

    @Test
    void anythingElseBuildsEveryCommand() {
        assertThat(commands("doctr")).hasSize(9);
        assertThat(commands("--", "doctor")).hasSize(9);
        assertThat(commands("@args.txt")).hasSize(9);
        assertThat(commands("-vh", "doctor")).hasSize(9);
        assertThat(commands("--bogus", "doctor")).hasSize(9);
    }

    @Test
    void aNamedCommandIsTheOnlyOneBuilt() {
        CommandLine tree = BrickCli.commandLine(context(new ByteArrayOutputStream(), new ByteArrayOutputStream()),
                new String[] {"--json", "doctor"});

        assertThat(tree.getSubcommands().keySet()).containsExactly("doctor");
        assertThat(BrickCli.commandLine(context(new ByteArrayOutputStream(), new ByteArrayOutputStream()),
                new String[] {"--help"}).getSubcommands()).hasSize(9);
    }

    @Test
    void picocliAnswersAsWithEveryCommandBuilt() {
        List<String[]> lines = List.of(
                new String[] {"doctor", "--bogus"},
                new String[] {"--timeout", "soon", "doctor"},
                new String[] {"doctor", "--help"},
                new String[] {"topology", "extra"},
                new String[] {"--root"},
                new String[] {"doctr"},
                new String[] {"--help"},
                new String[] {"disconnect", "-p", "iscsi"},
                new String[] {"-V"},
                new String[] {"--version", "--json"},
                new String[] {},
                new String[] {"--json"},
                new String[] {"-V", "doctr"},
                new String[] {"--version", "--root"});
        for (String[] args : lines) {
            assertThat(answer(false, args)).as(String.join(" ", args)).isEqualTo(answer(true, args));
        }
    }

    private List<String> commands(String... args) {
        return BrickCli.commandsFor(root, args);
    }

    private static CliContext context(ByteArrayOutputStream out, ByteArrayOutputStream err) {
        return new CliContext(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), new ByteArrayInputStream(new byte[0]),
                (options, listener) -> {
                    throw new AssertionError("parsing builds no runtime");
                }, false);
    }

    /** Exit code, stdout and stderr of {@code args}, with every command built or only the one they name. */
    private static String answer(boolean everyCommand, String[] args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        CliContext context = context(out, err);
        CommandLine line = everyCommand ? BrickCli.commandLine(context) : BrickCli.commandLine(context, args);
        int code = line.execute(args);
        return code + "\n" + out.toString(StandardCharsets.UTF_8) + "\n" + err.toString(StandardCharsets.UTF_8);
    }
}
