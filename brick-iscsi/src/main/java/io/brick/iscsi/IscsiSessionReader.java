package io.brick.iscsi;

import io.brick.core.error.HostStateException;
import io.brick.core.error.InvalidInputException;
import io.brick.core.model.BlockDevice;
import io.brick.core.model.Hctl;
import io.brick.core.model.Lun;
import io.brick.core.model.Quoted;
import io.brick.core.model.ScsiTarget;
import io.brick.core.port.SysfsAccess;
import io.brick.core.port.TopologyProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * The host's iSCSI sessions as the kernel lays them out, read through {@link SysfsAccess}:
 * {@code class/iscsi_session/sessionN} → {@code devices/platform/hostH/sessionN/iscsi_session/sessionN}
 * ({@code targetname}, {@code tpgt}, {@code state}, {@code recovery_tmo}, {@code ifacename}); its host is the
 * {@code hostH} directory above {@code sessionN}; its portal from {@code class/iscsi_connection/connectionN:0}; its
 * transport from {@code class/scsi_host/hostH/proc_name}; its LUNs under {@code hostH/sessionN/targetH:C:T/H:C:T:L},
 * whose block devices {@link TopologyProvider#deviceAt} reads.
 *
 * <p>Lookups are targeted (a session's own directories, never every device of the host). A session that disappears
 * while it is read is absent; an expected attribute of a session that is still there but cannot be read is a
 * {@link HostStateException} naming the path.
 */
public final class IscsiSessionReader {
    private static final Logger log = LoggerFactory.getLogger(IscsiSessionReader.class);

    private static final Pattern SESSION = Pattern.compile("session(\\d{1,9})");
    private static final Pattern HOST = Pattern.compile("host(\\d{1,9})");
    private static final Pattern TARGET = Pattern.compile("target(\\d{1,9}):(\\d{1,9}):(\\d{1,9})");
    private static final Pattern HCTL = Pattern.compile("\\d{1,9}:\\d{1,9}:\\d{1,9}:\\d{1,20}");
    private static final Comparator<Hctl> HCTL_ORDER = Comparator.comparingInt(Hctl::host)
            .thenComparingInt(Hctl::channel).thenComparingInt(Hctl::target)
            .thenComparing(Hctl::lun, Long::compareUnsigned);
    private static final String CLASS = "class/iscsi_session";
    private static final List<String> TARGET_NAME = List.of("targetname");
    private static final List<String> CONNECTION_ATTRIBUTES = List.of("address", "port", "persistent_address",
            "persistent_port");
    private static final List<String> SESSION_ATTRIBUTES = List.of("targetname", "tpgt", "state", "recovery_tmo",
            "ifacename");
    private static final Comparator<ScsiTarget> TARGET_ORDER = Comparator.comparingInt(ScsiTarget::host)
            .thenComparingInt(ScsiTarget::channel).thenComparingInt(ScsiTarget::target);

    private final SysfsAccess sysfs;
    private final TopologyProvider topology;
    /** The {@code targetname} of each session id seen, while the session is listed ({@link SessionNames}). */
    private final SessionNames targetNames = new SessionNames();

    /**
     * @param sysfs the host's sysfs
     * @param topology reads the block devices of the sessions' LUNs
     */
    public IscsiSessionReader(SysfsAccess sysfs, TopologyProvider topology) {
        this.sysfs = requireNonNull(sysfs, "sysfs is null");
        this.topology = requireNonNull(topology, "topology is null");
    }

    /** Thrown inside a read when the session being read disappeared: the lookup answers "absent". */
    private static final class Gone extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Gone(String path) {
            super(path, null, false, false);
        }
    }

    /**
     * A session's directories (relative to /sys): its class attributes (the entry, read where it resolved), its device
     * directory, its host.
     */
    private record SessionDirs(int sessionId, SysfsAccess.Entry entry, String device, int hostNumber) {
        String attributes() {
            return entry.path();
        }
    }

    /** All iSCSI sessions, sorted by id. */
    public List<IscsiSession> sessions() {
        List<IscsiSession> sessions = new ArrayList<>();
        for (SysfsAccess.Entry entry : sysfs.entries(CLASS, SESSION.asMatchPredicate())) {
            absentIfGone(() -> sessionDirs(entry).flatMap(this::readSession)).ifPresent(sessions::add);
        }
        sessions.sort(Comparator.comparingInt(IscsiSession::sessionId));
        return List.copyOf(sessions);
    }

    /**
     * The sessions to one target ({@link Iqn#matches}: IQNs compare case-insensitively), logged in or not, sorted by
     * id. {@code class/iscsi_session} is listed once; a session's {@code targetname} is read the first time its id is
     * listed and remembered ({@link #targetNames}), and the whole session is read only where the name is the target's.
     * So a lookup by target costs one listing plus the reads of the target's sessions and of sessions new since the
     * last lookup, however many other sessions the host has.
     */
    public List<IscsiSession> sessions(Iqn target) {
        requireNonNull(target, "target is null");
        SessionNames.Lookup known = targetNames.lookup(target);
        int[] listed = {0};
        Predicate<String> worthReading = name -> {
            int sessionId = kernelSessionId(name);
            if (sessionId < 0) {
                return SESSION.matcher(name).matches(); // not a name the kernel makes: never remembered, always read
            }
            listed[0]++;
            return known.unknown(sessionId) || known.namesTarget(sessionId);
        };
        List<IscsiSession> sessions = new ArrayList<>();
        for (SysfsAccess.Entry entry : sysfs.entries(CLASS, worthReading)) {
            if (namesTarget(entry, target)) {
                absentIfGone(() -> sessionDirs(entry).flatMap(this::readSession))
                        .filter(session -> session.targetName().matches(target)).ifPresent(sessions::add);
            }
        }
        if (targetNames.size() > listed[0]) {
            forgetGone(); // a session went away: its id never comes back, only its memory is freed
        }
        sessions.sort(Comparator.comparingInt(IscsiSession::sessionId));
        return List.copyOf(sessions);
    }

    /**
     * Whether a session's {@code targetname} may name the target, remembered for the session's id once it is set; a
     * session whose name cannot be read here is read in full by {@link #readSession}, which decides (absent, or the
     * host error it is).
     */
    private boolean namesTarget(SysfsAccess.Entry session, Iqn target) {
        Optional<String> known = canonicalId(session.name()).flatMap(targetNames::name);
        if (known.isPresent()) {
            return known.get().equalsIgnoreCase(target.value());
        }
        Optional<String> name;
        try {
            name = Optional.ofNullable(session.readAll(TARGET_NAME).get("targetname")).map(String::strip);
        } catch (HostStateException e) {
            log.debug("{}/targetname not readable ({}): the session is read in full", session.path(), e.getMessage());
            return true;
        }
        if (name.isPresent() && isSet(name.get())) {
            canonicalId(session.name()).ifPresent(id -> targetNames.remember(id, name.get()));
        }
        return name.map(value -> value.equalsIgnoreCase(target.value())).orElse(true);
    }

    /** N of {@code sessionN} as the kernel names it ({@code session01} is not such a name). */
    private static Optional<Integer> canonicalId(String name) {
        int sessionId = kernelSessionId(name);
        return sessionId < 0 ? Optional.empty() : Optional.of(sessionId);
    }

    /**
     * N of {@code sessionN} as the kernel names it (at most 9 digits, no leading zero), else -1: what a lookup does
     * once per session on the host, so without a pattern or a new string.
     */
    private static int kernelSessionId(String name) {
        int length = name.length();
        if (length < 8 || length > 16 || !name.startsWith("session") || (name.charAt(7) == '0' && length > 8)) {
            return -1;
        }
        int value = 0;
        for (int index = 7; index < length; index++) {
            char digit = name.charAt(index);
            if (digit < '0' || digit > '9') {
                return -1;
            }
            value = value * 10 + (digit - '0');
        }
        return value;
    }

    /** Forgets the target names of sessions no longer listed. */
    private void forgetGone() {
        BitSet present = new BitSet();
        for (String name : sysfs.list(CLASS)) {
            int sessionId = kernelSessionId(name);
            if (sessionId >= 0) {
                present.set(sessionId);
            }
        }
        targetNames.retain(present);
    }

    /** The session {@code sessionN}, if it exists. */
    public Optional<IscsiSession> session(int sessionId) {
        return absentIfGone(() -> sessionDirs(sessionId).flatMap(this::readSession));
    }

    private Optional<IscsiSession> readSession(SessionDirs dirs) {
        String attributes = dirs.attributes();
        // read where the session's directory resolved: no resolution per attribute
        Map<String, String> values = dirs.entry().readAll(SESSION_ATTRIBUTES);
        if (values.size() < SESSION_ATTRIBUTES.size() && !sysfs.exists(attributes)) {
            throw new Gone(attributes); // an attribute missing because the session went away while it was read
        }
        String targetName = required(values, attributes, "targetname").strip();
        if (targetName.isEmpty() || "(null)".equals(targetName)) {
            log.debug("session{} has no target name yet: not reported", dirs.sessionId());
            return Optional.empty();
        }
        Iqn target;
        try {
            target = Iqn.of(targetName);
        } catch (InvalidInputException e) {
            throw new HostStateException("session" + dirs.sessionId() + " has a target name brick cannot read", true,
                    Map.of("path", "/sys/" + attributes + "/targetname", "targetname", Quoted.of(targetName)), e);
        }
        targetNames.remember(dirs.sessionId(), targetName); // dirs are always of the kernel's name for the id
        String state = required(values, attributes, "state").strip();
        int tpgt = Optional.ofNullable(values.get("tpgt")).flatMap(IscsiSessionReader::parseInt).orElse(-1);
        Optional<Duration> recovery = Optional.ofNullable(values.get("recovery_tmo"))
                .flatMap(IscsiSessionReader::parseInt).filter(value -> value >= 0).map(Duration::ofSeconds);
        String iface = Optional.ofNullable(values.get("ifacename")).map(String::strip).filter(IscsiSessionReader::isSet)
                .orElse("");
        String connection = "class/iscsi_connection/connection" + dirs.sessionId() + ":0";
        Map<String, String> portals = connectionAttributes(connection);
        Optional<Portal> current = portal(connection, portals, "address", "port");
        Optional<Portal> persistent = portal(connection, portals, "persistent_address", "persistent_port");
        return Optional.of(new IscsiSession(dirs.sessionId(), dirs.hostNumber(), target, tpgt, state, recovery, current,
                persistent, iface, transport(dirs.hostNumber(), iface)));
    }

    private Optional<SessionDirs> sessionDirs(int sessionId) {
        if (sessionId < 0) {
            return Optional.empty();
        }
        return sysfs.entry(CLASS + "/session" + sessionId).flatMap(this::sessionDirs);
    }

    private Optional<SessionDirs> sessionDirs(SysfsAccess.Entry entry) {
        int sessionId = Integer.parseInt(entry.name().substring("session".length()));
        if (!entry.name().equals("session" + sessionId)) {
            return sessionDirs(sessionId); // "session01": read as the session it numbers, as by its id
        }
        // .../hostH/sessionN/iscsi_session/sessionN
        String[] names = entry.path().split("/");
        int length = names.length;
        Matcher hostName = length < 4 ? null : HOST.matcher(names[length - 4]);
        if (hostName == null || !hostName.matches() || !names[length - 3].equals("session" + sessionId)) {
            throw new HostStateException("session" + sessionId + " is not under a SCSI host directory", true,
                    Map.of("path", "/sys/" + entry.path()), null);
        }
        String device = String.join("/", Arrays.copyOfRange(names, 0, length - 2));
        return Optional.of(new SessionDirs(sessionId, entry, device, Integer.parseInt(hostName.group(1))));
    }

    /**
     * A connection's address files, read in one go; when one cannot be read (the address of a down connection), each
     * portal's pair on its own, so the other portal is still read.
     */
    private Map<String, String> connectionAttributes(String connection) {
        try {
            return sysfs.readAll(connection, CONNECTION_ATTRIBUTES);
        } catch (HostStateException e) {
            Map<String, String> values = new java.util.HashMap<>();
            for (List<String> pair : List.of(CONNECTION_ATTRIBUTES.subList(0, 2),
                    CONNECTION_ATTRIBUTES.subList(2, 4))) {
                try {
                    values.putAll(sysfs.readAll(connection, pair));
                } catch (HostStateException unreadable) {
                    log.debug("no portal in {} ({}): {}", connection, pair, unreadable.toString());
                }
            }
            return values;
        }
    }

    /**
     * A connection's portal; empty while the connection has none (reading the address of a down connection fails), or
     * while there is no connection.
     */
    private static Optional<Portal> portal(String connection, Map<String, String> values, String addressFile,
            String portFile) {
        try {
            Optional<String> address = Optional.ofNullable(values.get(addressFile)).map(String::strip);
            Optional<String> port = Optional.ofNullable(values.get(portFile)).map(String::strip);
            if (address.isEmpty() || port.isEmpty() || !isSet(address.get()) || !isSet(port.get())) {
                return Optional.empty();
            }
            return Optional.of(new Portal(address.get(), Integer.parseInt(port.get())));
        } catch (IllegalArgumentException | InvalidInputException e) {
            // an address that is not one (garbage in sysfs) is no portal, never invalid input of the caller's
            log.debug("no portal in {} ({}/{}): {}", connection, addressFile, portFile, e.toString());
            return Optional.empty();
        }
    }

    /**
     * The iSCSI transport of a host: {@code tcp}, {@code iser}, or the offload driver's name, from the host's driver
     * ({@code proc_name}).
     */
    private String transport(int hostNumber, String iface) {
        Optional<String> procName = sysfs.read("class/scsi_host/host" + hostNumber + "/proc_name").map(String::strip)
                .filter(IscsiSessionReader::isSet);
        if (procName.isPresent()) {
            return switch (procName.get()) {
                case "iscsi_tcp" -> "tcp";
                case "ib_iser" -> "iser";
                default -> procName.get();
            };
        }
        // no driver named (a partial tree): what the iface's name tells; an iface an operator named is tcp unless its
        // record says otherwise, which sysfs does not show
        return IscsiVolume.transportOfIface(iface.isEmpty() ? IscsiVolume.DEFAULT_IFACE : iface).orElse("tcp");
    }

    /** The session's SCSI target ({@code targetH:C:T}), once the kernel has created it (after the first LUN scan). */
    public Optional<ScsiTarget> target(int sessionId) {
        return absentIfGone(() -> sessionDirs(sessionId).flatMap(dirs -> targets(dirs).stream().findFirst()));
    }

    /**
     * The block device of one LUN of one session, if the kernel has it: the LUN's address under the session's target
     * (an H:C:T is the host's own, so the device at that address is the session's).
     */
    public Optional<BlockDevice> device(int sessionId, Lun lun) {
        requireNonNull(lun, "lun is null");
        return absentIfGone(() -> {
            Optional<SessionDirs> dirs = sessionDirs(sessionId);
            if (dirs.isEmpty()) {
                return Optional.empty();
            }
            for (ScsiTarget target : targets(dirs.get())) {
                Optional<BlockDevice> device = topology.deviceAt(target.lun(lun));
                if (device.isPresent()) {
                    return device;
                }
            }
            return Optional.empty();
        });
    }

    /** Every block device of one session, sorted by H:C:T:L. */
    public List<BlockDevice> devices(int sessionId) {
        return devices(sessionId, device -> true, Integer.MAX_VALUE);
    }

    /**
     * The block devices of one session that {@code counted} accepts, in H:C:T:L order, read one at a time and only
     * until {@code limit} are found: a question such as "does the session carry anything but these?" reads the
     * session's addresses and then as few devices as it takes, not every LUN's attributes.
     */
    public List<BlockDevice> devices(int sessionId, Predicate<BlockDevice> counted, int limit) {
        requireNonNull(counted, "counted is null");
        Optional<SessionDirs> dirs = sessionDirs(sessionId);
        if (dirs.isEmpty() || limit < 1) {
            return List.of();
        }
        List<Hctl> addresses = new ArrayList<>();
        for (ScsiTarget target : targets(dirs.get())) {
            for (String name : sysfs.list(dirs.get().device() + "/" + target)) {
                if (HCTL.matcher(name).matches()) {
                    addresses.add(Hctl.parse(name));
                }
            }
        }
        addresses.sort(HCTL_ORDER);
        List<BlockDevice> devices = new ArrayList<>();
        for (Hctl address : addresses) {
            Optional<BlockDevice> device = topology.deviceAt(address).filter(counted);
            if (device.isPresent()) {
                devices.add(device.get());
                if (devices.size() >= limit) {
                    break;
                }
            }
        }
        return List.copyOf(devices);
    }

    /** The session's SCSI targets, in H:C:T order. */
    private List<ScsiTarget> targets(SessionDirs dirs) {
        List<ScsiTarget> targets = new ArrayList<>();
        for (String name : sysfs.list(dirs.device())) {
            Matcher matcher = TARGET.matcher(name);
            if (matcher.matches()) {
                targets.add(new ScsiTarget(Integer.parseInt(matcher.group(1)), Integer.parseInt(matcher.group(2)),
                        Integer.parseInt(matcher.group(3))));
            }
        }
        targets.sort(TARGET_ORDER);
        return targets;
    }

    /** An attribute the session must have: its absence while the session is still there is a host error. */
    private String required(Map<String, String> values, String dir, String name) {
        String text = values.get(name);
        if (text != null) {
            return text;
        }
        if (!sysfs.exists(dir)) {
            throw new Gone(dir);
        }
        String path = "/sys/" + dir + "/" + name;
        throw new HostStateException("cannot read " + path + ": missing", true, Map.of("path", path, "error",
                "missing"), null);
    }

    private static <T> Optional<T> absentIfGone(java.util.function.Supplier<Optional<T>> read) {
        try {
            return read.get();
        } catch (Gone gone) {
            log.debug("{} disappeared while it was read: absent", gone.getMessage());
            return Optional.empty();
        }
    }

    private static Optional<Integer> parseInt(String text) {
        try {
            return Optional.of(Integer.parseInt(text.strip()));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Whether a kernel string attribute holds a value ({@code (null)} is the kernel's "none"). */
    private static boolean isSet(String value) {
        return !value.isEmpty() && !"(null)".equals(value);
    }
}
