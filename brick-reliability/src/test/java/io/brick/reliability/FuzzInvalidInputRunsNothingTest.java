package io.brick.reliability;

import io.brick.core.bootstrap.Brick;
import io.brick.core.connector.Connector;
import io.brick.core.connector.DisconnectOptions;
import io.brick.core.error.BrickException;
import io.brick.core.error.InvalidInputException;
import io.brick.core.lock.ProcessLocks;
import io.brick.core.model.ConnectionProperties;
import io.brick.core.model.Protocol;
import io.brick.fc.FcPlugin;
import io.brick.fc.FcVolume;
import io.brick.iscsi.IscsiPlugin;
import io.brick.iscsi.IscsiVolume;
import io.brick.multipath.MultipathPlugin;
import io.brick.sysfs.SysfsPlugin;
import io.brick.testkit.fuzz.FuzzTally;
import io.brick.testkit.fuzz.Mutator;
import io.brick.testkit.fuzz.ParserFuzzer;
import io.brick.testkit.host.Latencies;
import io.brick.testkit.host.RecordedLab;
import io.brick.testkit.host.SimulatedHost;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * "Never a command run for invalid input" (issue 9 item 2; DESIGN §1.7): fuzzed connection properties that the
 * transport rejects are given to a whole runtime on the simulated host (iSCSI and FC connectors): connect, disconnect,
 * extend and volume paths each raise the {@link InvalidInputException}, and the host saw no command and no sysfs
 * write. Inputs: {@code brick.fuzz.inputs} / 10 per connector (default 200); counts in
 * {@code target/reliability/fuzz-runtime.txt}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FuzzInvalidInputRunsNothingTest {
    private static final int INPUTS = Math.max(20, FuzzTally.inputs(2_000) / 10);
    private static final long SEED = FuzzTally.seed(20_260_921L);

    private final FuzzTally tally = new FuzzTally();

    @TempDir
    Path dir;

    @AfterAll
    void writeCounts() {
        tally.write("runtime");
    }

    /** Mutated properties that parse as JSON but that the transport's parser rejects. */
    private static List<ConnectionProperties> invalid(List<String> seeds, Function<ConnectionProperties, ?> parse,
            long seed) {
        Mutator mutator = new Mutator(seed);
        List<ConnectionProperties> invalid = new ArrayList<>();
        for (int tries = 0; invalid.size() < INPUTS && tries < INPUTS * 50; tries++) {
            ConnectionProperties properties;
            try {
                properties = ConnectionProperties.parseJson(FuzzInputs.mutate(mutator, mutator.pick(seeds)));
            } catch (InvalidInputException e) {
                continue;
            }
            try {
                parse.apply(properties);
            } catch (InvalidInputException e) {
                invalid.add(properties);
            }
        }
        assertThat(invalid).hasSize(INPUTS);
        return invalid;
    }

    @Test
    void rejected_iscsi_properties_run_no_command() throws IOException {
        check(Protocol.ISCSI, invalid(FuzzInputs.ISCSI, properties -> IscsiVolume.parse(properties, true, "default"),
                SEED));
    }

    @Test
    void rejected_fc_properties_run_no_command() throws IOException {
        check(Protocol.FIBRE_CHANNEL, invalid(FuzzInputs.FC, FcVolume::parse, SEED + 1));
    }

    private void check(Protocol protocol, List<ConnectionProperties> inputs) throws IOException {
        List<String> failures = new ArrayList<>();
        try (SimulatedHost host = RecordedLab.host(Files.createDirectories(dir.resolve("host-" + protocol)),
                Latencies.zero());
             Brick brick = Brick.builder()
                     .plugins(new SysfsPlugin(), new MultipathPlugin(), new IscsiPlugin(), new FcPlugin())
                     .hostRoot(host.hostRoot()).commandRunner(host.commandRunner())
                     .clock(host.clock()).sleeper(host.clock()).processLocks(ProcessLocks.none()).build()) {
            Connector connector = brick.connector(protocol);
            for (ConnectionProperties properties : inputs) {
                operation(protocol + " connect", failures, () -> connector.connect(properties));
                operation(protocol + " disconnect", failures,
                        () -> connector.disconnect(properties, Optional.empty(), DisconnectOptions.SAFE));
                operation(protocol + " extend", failures, () -> connector.extend(properties));
                operation(protocol + " volumePaths", failures, () -> connector.volumePaths(properties));
                assertThat(host.oracle().commandLog()).as("commands after %s", properties).isEmpty();
                assertThat(host.oracle().sysfsWrites()).as("sysfs writes after %s", properties).isEmpty();
            }
        }
        assertThat(failures).isEmpty();
    }

    private void operation(String name, List<String> failures, Runnable operation) {
        Consumer<String> fail = message -> {
            tally.record(name, "FAILED");
            failures.add(name + ": " + message);
        };
        try {
            operation.run();
            fail.accept("accepted");
        } catch (InvalidInputException e) {
            tally.record(name, e.kind());
        } catch (BrickException e) {
            fail.accept("not invalid input but " + e);
        } catch (RuntimeException e) {
            fail.accept(e.toString());
        }
    }

    /** The oracle can fail: valid properties do run commands, so an empty command log means something. */
    @Test
    void valid_properties_do_run_commands() throws IOException {
        try (SimulatedHost host = RecordedLab.host(Files.createDirectories(dir.resolve("valid")), Latencies.zero());
             Brick brick = Brick.builder().plugins(new SysfsPlugin(), new MultipathPlugin(), new IscsiPlugin())
                     .hostRoot(host.hostRoot()).commandRunner(host.commandRunner())
                     .clock(host.clock()).sleeper(host.clock()).processLocks(ProcessLocks.none()).build()) {
            brick.connector(Protocol.ISCSI).connect(ConnectionProperties.parseJson(FuzzInputs.ISCSI.get(0)));
            assertThat(host.oracle().commandLog()).isNotEmpty();
            tally.record("valid iSCSI connect", ParserFuzzer.ACCEPTED);
        }
    }
}
