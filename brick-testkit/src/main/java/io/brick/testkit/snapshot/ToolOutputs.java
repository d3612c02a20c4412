package io.brick.testkit.snapshot;

import io.brick.core.model.Hctl;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Small test-side parsers of what the tools said on the recorded host ({@code commands.json}): the expected answers
 * for a reader of the recorded host's sysfs (brick-sysfs's topology, a transport's own readers). Deliberately simple;
 * the production parsers live in the transport modules. A command the recording lacks is an {@link AssertionError}.
 */
public final class ToolOutputs {
    private static final Pattern SESSION_LINE = Pattern.compile("^(\\S+): \\[(\\d+)] (\\S+?),(\\d+) (\\S+)( .*)?$");
    private static final Pattern LSSCSI_LINE = Pattern.compile("^\\[(\\d+:\\d+:\\d+:\\d+)]\\s+.*?(/dev/\\S+)\\s*$");
    private static final Pattern LUN_LINE = Pattern.compile("^scsi(\\d+) Channel (\\d+) Id (\\d+) Lun: (\\d+)$");
    private static final Pattern DISK_LINE = Pattern.compile("^Attached scsi disk (\\S+)\\s+State: (\\S+)$");
    private static final Pattern LL_HEADER = Pattern.compile("^(\\S+) (dm-\\d+) ([^,]+),(.+)$");
    private static final Pattern LL_PATH = Pattern.compile("^[|`]- (\\d+:\\d+:\\d+:\\d+) (\\S+) \\d+:\\d+ .*$");
    private static final Pattern LS_LINK = Pattern.compile("^l\\S+\\s+(?:\\S+\\s+){7}(\\S+) -> (\\S+)$");

    private final Snapshot snapshot;

    /** The tools' outputs of one recording. */
    public ToolOutputs(Snapshot snapshot) {
        this.snapshot = java.util.Objects.requireNonNull(snapshot, "snapshot is null");
    }

    /** One line of {@code iscsiadm -m session}. */
    public record SessionLine(int sid, String transport, String portal, int tpgt, String target) {
    }

    /** One session of {@code iscsiadm -m session -P 3}. */
    public record SessionDetail(int sid, String target, String currentPortal, String persistentPortal, String iface,
                         String transport, String state, int recoveryTimeout, int hostNumber, Map<Hctl, String> disks) {
    }

    /** The first map of {@code multipath -ll}: WWID, dm name, vendor, model, and paths (device → H:C:T:L). */
    public record MultipathLl(String wwid, String kernelName, String vendor, String model, Map<String, Hctl> paths) {
    }

    /** One row of {@code multipathd show maps}. */
    public record MapRow(String name, String sysfs, String uuid) {
    }

    private String stdout(String cmd) {
        CommandRecord record = snapshot.command(cmd)
                .orElseThrow(() -> new AssertionError(snapshot.name() + " did not record '" + cmd + "'"));
        return record.stdout();
    }

    /** {@code iscsiadm -m session}; exit code 21 (no sessions) gives none. */
    public List<SessionLine> sessions() {
        CommandRecord record = snapshot.command("iscsiadm -m session").orElseThrow();
        if (record.rc() == 21) {
            return List.of();
        }
        List<SessionLine> sessions = new ArrayList<>();
        for (String line : record.stdout().split("\n")) {
            Matcher matcher = SESSION_LINE.matcher(line.strip());
            if (matcher.matches()) {
                sessions.add(new SessionLine(Integer.parseInt(matcher.group(2)), matcher.group(1), matcher.group(3),
                        Integer.parseInt(matcher.group(4)), matcher.group(5)));
            }
        }
        return sessions;
    }

    /** {@code iscsiadm -m session -P 3}, by SID. */
    public Map<Integer, SessionDetail> sessionDetails() {
        CommandRecord record = snapshot.command("iscsiadm -m session -P 3").orElseThrow();
        Map<Integer, SessionDetail> details = new TreeMap<>();
        if (record.rc() == 21) {
            return details;
        }
        String target = "";
        Map<String, String> fields = null;
        Map<Hctl, String> disks = null;
        Hctl lastLun = null;
        for (String raw : record.stdout().split("\n")) {
            String line = raw.strip();
            if (line.startsWith("Target: ")) {
                add(details, target, fields, disks);
                fields = null;
                target = line.substring("Target: ".length()).split(" ")[0];
            } else if (line.startsWith("Current Portal: ")) {
                add(details, target, fields, disks);
                fields = new LinkedHashMap<>();
                disks = new LinkedHashMap<>();
                fields.put("Current Portal", line.substring("Current Portal: ".length()));
            } else if (fields != null) {
                Matcher lun = LUN_LINE.matcher(line);
                Matcher disk = DISK_LINE.matcher(line);
                if (lun.matches()) {
                    lastLun = new Hctl(Integer.parseInt(lun.group(1)), Integer.parseInt(lun.group(2)),
                            Integer.parseInt(lun.group(3)), Long.parseLong(lun.group(4)));
                } else if (disk.matches() && lastLun != null) {
                    disks.put(lastLun, disk.group(1));
                } else if (line.startsWith("Host Number: ")) {
                    fields.put("Host Number", line.substring("Host Number: ".length()).split("\\s+")[0]);
                } else if (line.contains(": ")) {
                    fields.putIfAbsent(line.substring(0, line.indexOf(": ")), line.substring(line.indexOf(": ") + 2));
                }
            }
        }
        add(details, target, fields, disks);
        return details;
    }

    private static void add(Map<Integer, SessionDetail> details, String target, Map<String, String> fields,
                            Map<Hctl, String> disks) {
        if (fields == null) {
            return;
        }
        int sid = Integer.parseInt(fields.get("SID"));
        details.put(sid, new SessionDetail(sid, target, fields.get("Current Portal"), fields.get("Persistent Portal"),
                fields.get("Iface Name"), fields.get("Iface Transport"), fields.get("iSCSI Session State"),
                Integer.parseInt(fields.get("Recovery Timeout")), Integer.parseInt(fields.getOrDefault("Host Number", "-1")),
                Map.copyOf(disks)));
    }

    /** {@code lsscsi -t}: device name → H:C:T:L. */
    public Map<String, Hctl> lsscsi() {
        Map<String, Hctl> devices = new TreeMap<>();
        for (String line : stdout("lsscsi -t").split("\n")) {
            Matcher matcher = LSSCSI_LINE.matcher(line);
            if (matcher.matches()) {
                devices.put(matcher.group(2).substring("/dev/".length()), Hctl.parse(matcher.group(1)));
            }
        }
        return devices;
    }

    /** {@code scsi_id --page 0x83 --whitelisted} of a device, if recorded. */
    public Optional<String> scsiId(String device) {
        return snapshot.command("/lib/udev/scsi_id --page 0x83 --whitelisted --device=/dev/" + device)
                .filter(CommandRecord::succeeded).map(record -> record.stdout().strip());
    }

    /** {@code blockdev --getsize64} of a device, if recorded. */
    public OptionalLong size(String device) {
        return snapshot.command("blockdev --getsize64 /dev/" + device).filter(CommandRecord::succeeded)
                .map(record -> OptionalLong.of(Long.parseLong(record.stdout().strip()))).orElse(OptionalLong.empty());
    }

    /** {@code multipathd show maps}; {@code ok} (no maps) gives none. */
    public List<MapRow> multipathdMaps() {
        List<MapRow> rows = new ArrayList<>();
        String[] lines = stdout("multipathd show maps").split("\n");
        if (lines.length == 0 || !lines[0].startsWith("name")) {
            return rows;
        }
        for (int i = 1; i < lines.length; i++) {
            String[] columns = lines[i].strip().split("\\s+");
            if (columns.length == 3) {
                rows.add(new MapRow(columns[0], columns[1], columns[2]));
            }
        }
        return rows;
    }

    /** {@code multipath -ll}, map by map. */
    public List<MultipathLl> multipathLl() {
        List<MultipathLl> maps = new ArrayList<>();
        String wwid = null;
        String kernelName = null;
        String vendor = null;
        String model = null;
        Map<String, Hctl> paths = new TreeMap<>();
        for (String raw : stdout("multipath -ll").split("\n")) {
            Matcher header = LL_HEADER.matcher(raw);
            if (header.matches()) {
                if (wwid != null) {
                    maps.add(new MultipathLl(wwid, kernelName, vendor, model, Collections.unmodifiableMap(paths)));
                }
                wwid = header.group(1);
                kernelName = header.group(2);
                vendor = header.group(3);
                model = header.group(4);
                paths = new TreeMap<>();
                continue;
            }
            Matcher path = LL_PATH.matcher(raw.strip());
            if (path.matches()) {
                paths.put(path.group(2), Hctl.parse(path.group(1)));
            }
        }
        if (wwid != null) {
            maps.add(new MultipathLl(wwid, kernelName, vendor, model, Collections.unmodifiableMap(paths)));
        }
        return maps;
    }

    /** {@code dmsetup info -c}: map name → UUID; "No devices found" gives none. */
    public Map<String, String> dmsetupUuids() {
        Map<String, String> uuids = new TreeMap<>();
        String[] lines = stdout("dmsetup info -c").split("\n");
        if (lines.length == 0 || !lines[0].startsWith("Name")) {
            return uuids;
        }
        for (int i = 1; i < lines.length; i++) {
            String[] columns = lines[i].strip().split("\\s+");
            if (columns.length == 8) {
                uuids.put(columns[0], columns[7]);
            }
        }
        return uuids;
    }

    /** {@code ls -l /dev/disk/by-id}: link name → name of the device it points to; none when the directory is missing. */
    public Map<String, String> byIdLinks() {
        Map<String, String> links = new TreeMap<>();
        CommandRecord record = snapshot.command("ls -l /dev/disk/by-id").orElseThrow();
        if (!record.succeeded()) {
            return links;
        }
        for (String line : record.stdout().split("\n")) {
            Matcher matcher = LS_LINK.matcher(line.strip());
            if (matcher.matches()) {
                String target = matcher.group(2);
                links.put(matcher.group(1), target.substring(target.lastIndexOf('/') + 1));
            }
        }
        return links;
    }
}
