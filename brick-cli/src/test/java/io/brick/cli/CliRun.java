package io.brick.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.brick.core.bootstrap.Brick;
import io.brick.core.connector.ConnectorConfig;
import io.brick.core.lock.ProcessLocks;
import io.brick.fc.FcPlugin;
import io.brick.iscsi.IscsiPlugin;
import io.brick.multipath.MultipathPlugin;
import io.brick.sysfs.SysfsPlugin;
import io.brick.testkit.host.SimulatedHost;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** One run of the brick command line, captured. */
record CliRun(int exitCode, String out, String err) {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    static CliRun run(RuntimeFactory factory, String stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = BrickCli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), factory);
        return new CliRun(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** A factory wiring the runtime to {@code host} (no real command can run). */
    static RuntimeFactory simulated(SimulatedHost host) {
        return (options, listener) -> Brick.builder()
                .plugins(new SysfsPlugin(), new MultipathPlugin(), new IscsiPlugin(
                        options.timeout().map(ConnectorConfig.defaults()::withTimeout)
                                .orElse(ConnectorConfig.defaults())),
                        new FcPlugin(options.timeout().map(ConnectorConfig.defaults()::withTimeout)
                                .orElse(ConnectorConfig.defaults())))
                .hostRoot(host.hostRoot()).commandRunner(host.commandRunner())
                .clock(host.clock()).sleeper(host.clock()).processLocks(ProcessLocks.none())
                .eventListener(listener).build();
    }

    JsonNode json() {
        try {
            return MAPPER.readTree(out);
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON (exit " + exitCode + ", stderr " + err + "): " + out, e);
        }
    }
}
