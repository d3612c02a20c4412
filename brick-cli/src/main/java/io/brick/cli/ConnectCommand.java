package io.brick.cli;

import io.brick.core.model.AttachedVolume;
import picocli.CommandLine.Command;

import java.util.List;
import java.util.Map;

/** {@code brick connect}: attaches a volume and prints os-brick's device_info. */
@Command(name = "connect", mixinStandardHelpOptions = true,
        description = "Attach a volume; prints os-brick's device_info ({\"type\",\"path\",\"scsi_wwn\",\"multipath_id\"}).")
final class ConnectCommand extends VolumeCommand {
    ConnectCommand(CliContext context) {
        super(context);
    }

    @Override
    int execute() {
        return runOnVolume(true, (connector, properties) -> {
            AttachedVolume volume = connector.connect(properties);
            return new Outcome(Map.of("deviceInfo", volume.toDeviceInfo()), List.of(volume.toJson()));
        });
    }
}
