package io.brick.iscsi;

import io.brick.core.port.ToolText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads {@code iscsiadm -m node}: one node record per line, {@code 127.0.0.1:3260,1 iqn...}. The tpgt may be
 * {@code -1} or its unsigned form {@code 4294967295} (both read as -1); IPv6 portals are bracketed.
 *
 * <p>Corrupt records, such as {@code []:3260,-1} left by an interrupted discovery (os-brick bug #1886855), and any
 * other line that is not exactly {@code portal,tpgt name} are skipped and logged at DEBUG. Give it the standard
 * output only: with no records iscsiadm exits 21 ({@code iscsiadm: No records found} on standard error), which
 * reads as no nodes. Target names are kept as printed (see {@link PortalTarget}).
 */
final class IscsiNodeListParser {
    private static final Logger log = LoggerFactory.getLogger(IscsiNodeListParser.class);

    private IscsiNodeListParser() {
    }

    /** The node records listed in {@code iscsiadm -m node}'s standard output, in order. */
    static List<PortalTarget> parse(String stdout) {
        List<PortalTarget> nodes = new ArrayList<>();
        for (String line : ToolText.lines(stdout)) {
            if (line.isBlank()) {
                continue;
            }
            String[] fields = ToolText.fields(line);
            Optional<TaggedPortal> portal = fields.length == 2 ? IscsiadmText.taggedPortal(fields[0]) : Optional.empty();
            if (portal.isEmpty()) {
                log.debug("iscsiadm -m node: skipping a line that is not 'portal,tpgt target': {}", line);
                continue;
            }
            nodes.add(new PortalTarget(portal.get(), fields[1]));
        }
        return List.copyOf(nodes);
    }
}
