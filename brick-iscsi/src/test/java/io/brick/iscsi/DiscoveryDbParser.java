package io.brick.iscsi;

import io.brick.core.port.ToolText;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

import static java.util.Objects.requireNonNull;

/**
 * Reads {@code iscsiadm -m discoverydb -o show -P 1}: sections ({@code SENDTARGETS:}, {@code iSNS:},
 * {@code STATIC:}, {@code FIRMWARE:}); in the SENDTARGETS section, each {@code DiscoveryAddress: host,port} is
 * followed by the targets discovered through it:
 * <pre>
 * DiscoveryAddress: 192.168.1.2,3260
 * Target: iqn.2004-04.com.qnap:ts-831x:iscsi.cinder-20170531114245.9eff88
 * 	Portal: 192.168.1.3:3260,1
 * 		Iface Name: default
 * </pre>
 * Each {@code Iface Name} line under a portal is one entry; a portal without any is one entry without an iface.
 * A discovery address without targets maps to an empty list. Targets of the other sections (which have no
 * discovery address) and lines not understood are skipped and logged at DEBUG.
 */
final class DiscoveryDbParser {
    private static final Logger log = LoggerFactory.getLogger(DiscoveryDbParser.class);

    /**
     * A target portal found through a discovery address.
     *
     * @param portal the target's portal and tpgt
     * @param targetName the target's name as printed
     * @param iface the iface the node record uses ({@code default}, {@code iser}, ...); empty when none was printed
     */
    record Entry(TaggedPortal portal, String targetName, Optional<String> iface) {
        Entry {
            requireNonNull(portal, "portal is null");
            requireNonNull(targetName, "targetName is null");
            requireNonNull(iface, "iface is null");
        }

        /** The target's name as an iSCSI name, when it is a valid one. */
        Optional<Iqn> target() {
            return IscsiadmText.iscsiName(targetName);
        }
    }

    private DiscoveryDbParser() {
    }

    /** Each sendtargets discovery address (in the order printed) with the entries found through it. */
    static Map<Portal, List<Entry>> parse(String stdout) {
        Map<Portal, List<Entry>> found = new LinkedHashMap<>();
        List<Entry> current = null;
        String target = null;
        TaggedPortal portal = null;
        boolean portalHasIface = false;
        for (String raw : ToolText.lines(stdout)) {
            String line = raw.strip();
            if (line.isEmpty()) {
                continue;
            }
            int colon = line.indexOf(':');
            String key = colon < 0 ? line : line.substring(0, colon).strip();
            String value = colon < 0 ? "" : line.substring(colon + 1).strip();
            boolean blockKey = key.equals("DiscoveryAddress") || key.equals("Target") || key.equals("Portal");
            boolean sectionTitle = !blockKey && colon == line.length() - 1 && ToolText.fields(key).length == 1;
            if (sectionTitle || blockKey) {
                // a new section, address, target or portal ends the portal before it
                if (current != null && portal != null && !portalHasIface) {
                    current.add(new Entry(portal, target, Optional.empty()));
                }
                portal = null;
                portalHasIface = false;
            }
            if (sectionTitle) {
                current = null;
                target = null;
                continue;
            }
            switch (key) {
                case "DiscoveryAddress" -> {
                    Optional<Portal> address = discoveryAddress(value);
                    target = null;
                    if (address.isEmpty()) {
                        log.debug("iscsiadm discoverydb: skipping a discovery address that is not host,port: {}", value);
                        current = null;
                    } else {
                        current = found.computeIfAbsent(address.get(), ignored -> new ArrayList<>());
                    }
                }
                case "Target" -> {
                    String[] fields = ToolText.fields(value);
                    target = fields.length == 1 ? fields[0] : null;
                    if (target == null) {
                        log.debug("iscsiadm discoverydb: skipping a malformed Target line: {}", line);
                    }
                }
                case "Portal" -> {
                    Optional<TaggedPortal> parsed = IscsiadmText.taggedPortal(value);
                    if (parsed.isEmpty() || target == null || current == null) {
                        log.debug("iscsiadm discoverydb: skipping a portal without a valid portal, target or discovery "
                                + "address: {}", line);
                    } else {
                        portal = parsed.get();
                    }
                }
                case "Iface Name" -> {
                    Optional<String> iface = IscsiadmText.value(value);
                    if (portal == null || current == null || iface.isEmpty()) {
                        log.debug("iscsiadm discoverydb: skipping an iface line without a portal: {}", line);
                    } else {
                        current.add(new Entry(portal, target, iface));
                        portalHasIface = true;
                    }
                }
                default -> log.debug("iscsiadm discoverydb: skipping a line: {}", line);
            }
        }
        if (current != null && portal != null && !portalHasIface) {
            current.add(new Entry(portal, target, Optional.empty()));
        }
        Map<Portal, List<Entry>> result = new LinkedHashMap<>();
        found.forEach((address, entries) -> result.put(address, List.copyOf(entries)));
        return Collections.unmodifiableMap(result);
    }

    /** {@code host,port} (an IPv6 host is printed without brackets). */
    private static Optional<Portal> discoveryAddress(String text) {
        int comma = text.lastIndexOf(',');
        if (comma <= 0) {
            return Optional.empty();
        }
        OptionalInt port = IscsiadmText.number(text.substring(comma + 1));
        if (port.isEmpty()) {
            return Optional.empty();
        }
        String host = text.substring(0, comma);
        String bracketed = host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
        return IscsiadmText.portal(bracketed + ":" + port.getAsInt());
    }
}
