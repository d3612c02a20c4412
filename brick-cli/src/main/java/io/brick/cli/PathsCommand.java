package io.brick.cli;

import io.brick.core.model.DevicePath;
import picocli.CommandLine.Command;

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
        return runOnVolume(false, (connector, properties) -> {
            List<String> paths = connector.volumePaths(properties).stream().map(DevicePath::path).toList();
            return new Outcome(Map.of("paths", paths), paths);
        });
    }
}
