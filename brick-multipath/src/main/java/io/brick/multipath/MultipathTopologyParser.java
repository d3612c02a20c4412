package io.brick.multipath;

import io.brick.core.port.ToolText;
import io.brick.core.error.InvalidInputException;
import io.brick.core.model.Hctl;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

import static java.util.Objects.requireNonNull;

/**
 * Reads the topology {@code multipath -ll}, {@code multipath -l [dev]} (and the dry runs) print, any number of maps:
 * <pre>
 * create: mpath6 (350002ac20398383d) dm-3 3PARdata,VV
 * size=2.0G features='1 queue_if_no_path' hwhandler='1 alua' wp=rw
 * `-+- policy='service-time 0' prio=50 status=active
 *   |- 2:0:0:1 sda 8:0  active ready running
 *   `- 3:0:0:1 sdb 8:16 active ready running
 * </pre>
 * The header is {@code [action:] name [(wwid)] dm-N|undef vendor,product}: the WWID is printed in parentheses only
 * when the map has a name other than its WWID (user_friendly_names, aliases). Path group and path lines are read
 * after their tree drawing ({@code |}, {@code `}, {@code -}, {@code +} and spaces) is dropped; path fields are read
 * by position among whitespace-separated fields, not by column.
 *
 * <p>multipath's log lines ({@code Oct 13 10:24:01 | /lib/udev/scsi_id exited with 1}), blank lines and anything
 * else not understood are skipped and logged at DEBUG.
 */
final class MultipathTopologyParser {
    private static final Logger log = LoggerFactory.getLogger(MultipathTopologyParser.class);
    private static final String TREE_CHARACTERS = " \t|`-+";
    private static final int PATH_FIELDS = 6;

    /**
     * One map.
     *
     * @param action what a creating or reloading run did ({@code create}, {@code reload}, {@code switchpg}, ...),
     *               empty in plain listings
     * @param name the map's name ({@code /dev/mapper/<name>}): its WWID, or a friendly name or alias
     * @param wwid the WWID printed in parentheses after a friendly name; empty when the name is the WWID
     * @param sysfsName the dm device ({@code dm-3}), or {@code undef} when the map does not exist (yet)
     * @param vendor the SCSI vendor ({@code 3PARdata})
     * @param product the SCSI product ({@code VV})
     * @param attributes the {@code size=... features='...' hwhandler='...' wp=...} line as keys and values
     * @param pathGroups the path groups, in order
     */
    record TopologyMap(Optional<String> action, String name, Optional<String> wwid, String sysfsName, String vendor,
                       String product, Map<String, String> attributes, List<PathGroup> pathGroups) {
        TopologyMap {
            requireNonNull(action, "action is null");
            requireNonNull(name, "name is null");
            requireNonNull(wwid, "wwid is null");
            requireNonNull(sysfsName, "sysfsName is null");
            requireNonNull(vendor, "vendor is null");
            requireNonNull(product, "product is null");
            attributes = Map.copyOf(attributes);
            pathGroups = List.copyOf(pathGroups);
        }

        /** The WWID: the one in parentheses, else the name (as os-brick's {@code id}). */
        String id() {
            return wwid.orElse(name);
        }

        /** {@code size}, as printed ({@code 128M}, {@code 2.0G}). */
        Optional<String> size() {
            return Optional.ofNullable(attributes.get("size"));
        }

        /** {@code features} ({@code 1 queue_if_no_path}, {@code 0}). */
        Optional<String> features() {
            return Optional.ofNullable(attributes.get("features"));
        }

        /** {@code hwhandler} ({@code 1 alua}, {@code 0}). */
        Optional<String> hardwareHandler() {
            return Optional.ofNullable(attributes.get("hwhandler"));
        }

        /** {@code wp}: {@code rw}, {@code ro} or {@code undef}. */
        Optional<String> writePermission() {
            return Optional.ofNullable(attributes.get("wp"));
        }

        /** Whether the features hold {@code queue_if_no_path} (I/O queues while no path is left). */
        boolean queueIfNoPath() {
            return features().map(features -> Arrays.asList(ToolText.fields(features)).contains("queue_if_no_path"))
                    .orElse(false);
        }

        /** Every path of every group, in order. */
        List<TopologyPath> paths() {
            return pathGroups.stream().flatMap(group -> group.paths().stream()).toList();
        }
    }

    /**
     * A path group ({@code policy='service-time 0' prio=50 status=active}).
     *
     * @param attributes the group line's keys and values
     * @param paths its paths, in order
     */
    record PathGroup(Map<String, String> attributes, List<TopologyPath> paths) {
        PathGroup {
            attributes = Map.copyOf(attributes);
            paths = List.copyOf(paths);
        }

        /** {@code policy}: the path selector ({@code service-time 0}, {@code round-robin 0}). */
        Optional<String> policy() {
            return Optional.ofNullable(attributes.get("policy"));
        }

        /** {@code prio}: the group's priority ({@code -1} when not known, as {@code multipath -l} shows it). */
        OptionalInt priority() {
            String prio = attributes.get("prio");
            if (prio == null) {
                return OptionalInt.empty();
            }
            try {
                return OptionalInt.of(Integer.parseInt(prio));
            } catch (NumberFormatException e) {
                return OptionalInt.empty();
            }
        }

        /** {@code status}: {@code active}, {@code enabled}, {@code disabled}, {@code undef}. */
        Optional<String> status() {
            return Optional.ofNullable(attributes.get("status"));
        }
    }

    /**
     * A path ({@code 2:0:0:1 sda 8:0 active ready running}).
     *
     * @param hctlText the SCSI address as printed ({@code #:#:#:#} when multipath does not know it)
     * @param device the path's kernel name ({@code sda})
     * @param majorMinor {@code major:minor}
     * @param dmState the state device-mapper has for it ({@code active}, {@code failed})
     * @param checkerState the path checker's state ({@code ready}, {@code faulty}, {@code ghost}, {@code undef}, ...)
     * @param deviceState the SCSI device's state ({@code running}, {@code offline}, ...)
     */
    record TopologyPath(String hctlText, String device, String majorMinor, String dmState, String checkerState,
                String deviceState) {
        TopologyPath {
            requireNonNull(hctlText, "hctlText is null");
            requireNonNull(device, "device is null");
            requireNonNull(majorMinor, "majorMinor is null");
            requireNonNull(dmState, "dmState is null");
            requireNonNull(checkerState, "checkerState is null");
            requireNonNull(deviceState, "deviceState is null");
        }

        /** The SCSI address, when multipath printed one. */
        Optional<Hctl> hctl() {
            try {
                return Optional.of(Hctl.parse(hctlText));
            } catch (InvalidInputException e) {
                return Optional.empty();
            }
        }
    }

    private MultipathTopologyParser() {
    }

    /** The maps in the output, in order. */
    static List<TopologyMap> parse(String stdout) {
        List<MapBuilder> maps = new ArrayList<>();
        MapBuilder map = null;
        for (String line : ToolText.lines(stdout)) {
            if (line.isBlank()) {
                continue;
            }
            if (TREE_CHARACTERS.indexOf(line.charAt(0)) >= 0) {
                treeLine(map, line);
                continue;
            }
            if (MultipathText.isLogLine(line)) {
                log.debug("multipath topology: skipping a log line: {}", line);
                continue;
            }
            if (line.startsWith("size=")) {
                if (map == null) {
                    log.debug("multipath topology: skipping a size line before any map: {}", line);
                } else {
                    map.attributes = MultipathText.keyValues(line);
                }
                continue;
            }
            Optional<MapBuilder> header = header(line);
            if (header.isPresent()) {
                map = header.get();
                maps.add(map);
            } else {
                log.debug("multipath topology: skipping a line that is not a map header: {}", line);
            }
        }
        return maps.stream().map(MapBuilder::build).toList();
    }

    private static void treeLine(MapBuilder map, String line) {
        int start = 0;
        while (start < line.length() && TREE_CHARACTERS.indexOf(line.charAt(start)) >= 0) {
            start++;
        }
        String content = line.substring(start);
        if (map == null || content.isEmpty()) {
            log.debug("multipath topology: skipping a tree line outside any map: {}", line);
            return;
        }
        if (content.startsWith("policy=")) {
            map.groups.add(new GroupBuilder(MultipathText.keyValues(content)));
            return;
        }
        String[] fields = ToolText.fields(content);
        if (fields.length < PATH_FIELDS || map.groups.isEmpty()) {
            log.debug("multipath topology: skipping a line that is not a path of a path group: {}", line);
            return;
        }
        map.groups.get(map.groups.size() - 1).paths
                .add(new TopologyPath(fields[0], fields[1], fields[2], fields[3], fields[4], fields[5]));
    }

    /** {@code [action:] name [(wwid)] dm-N|undef vendor,product}. */
    private static Optional<MapBuilder> header(String line) {
        List<MultipathText.Field> fields = MultipathText.positionedFields(line);
        int index = 0;
        Optional<String> action = Optional.empty();
        if (fields.size() > 2 && fields.get(0).text().endsWith(":") && fields.get(0).text().length() > 1) {
            String text = fields.get(0).text();
            action = Optional.of(text.substring(0, text.length() - 1));
            index = 1;
        }
        if (index + 1 >= fields.size()) {
            return Optional.empty();
        }
        String name = fields.get(index).text();
        index++;
        Optional<String> wwid = Optional.empty();
        String next = fields.get(index).text();
        if (next.length() > 2 && next.startsWith("(") && next.endsWith(")")) {
            wwid = Optional.of(next.substring(1, next.length() - 1));
            index++;
        }
        if (index >= fields.size() || !isSysfsName(fields.get(index).text())) {
            return Optional.empty();
        }
        String sysfsName = fields.get(index).text();
        String vendorProduct = index + 1 < fields.size() ? line.substring(fields.get(index + 1).start()).strip() : "";
        int comma = vendorProduct.indexOf(',');
        // the SCSI INQUIRY fields are space-padded (vendor to 8 characters: "PURE    ,FlashArray"): stripped, as sysfs's
        String vendor = (comma < 0 ? vendorProduct : vendorProduct.substring(0, comma)).strip();
        String product = comma < 0 ? "" : vendorProduct.substring(comma + 1).strip();
        return Optional.of(new MapBuilder(action, name, wwid, sysfsName, vendor, product));
    }

    private static boolean isSysfsName(String text) {
        if (text.equals("undef")) {
            return true;
        }
        if (!text.startsWith("dm-") || text.length() == 3) {
            return false;
        }
        for (int i = 3; i < text.length(); i++) {
            if (text.charAt(i) < '0' || text.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    private static final class MapBuilder {
        private final Optional<String> action;
        private final String name;
        private final Optional<String> wwid;
        private final String sysfsName;
        private final String vendor;
        private final String product;
        private Map<String, String> attributes = Map.of();
        private final List<GroupBuilder> groups = new ArrayList<>();

        MapBuilder(Optional<String> action, String name, Optional<String> wwid, String sysfsName, String vendor,
                   String product) {
            this.action = action;
            this.name = name;
            this.wwid = wwid;
            this.sysfsName = sysfsName;
            this.vendor = vendor;
            this.product = product;
        }

        TopologyMap build() {
            return new TopologyMap(action, name, wwid, sysfsName, vendor, product, attributes,
                    groups.stream().map(group -> new PathGroup(group.attributes, group.paths)).toList());
        }
    }

    private static final class GroupBuilder {
        private final Map<String, String> attributes;
        private final List<TopologyPath> paths = new ArrayList<>();

        GroupBuilder(Map<String, String> attributes) {
            this.attributes = attributes;
        }
    }
}
