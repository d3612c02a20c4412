package io.brick.cli;

import io.brick.core.bootstrap.Brick;
import io.brick.core.connector.Connector;
import io.brick.core.model.AttachedVolume;
import io.brick.core.model.ConnectionProperties;
import io.brick.core.model.Protocol;
import io.brick.core.time.Clock;
import picocli.CommandLine.Command;

import java.util.LinkedHashMap;
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
        Protocol protocol = protocol();
        ConnectionProperties properties = properties();
        Progress progress = progress();
        try (Brick brick = runtime(progress)) {
            Connector connector = brick.connector(protocol);
            Clock clock = brick.port(Clock.class);
            long start = clock.nanoTime();
            AttachedVolume volume = connector.connect(properties);
            if (json()) {
                Map<String, Object> result = new LinkedHashMap<>();
                result.put("deviceInfo", volume.toDeviceInfo());
                result.put("elapsedMillis", millis(clock, start));
                result.put("phases", progress.phases());
                printJson(result);
            } else {
                context.out().println(volume.toJson());
            }
            return BrickCli.DONE;
        }
    }
}
