package io.brick.iscsi;

import io.brick.core.port.ToolText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads sendtargets discovery ({@code iscsiadm -m discovery -t sendtargets -p P} or
 * {@code -m discoverydb ... --discover}): one target per line, {@code 10.15.84.19:3260,1 iqn.1992-08.com.netapp:sn.1}.
 *
 * <p>A line counts only when it has exactly two fields, the first a {@code portal,tpgt} and the second an iSCSI
 * name starting with {@code iqn.}, {@code eui.} or {@code naa.} (any case: unlike os-brick, which only took
 * {@code iqn.}); anything else, such as {@code Loading iscsi modules: done}, is skipped and logged at DEBUG.
 */
final class SendTargetsParser {
    private static final Logger log = LoggerFactory.getLogger(SendTargetsParser.class);

    private SendTargetsParser() {
    }

    /** The targets the portal advertised, in the order printed. */
    static List<PortalTarget> parse(String stdout) {
        List<PortalTarget> targets = new ArrayList<>();
        for (String line : ToolText.lines(stdout)) {
            if (line.isBlank()) {
                continue;
            }
            String[] fields = ToolText.fields(line);
            Optional<TaggedPortal> portal = fields.length == 2 && IscsiadmText.hasIscsiNamePrefix(fields[1])
                    ? IscsiadmText.taggedPortal(fields[0]) : Optional.empty();
            if (portal.isEmpty()) {
                log.debug("sendtargets discovery: skipping a line that is not 'portal,tpgt iSCSI-name': {}", line);
                continue;
            }
            targets.add(new PortalTarget(portal.get(), fields[1]));
        }
        return List.copyOf(targets);
    }
}
