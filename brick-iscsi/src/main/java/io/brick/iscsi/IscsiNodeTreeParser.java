package io.brick.iscsi;

import io.brick.core.port.ToolText;
import io.brick.iscsi.SessionManager.Node;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads {@code iscsiadm -m node -P 1}, the node listing that names each record's iface (open-iscsi 2.1.8,
 * {@code print_nodes_tree}):
 * <pre>
 * Target: iqn.2003-01.org.linux-iscsi.labvm:target1
 * 	Portal: 127.0.0.1:3260,1
 * 		Iface Name: default
 * </pre>
 * A target line is printed once for consecutive records of the same target; each portal line is followed by its
 * iface line. An iscsiadm that prints the flat form ({@code 127.0.0.1:3260,1 iqn...}) instead is read with
 * {@link IscsiNodeListParser}, each record then taken to use the {@code default} iface (the flat form does not name
 * it). Records whose target is not a valid iSCSI name, and lines not understood, are skipped and logged at DEBUG.
 */
final class IscsiNodeTreeParser {
    private static final Logger log = LoggerFactory.getLogger(IscsiNodeTreeParser.class);
    private static final String DEFAULT_IFACE = "default";

    private IscsiNodeTreeParser() {
    }

    /** The node records listed, in order. */
    static List<Node> parse(String stdout) {
        List<String> lines = ToolText.lines(stdout);
        boolean tree = lines.stream().anyMatch(line -> line.strip().startsWith("Target:"));
        return tree ? parseTree(lines) : parseFlat(stdout);
    }

    private static List<Node> parseFlat(String stdout) {
        List<Node> nodes = new ArrayList<>();
        for (PortalTarget each : IscsiNodeListParser.parse(stdout)) {
            Optional<Iqn> target = each.target();
            if (target.isEmpty()) {
                log.debug("iscsiadm -m node: skipping a record whose target is not an iSCSI name: {}", each);
                continue;
            }
            nodes.add(new Node(target.get(), each.portal().portal(), DEFAULT_IFACE));
        }
        return List.copyOf(nodes);
    }

    private static List<Node> parseTree(List<String> lines) {
        List<Node> nodes = new ArrayList<>();
        Optional<Iqn> target = Optional.empty();
        Optional<TaggedPortal> portal = Optional.empty();
        for (String raw : lines) {
            String line = raw.strip();
            if (line.isEmpty()) {
                continue;
            }
            int colon = line.indexOf(':');
            String key = colon < 0 ? line : line.substring(0, colon).strip();
            String value = colon < 0 ? "" : line.substring(colon + 1).strip();
            switch (key) {
                case "Target" -> {
                    target = IscsiadmText.iscsiName(value);
                    portal = Optional.empty();
                    if (target.isEmpty()) {
                        log.debug("iscsiadm -m node -P 1: skipping a target that is not an iSCSI name: {}", line);
                    }
                }
                case "Portal" -> {
                    portal = IscsiadmText.taggedPortal(value);
                    if (portal.isEmpty()) {
                        log.debug("iscsiadm -m node -P 1: skipping a portal that is not host:port,tpgt: {}", line);
                    }
                }
                case "Iface Name" -> {
                    Optional<String> iface = IscsiadmText.value(value);
                    if (target.isEmpty() || portal.isEmpty() || iface.isEmpty()) {
                        log.debug("iscsiadm -m node -P 1: skipping an iface line without a valid target and portal: {}",
                                line);
                    } else {
                        nodes.add(new Node(target.get(), portal.get().portal(), iface.get()));
                    }
                    portal = Optional.empty();
                }
                default -> log.debug("iscsiadm -m node -P 1: skipping a line: {}", line);
            }
        }
        return List.copyOf(nodes);
    }
}
