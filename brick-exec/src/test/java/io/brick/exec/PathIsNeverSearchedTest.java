package io.brick.exec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * No process brick starts is found through {@code PATH} (issue 14): a second JVM runs the production runner with a
 * directory of planted programs first in its {@code PATH} and as its working directory; none of them ever runs.
 */
class PathIsNeverSearchedTest {
    @TempDir
    Path dir;

    @Test
    void a_fake_iscsiadm_first_in_path_is_never_run() throws Exception {
        Path planted = Files.createDirectory(dir.resolve("bin"));
        Path marker = dir.resolve("planted-program-ran");
        for (String name : List.of("iscsiadm", "multipathd", "true", "sh")) {
            Path program = planted.resolve(name);
            Files.writeString(program, "#!/bin/sh\necho \"$0 $*\" >> " + marker + "\nexit 0\n", StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(program, PosixFilePermissions.fromString("rwxr-xr-x"));
        }

        List<String> lines = runChild(planted, "iscsiadm", "multipathd", "true");

        assertThat(marker).as("a planted program ran").doesNotExist();
        assertThat(lines).contains("true exit 0");
        // iscsiadm and multipathd are either the system's own (where installed) or a typed error naming where brick looked
        assertThat(lines).filteredOn(line -> line.startsWith("iscsiadm ")).singleElement()
                .satisfies(line -> assertThat(line).matches("iscsiadm (exit \\d+|tool-not-found -1|command-failed \\d+)"));
        assertThat(lines).filteredOn(line -> line.startsWith("multipathd ")).singleElement()
                .satisfies(line -> assertThat(line).matches("multipathd (exit \\d+|tool-not-found -1|command-failed \\d+)"));
    }

    private List<String> runChild(Path planted, String... programs) throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = new java.util.ArrayList<>(List.of(java, "-cp", classPath, RunToolsMain.class.getName()));
        command.addAll(List.of(programs));
        ProcessBuilder builder = new ProcessBuilder(command).directory(planted.toFile()).redirectErrorStream(true);
        builder.environment().put("PATH", planted + ":" + System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        Process child = builder.start();
        String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(child.exitValue()).as(out).isZero();
        return out.lines().filter(line -> !line.isBlank() && !line.contains(" DEBUG ") && !line.contains(" WARN ")).toList();
    }
}
