package io.brick.cli;

import io.brick.core.bootstrap.Brick;
import io.brick.core.connector.Connector;
import io.brick.core.model.ConnectionProperties;
import io.brick.core.model.Protocol;
import io.brick.core.time.Clock;
import picocli.CommandLine.Command;

import java.util.LinkedHashMap;
import java.util.Map;

/** {@code brick extend}: rescans a grown volume's paths (and resizes its map); prints the new size in bytes. */
@Command(name = "extend", mixinStandardHelpOptions = true,
        description = "Pick up a volume's new size after the storage grew it; prints the new size in bytes.")
final class ExtendCommand extends VolumeCommand {
    ExtendCommand(CliContext context) {
        super(context);
    }

    @Override
    int execute() {
        Protocol protocol = protocol();
        ConnectionProperties properties = properties();
        Progress progress = progress();
        try (Brick brick = runtime(progress)) {
            Connector connector = brick.connector(protocol);
            Clock clock = brick.port(Clock.class);
            long start = clock.nanoTime();
            long size = connector.extend(properties);
            if (json()) {
                Map<String, Object> result = new LinkedHashMap<>();
                result.put("newSizeBytes", size);
                result.put("elapsedMillis", millis(clock, start));
                result.put("phases", progress.phases());
                printJson(result);
            } else {
                context.out().println(size);
            }
            return BrickCli.DONE;
        }
    }
}
