package io.brick.cli;

import io.brick.cli.doctor.Doctor;
import io.brick.cli.doctor.Finding;
import io.brick.core.bootstrap.Brick;
import io.brick.core.error.BrickException;
import io.brick.core.host.HostRoot;
import io.brick.core.port.MultipathManager;
import io.brick.iscsi.SessionManager;
import io.brick.core.port.SysfsAccess;
import io.brick.core.port.TopologyProvider;
import io.brick.core.time.Deadline;
import picocli.CommandLine.Command;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code brick doctor}: leftovers on the host; exit code 1 when there is any. */
@Command(name = "doctor", mixinStandardHelpOptions = true,
        description = "Look for leftovers (phantom devices, failed paths, orphan maps, empty sessions); exit 1 if any.")
final class DoctorCommand extends BaseCommand {
    DoctorCommand(CliContext context) {
        super(context);
    }

    @Override
    int execute() {
        try (Brick brick = runtime(progress())) {
            HostRoot host = brick.port(HostRoot.class);
            Doctor doctor = new Doctor(brick.port(TopologyProvider.class), brick.port(SysfsAccess.class), host);
            List<Finding> findings = doctor.examine(nodeRecords(brick, host), multipathPaths(brick, host));
            if (json()) {
                printJson(document(findings));
            } else {
                lines(findings).forEach(context.out()::println);
            }
            return findings.isEmpty() ? BrickCli.DONE : BrickCli.FAILED;
        }
    }

    /**
     * The host's iSCSI node records ({@code iscsiadm -m node -P 1}), only when brick looks at the running host itself:
     * with {@code --root} the tools would answer for another host than the tree. None when iscsiadm is missing.
     */
    static List<SessionManager.Node> nodeRecords(Brick brick, HostRoot host) {
        if (!host.isSystem()) {
            return List.of();
        }
        try {
            return brick.port(SessionManager.class)
                    .nodes(Deadline.after(java.time.Duration.ofSeconds(20), brick.port(io.brick.core.time.Clock.class)));
        } catch (BrickException | IllegalStateException e) {
            org.slf4j.LoggerFactory.getLogger(DoctorCommand.class).debug("no node records: {}", e.getMessage());
            return List.of();
        }
    }

    /**
     * What multipathd says of its paths ({@code multipathd show paths}), only on the running host itself, as for
     * {@link #nodeRecords}. None when multipathd or the multipath plugin is missing.
     */
    static List<MultipathManager.PathStatus> multipathPaths(Brick brick, HostRoot host) {
        if (!host.isSystem()) {
            return List.of();
        }
        try {
            return brick.port(MultipathManager.class)
                    .paths(Deadline.after(java.time.Duration.ofSeconds(20), brick.port(io.brick.core.time.Clock.class)));
        } catch (BrickException | IllegalStateException e) {
            org.slf4j.LoggerFactory.getLogger(DoctorCommand.class).debug("no multipath paths: {}", e.getMessage());
            return List.of();
        }
    }

    static Map<String, Object> document(List<Finding> findings) {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("findings", findings.stream().map(DoctorCommand::finding).toList());
        result.put("clean", findings.isEmpty());
        return result;
    }

    static List<String> lines(List<Finding> findings) {
        if (findings.isEmpty()) {
            return List.of("clean: no leftovers found");
        }
        return findings.stream()
                .map(f -> f.kind() + " " + f.subject() + ": " + f.detail() + " -> " + f.suggestion())
                .toList();
    }

    private static Map<String, Object> finding(Finding f) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("kind", f.kind());
        map.put("subject", f.subject());
        map.put("detail", f.detail());
        map.put("suggestion", f.suggestion());
        return map;
    }
}
