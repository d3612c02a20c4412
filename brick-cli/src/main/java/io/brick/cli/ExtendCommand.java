package io.brick.cli;

import picocli.CommandLine.Command;

import java.util.List;
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
        return runOnVolume(true, (connector, properties) -> {
            long size = connector.extend(properties);
            return new Outcome(Map.of("newSizeBytes", size), List.of(Long.toString(size)));
        });
    }
}
