package io.brick.cli;

import io.brick.core.bootstrap.Brick;
import io.brick.core.connector.Connector;
import io.brick.core.model.ConnectionProperties;
import io.brick.core.model.DevicePath;
import io.brick.core.model.Protocol;
import io.brick.core.time.Clock;
import picocli.CommandLine.Command;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code brick paths}: the device paths a volume would have, without logging in. */
@Command(name = "paths", mixinStandardHelpOptions = true,
        description = "The volume's device paths (os-brick's get_volume_paths): no login, no scan.")
final class PathsCommand extends VolumeCommand {
    PathsCommand(CliContext context) {
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
            List<String> paths = connector.volumePaths(properties).stream().map(DevicePath::path).toList();
            if (json()) {
                Map<String, Object> result = new LinkedHashMap<>();
                result.put("paths", paths);
                result.put("elapsedMillis", millis(clock, start));
                printJson(result);
            } else {
                paths.forEach(context.out()::println);
            }
            return BrickCli.DONE;
        }
    }
}
