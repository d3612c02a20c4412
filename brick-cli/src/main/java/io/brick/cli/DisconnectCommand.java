package io.brick.cli;

import io.brick.core.bootstrap.Brick;
import io.brick.core.connector.Connector;
import io.brick.core.connector.DisconnectOptions;
import io.brick.core.model.AttachedVolume;
import io.brick.core.model.ConnectionProperties;
import io.brick.core.model.Protocol;
import io.brick.core.time.Clock;
import io.brick.core.connector.DisconnectPlan;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@code brick disconnect}: detaches a volume (flush, remove, forget, transport cleanup), or shows the plan. */
@Command(name = "disconnect", mixinStandardHelpOptions = true,
        description = "Detach a volume: flush, remove its devices, forget the map, log out of sessions nothing else uses.")
final class DisconnectCommand extends VolumeCommand {
    @Option(names = "--device-info", paramLabel = "FILE|-",
            description = "The device_info connect printed (checks the volume is the one attached); - reads stdin.")
    String deviceInfoFile;

    @Option(names = "--force", description = "Go on past a failed flush (data in the buffers may be lost).")
    boolean force;

    @Option(names = "--ignore-errors", description = "With --force: go on past every failure and report them at the end.")
    boolean ignoreErrors;

    @Option(names = "--dry-run", description = "Print what would be flushed, removed, forgotten and logged out; do nothing.")
    boolean dryRun;

    DisconnectCommand(CliContext context) {
        super(context);
    }

    @Override
    int execute() {
        if (ignoreErrors && !force) {
            throw new UsageProblem("--ignore-errors needs --force: without force the first failure stops the disconnect");
        }
        if ("-".equals(deviceInfoFile) && "-".equals(propertiesFile)) {
            throw new UsageProblem("--properties and --device-info cannot both read standard input");
        }
        Protocol protocol = protocol();
        ConnectionProperties properties = properties();
        Optional<AttachedVolume> attached = Optional.ofNullable(deviceInfoFile)
                .map(file -> AttachedVolume.parseJson(readInput(file, "--device-info")));
        DisconnectOptions options = new DisconnectOptions(force, ignoreErrors);
        Progress progress = progress();
        try (Brick brick = runtime(progress)) {
            Connector connector = brick.connector(protocol);
            Clock clock = brick.port(Clock.class);
            long start = clock.nanoTime();
            Map<String, Object> result = new LinkedHashMap<>();
            if (dryRun) {
                DisconnectPlan plan = connector.planDisconnect(properties, attached);
                result.put("dryRun", true);
                result.put("plan", plan(plan));
                result.put("elapsedMillis", millis(clock, start));
                if (json()) {
                    printJson(result);
                } else {
                    printPlan(plan);
                }
                return BrickCli.DONE;
            }
            connector.disconnect(properties, attached, options);
            result.put("dryRun", false);
            result.put("disconnected", true);
            result.put("force", force);
            result.put("ignoreErrors", ignoreErrors);
            result.put("elapsedMillis", millis(clock, start));
            result.put("phases", progress.phases());
            if (json()) {
                printJson(result);
            } else {
                context.out().println("disconnected");
            }
            return BrickCli.DONE;
        }
    }

    private static Map<String, Object> plan(DisconnectPlan plan) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("volume", plan.volume());
        map.put("flush", plan.flush());
        map.put("remove", plan.remove());
        map.put("forget", plan.forget());
        map.put("transport", plan.transport());
        map.put("kept", plan.kept());
        return map;
    }

    private void printPlan(DisconnectPlan plan) {
        context.out().println("volume: " + plan.volume());
        line("flush", plan.flush());
        line("remove", plan.remove());
        line("forget", plan.forget());
        line("transport", plan.transport());
        line("kept", plan.kept());
        context.out().println("(dry run: nothing was done)");
    }

    private void line(String what, List<String> items) {
        context.out().println(what + ": " + (items.isEmpty() ? "-" : String.join(", ", items)));
    }
}
