package io.brick.cli;

import io.brick.cli.doctor.HostTopology;
import io.brick.core.bootstrap.Brick;
import io.brick.core.port.SysfsAccess;
import io.brick.core.port.TopologyProvider;
import io.brick.core.time.Clock;
import picocli.CommandLine.Command;

import java.util.LinkedHashMap;
import java.util.Map;

/** {@code brick topology}: what the kernel shows, from sysfs only (no command is run). */
@Command(name = "topology", mixinStandardHelpOptions = true,
        description = "Sessions, SCSI devices, WWIDs, multipath maps and FC hosts, read from sysfs only.")
final class TopologyCommand extends BaseCommand {
    TopologyCommand(CliContext context) {
        super(context);
    }

    @Override
    int execute() {
        Progress progress = progress();
        try (Brick brick = runtime(progress)) {
            Clock clock = brick.port(Clock.class);
            long start = clock.nanoTime();
            HostTopology topology = HostTopology.read(brick.port(TopologyProvider.class),
                    brick.port(SysfsAccess.class));
            if (json()) {
                Map<String, Object> result = new LinkedHashMap<>(TopologyView.toMap(topology));
                result.put("elapsedMillis", millis(clock, start));
                printJson(result);
            } else {
                TopologyView.toLines(topology).forEach(context.out()::println);
            }
            return BrickCli.DONE;
        }
    }
}
