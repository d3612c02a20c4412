package io.brick.cli;

import io.brick.core.bootstrap.Brick;
import io.brick.core.connector.Connector;
import io.brick.core.model.ConnectionProperties;
import io.brick.core.model.Protocol;
import io.brick.core.time.Clock;
import picocli.CommandLine.Option;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A command about one volume: {@code -p PROTOCOL --properties FILE|-}. */
abstract class VolumeCommand extends BaseCommand {
    @Option(names = {"-p", "--protocol"}, required = true, paramLabel = "PROTOCOL",
            description = "Transport: iscsi, iser or fibre_channel (as os-brick names them).")
    String protocolName;

    @Option(names = "--properties", required = true, paramLabel = "FILE|-",
            description = "os-brick connection properties (Cinder's connection_info or its data object) as JSON; - reads stdin.")
    String propertiesFile;

    VolumeCommand(CliContext context) {
        super(context);
    }

    /** The protocol, checked before anything else happens. */
    Protocol protocol() {
        return protocol(protocolName);
    }

    /** The properties, read and parsed before the runtime is built. */
    ConnectionProperties properties() {
        return properties(propertiesFile);
    }

    /** What one connector call produced: its JSON fields and its human lines. */
    record Outcome(Map<String, Object> json, List<String> text) {
    }

    /** One connector call on the volume, given the connector and the parsed properties. */
    interface Operation {
        Outcome run(Connector connector, ConnectionProperties properties);
    }

    /**
     * The frame every single-call volume command shares: protocol and properties checked first (invalid input exits 2
     * before anything runs), the runtime built, the call timed; the JSON gets {@code elapsedMillis} and, when
     * {@code withPhases}, the {@code phases} of the events.
     */
    int runOnVolume(boolean withPhases, Operation operation) {
        Protocol protocol = protocol();
        ConnectionProperties properties = properties();
        Progress progress = progress();
        try (Brick brick = runtime(progress)) {
            Connector connector = brick.connector(protocol);
            Clock clock = brick.port(Clock.class);
            long start = clock.nanoTime();
            Outcome outcome = operation.run(connector, properties);
            if (json()) {
                Map<String, Object> result = new LinkedHashMap<>(outcome.json());
                result.put("elapsedMillis", millis(clock, start));
                if (withPhases) {
                    result.put("phases", progress.phases());
                }
                printJson(result);
            } else {
                outcome.text().forEach(context.out()::println);
            }
            return BrickCli.DONE;
        }
    }
}
