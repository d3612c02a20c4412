package io.brick.cli;

import io.brick.cli.doctor.Doctor;
import io.brick.cli.doctor.Finding;
import io.brick.cli.doctor.HostTopology;
import io.brick.core.bootstrap.Brick;
import io.brick.core.connector.Connector;
import io.brick.core.connector.DisconnectOptions;
import io.brick.core.lock.ProcessLocks;
import io.brick.core.model.AttachedVolume;
import io.brick.core.model.ConnectionProperties;
import io.brick.core.model.Protocol;
import io.brick.core.model.Wwid;
import io.brick.core.port.SysfsAccess;
import io.brick.core.port.TopologyProvider;
import io.brick.iscsi.IscsiPlugin;
import io.brick.multipath.MultipathPlugin;
import io.brick.sysfs.SysfsPlugin;
import io.brick.testkit.host.DataLossEvent;
import io.brick.testkit.host.Latencies;
import io.brick.testkit.host.Leftovers;
import io.brick.testkit.host.RecordedLab;
import io.brick.testkit.host.SimulatedHost;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * {@code brick demo}: the whole story on a simulated host (no root, no target, no setup): a multipath connect through
 * three portals, one of them flaky; the topology; a write; a safe disconnect; the doctor.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Tell the whole story on a simulated host in a temporary directory: connect a multipath volume "
                + "through three portals (one flaky), show the topology, write, disconnect safely, run the doctor. "
                + "Needs no root, no target and no setup; takes seconds.")
final class DemoCommand extends BaseCommand {
    private static final Logger log = LoggerFactory.getLogger(DemoCommand.class);
    static final String FLAKY_PORTAL = "127.0.0.3:3260";

    @picocli.CommandLine.Option(names = "--seed", paramLabel = "N", defaultValue = "7",
            description = "Seed of the simulated host's random choices (which logins of the flaky portal fail); default ${DEFAULT-VALUE}.")
    long seed;

    DemoCommand(CliContext context) {
        super(context);
    }

    @Override
    int execute() {
        Path dir;
        try {
            dir = Files.createTempDirectory("brick-demo");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            return story(dir);
        } finally {
            delete(dir);
        }
    }

    private int story(Path dir) {
        SimulatedHost host = SimulatedHost.builder(dir).seed(seed).initiatorName(RecordedLab.INITIATOR)
                .latencies(Latencies.realistic()).findMultipaths(false).multipathd(true).build();
        host.storage().target(RecordedLab.TARGET)
                .portal(RecordedLab.PORTALS.get(0)).portal(RecordedLab.PORTALS.get(1)).portal(FLAKY_PORTAL)
                .lun(0, RecordedLab.LUN0_WWID, 64L << 20).lun(1, RecordedLab.LUN1_WWID, 128L << 20);
        host.faults().flakyLogin(FLAKY_PORTAL, 0.5);
        Story story = new Story(host);
        Progress progress = new Progress(context.out(), !json(), "      ");
        try (Brick brick = Brick.builder().plugins(new SysfsPlugin(), new MultipathPlugin(), new IscsiPlugin())
                .hostRoot(host.hostRoot()).commandRunner(host.commandRunner())
                .clock(host.clock()).sleeper(host.clock()).processLocks(ProcessLocks.none())
                .eventListener(progress).build()) {
            progress.start(host.clock().instant());
            Connector iscsi = brick.connector(Protocol.ISCSI);
            ConnectionProperties properties = ConnectionProperties.parseJson("""
                    {"target_portals": ["%s", "%s", "%s"], "target_iqns": ["%s", "%s", "%s"], "target_luns": [1, 1, 1]}"""
                    .formatted(RecordedLab.PORTALS.get(0), RecordedLab.PORTALS.get(1), FLAKY_PORTAL,
                            RecordedLab.TARGET, RecordedLab.TARGET, RecordedLab.TARGET));

            story.say("host", "a simulated Linux host in " + dir + " (no root needed); target " + RecordedLab.TARGET
                    + " with LUN 1 (128 MiB, WWID " + RecordedLab.LUN1_WWID + ") behind three portals: "
                    + RecordedLab.PORTALS.get(0) + ", " + RecordedLab.PORTALS.get(1) + " and " + FLAKY_PORTAL
                    + " (flaky: half its logins fail)");

            story.say("connect", "brick connect -p iscsi: log in to every portal, scan LUN 1 only, wait for multipathd");
            progress.reset();
            AttachedVolume volume = iscsi.connect(properties);
            int flaky = host.oracle().fired().size();
            story.say("connect", flaky == 0 ? "the flaky portal answered every login this time (try --seed)"
                    : "the flaky portal failed " + flaky + " login(s); brick attached through the healthy portals "
                            + "without waiting for it");
            story.say("connect", "device_info: " + volume.toJson());
            story.step().put("flakyLoginFailures", flaky);
            story.step().put("deviceInfo", volume.toDeviceInfo());
            story.step().put("phases", progress.phases());

            HostTopology topology = HostTopology.read(brick.port(TopologyProvider.class),
                    brick.port(SysfsAccess.class));
            story.say("topology", "brick topology (read from sysfs only):");
            List<String> lines = TopologyView.toLines(topology);
            lines.forEach(story::detail);
            story.step().put("topology", TopologyView.toMap(topology));

            host.write(volume.path());
            story.say("write", "an application writes to " + volume.path().path() + ": the map holds unflushed data");
            story.step().put("path", volume.path().path());

            story.say("disconnect", "brick disconnect -p iscsi --device-info: flush first, then remove the paths, "
                    + "forget the map, log out");
            progress.reset();
            iscsi.disconnect(properties, Optional.of(volume), DisconnectOptions.SAFE);
            List<DataLossEvent> lost = host.oracle().dataLossEvents();
            Leftovers leftovers = host.oracle().leftovers(Wwid.of(RecordedLab.LUN1_WWID));
            story.say("disconnect", lost.isEmpty() ? "no data lost: the buffers were flushed before anything was removed"
                    : "DATA LOST: " + lost);
            story.say("disconnect", leftovers.isEmpty() ? "nothing left behind: no device, map, session or node record"
                    : "left behind: " + leftovers);
            story.step().put("phases", progress.phases());
            story.step().put("dataLossEvents", lost.size());
            story.step().put("leftovers", leftovers.isEmpty() ? List.of() : List.of(leftovers.toString()));

            List<Finding> findings = new Doctor(brick.port(TopologyProvider.class), brick.port(SysfsAccess.class),
                    host.hostRoot())
                    .examine(brick.port(io.brick.iscsi.SessionManager.class).nodes(
                            io.brick.core.time.Deadline.after(java.time.Duration.ofSeconds(20), host.clock())));
            story.say("doctor", "brick doctor:");
            DoctorCommand.lines(findings).forEach(story::detail);
            story.step().putAll(DoctorCommand.document(findings));

            story.say("done", String.format(Locale.ROOT, "the whole story took %.3f s of simulated time",
                    host.clock().elapsed().toNanos() / 1e9));
            if (json()) {
                Map<String, Object> result = new LinkedHashMap<>();
                result.put("steps", story.steps);
                result.put("elapsedMillis", host.clock().elapsed().toMillis());
                printJson(result);
            }
            return BrickCli.DONE;
        } finally {
            host.close();
        }
    }

    /** The story told so far: steps with their simulated time, printed as they happen in text mode. */
    private final class Story {
        private final SimulatedHost host;
        private final List<Map<String, Object>> steps = new ArrayList<>();

        Story(SimulatedHost host) {
            this.host = host;
        }

        void say(String step, String text) {
            Duration at = host.clock().elapsed();
            if (steps.isEmpty() || !steps.get(steps.size() - 1).get("step").equals(step)) {
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("step", step);
                entry.put("atMillis", at.toMillis());
                entry.put("text", new ArrayList<String>());
                steps.add(entry);
            }
            text(step().get("text")).add(text);
            if (!json()) {
                context.out().println(String.format(Locale.ROOT, "[%7.3fs] %-10s %s", at.toNanos() / 1e9, step, text));
            }
        }

        void detail(String line) {
            if (!json()) {
                context.out().println("      " + line);
            }
        }

        Map<String, Object> step() {
            return steps.get(steps.size() - 1);
        }

        @SuppressWarnings("unchecked")
        private List<String> text(Object list) {
            return (List<String>) list;
        }
    }

    private static void delete(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path path : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            log.warn("could not delete the demo's directory {}: {}", dir, e.toString());
        }
    }
}
