package io.brick.iscsi;

import io.brick.core.port.ToolText;
import io.brick.core.model.Hctl;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * Reads {@code iscsiadm -m session -P 3}: per target ({@code Target: NAME (non-flash)}), per session (a block that
 * starts with {@code Current Portal:}), the portals, the iface, the session id, the states, the recovery timeout, the
 * SCSI host and the attached devices ({@code scsi2 Channel 00 Id 0 Lun: 1} followed, when a block device exists, by
 * {@code Attached scsi disk sda		State: running}).
 *
 * <p>Lines are read as {@code key: value} after their indentation (tabs) is dropped; the amount of indentation,
 * the {@code ****} rulers and the section titles are not relied upon. Lines the parser does not use (negotiated
 * parameters, CHAP, other timeouts) are skipped and logged at DEBUG by key only: the CHAP lines are about
 * passwords. Give it the standard output only: with no sessions iscsiadm exits 21 and prints nothing there, which
 * reads as no targets.
 */
final class IscsiSessionDetailParser {
    private static final Logger log = LoggerFactory.getLogger(IscsiSessionDetailParser.class);
    private static final String STATE = "State:";

    /**
     * A target and the sessions to it.
     *
     * @param name the target's name as printed
     * @param flash whether the node type is {@code (flash)}
     * @param sessions its sessions, in order
     */
    record Target(String name, boolean flash, List<Session> sessions) {
        Target {
            requireNonNull(name, "name is null");
            sessions = List.copyOf(sessions);
        }

        /** The target's name as an iSCSI name, when it is a valid one. */
        Optional<Iqn> target() {
            return IscsiadmText.iscsiName(name);
        }
    }

    /**
     * One session; a value the output did not show (or showed as {@code <empty>}) is empty.
     *
     * @param currentPortal {@code Current Portal}: the address the connection uses now
     * @param persistentPortal {@code Persistent Portal}: the portal logged in to
     * @param ifaceName {@code Iface Name} ({@code default}, {@code iser}, ...)
     * @param ifaceTransport {@code Iface Transport} ({@code tcp}, {@code iser}, ...)
     * @param ifaceInitiatorName {@code Iface Initiatorname}
     * @param ifaceIpAddress {@code Iface IPaddress}: the local address
     * @param sid {@code SID}
     * @param connectionState {@code iSCSI Connection State} ({@code LOGGED IN}, {@code TRANSPORT WAIT}, ...)
     * @param sessionState {@code iSCSI Session State} ({@code LOGGED_IN}, {@code FAILED}, {@code FREE})
     * @param internalState {@code Internal iscsid Session State} ({@code NO CHANGE}, {@code REOPEN}, ...)
     * @param recoveryTimeout {@code Recovery Timeout}, in seconds
     * @param hostNumber {@code Host Number}: H of the session's SCSI host
     * @param hostState the state after the host number ({@code running}, ...)
     * @param devices the attached SCSI devices, in order
     */
    record Session(Optional<TaggedPortal> currentPortal, Optional<TaggedPortal> persistentPortal,
                   Optional<String> ifaceName, Optional<String> ifaceTransport, Optional<String> ifaceInitiatorName,
                   Optional<String> ifaceIpAddress, OptionalInt sid, Optional<String> connectionState,
                   Optional<String> sessionState, Optional<String> internalState, OptionalInt recoveryTimeout,
                   OptionalInt hostNumber, Optional<String> hostState, List<Device> devices) {
        Session {
            requireNonNull(currentPortal, "currentPortal is null");
            requireNonNull(persistentPortal, "persistentPortal is null");
            requireNonNull(ifaceName, "ifaceName is null");
            requireNonNull(ifaceTransport, "ifaceTransport is null");
            requireNonNull(ifaceInitiatorName, "ifaceInitiatorName is null");
            requireNonNull(ifaceIpAddress, "ifaceIpAddress is null");
            requireNonNull(sid, "sid is null");
            requireNonNull(connectionState, "connectionState is null");
            requireNonNull(sessionState, "sessionState is null");
            requireNonNull(internalState, "internalState is null");
            requireNonNull(recoveryTimeout, "recoveryTimeout is null");
            requireNonNull(hostNumber, "hostNumber is null");
            requireNonNull(hostState, "hostState is null");
            devices = List.copyOf(devices);
        }
    }

    /**
     * An attached SCSI device ({@code scsiH Channel CC Id T Lun: L}).
     *
     * @param host H of {@code scsiH}
     * @param channel the channel
     * @param id the target id
     * @param lun the LUN
     * @param disk the block device's kernel name ({@code sda}), empty when no block device is attached
     * @param diskState the device's state ({@code running}, {@code offline}, {@code transport-offline}, ...)
     */
    record Device(int host, int channel, int id, long lun, Optional<String> disk, Optional<String> diskState) {
        Device {
            requireNonNull(disk, "disk is null");
            requireNonNull(diskState, "diskState is null");
        }

        /** The device's SCSI address. */
        Hctl hctl() {
            return new Hctl(host, channel, id, lun);
        }
    }

    private IscsiSessionDetailParser() {
    }

    /** The targets and sessions in {@code iscsiadm -m session -P 3}'s standard output, in order. */
    static List<Target> parse(String stdout) {
        List<TargetBuilder> targets = new ArrayList<>();
        TargetBuilder target = null;
        for (String raw : ToolText.lines(stdout)) {
            String line = raw.strip();
            if (line.isEmpty()) {
                continue;
            }
            String[] fields = ToolText.fields(line);
            if (fields.length >= 2 && fields[0].startsWith("scsi") && fields[1].equals("Channel")) {
                if (target == null || !target.hasSession()) {
                    log.debug("iscsiadm -m session -P 3: skipping a SCSI device line outside any session: {}", line);
                } else {
                    target.session().device(line, fields);
                }
                continue;
            }
            if (fields.length >= 2 && fields[0].equals("Attached") && fields[1].equals("scsi")) {
                if (target == null || !target.hasSession()) {
                    log.debug("iscsiadm -m session -P 3: skipping a disk line outside any session: {}", line);
                } else {
                    target.session().disk(line, fields);
                }
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                log.debug("iscsiadm -m session -P 3: skipping a line that is not 'key: value': {}", line);
                continue;
            }
            String key = line.substring(0, colon).strip();
            String value = line.substring(colon + 1).strip();
            if (key.equals("Target")) {
                String[] nameAndType = ToolText.fields(value);
                if (nameAndType.length == 0) {
                    log.debug("iscsiadm -m session -P 3: skipping a Target line without a name");
                    target = null;
                    continue;
                }
                target = new TargetBuilder(nameAndType[0], nameAndType.length > 1 && nameAndType[1].equals("(flash)"));
                targets.add(target);
                continue;
            }
            if (target == null) {
                log.debug("iscsiadm -m session -P 3: skipping key '{}' outside any target", key);
                continue;
            }
            if (key.equals("Current Portal")) {
                target.newSession();
            } else if (!target.hasSession() && !SessionBuilder.KEYS.contains(key)) {
                // an unknown key (a newer iscsiadm's field, a warning) must not start a session of its own
                log.debug("iscsiadm -m session -P 3: skipping key '{}' before any session", key);
                continue;
            }
            target.session().set(key, value);
        }
        List<Target> built = new ArrayList<>();
        for (TargetBuilder builder : targets) {
            built.add(builder.build());
        }
        return List.copyOf(built);
    }

    private static final class TargetBuilder {
        private final String name;
        private final boolean flash;
        private final List<SessionBuilder> sessions = new ArrayList<>();

        TargetBuilder(String name, boolean flash) {
            this.name = name;
            this.flash = flash;
        }

        void newSession() {
            sessions.add(new SessionBuilder());
        }

        boolean hasSession() {
            return !sessions.isEmpty();
        }

        SessionBuilder session() {
            if (sessions.isEmpty()) {
                newSession();
            }
            return sessions.get(sessions.size() - 1);
        }

        Target build() {
            List<Session> built = new ArrayList<>();
            for (SessionBuilder session : sessions) {
                built.add(session.build());
            }
            return new Target(name, flash, built);
        }
    }

    private static final class SessionBuilder {
        /** The keys a session's lines hold ({@link #set}); only these start a session without a Current Portal. */
        static final Set<String> KEYS = Set.of("Current Portal", "Persistent Portal", "Iface Name", "Iface Transport",
                "Iface Initiatorname", "Iface IPaddress", "SID", "iSCSI Connection State", "iSCSI Session State",
                "Internal iscsid Session State", "Recovery Timeout", "Host Number");

        private Optional<TaggedPortal> currentPortal = Optional.empty();
        private Optional<TaggedPortal> persistentPortal = Optional.empty();
        private Optional<String> ifaceName = Optional.empty();
        private Optional<String> ifaceTransport = Optional.empty();
        private Optional<String> ifaceInitiatorName = Optional.empty();
        private Optional<String> ifaceIpAddress = Optional.empty();
        private OptionalInt sid = OptionalInt.empty();
        private Optional<String> connectionState = Optional.empty();
        private Optional<String> sessionState = Optional.empty();
        private Optional<String> internalState = Optional.empty();
        private OptionalInt recoveryTimeout = OptionalInt.empty();
        private OptionalInt hostNumber = OptionalInt.empty();
        private Optional<String> hostState = Optional.empty();
        private final List<DeviceBuilder> devices = new ArrayList<>();

        void set(String key, String value) {
            switch (key) {
                case "Current Portal" -> currentPortal = portal(key, value);
                case "Persistent Portal" -> persistentPortal = portal(key, value);
                case "Iface Name" -> ifaceName = IscsiadmText.value(value);
                case "Iface Transport" -> ifaceTransport = IscsiadmText.value(value);
                case "Iface Initiatorname" -> ifaceInitiatorName = IscsiadmText.value(value);
                case "Iface IPaddress" -> ifaceIpAddress = IscsiadmText.value(value);
                case "SID" -> sid = number(key, value);
                case "iSCSI Connection State" -> connectionState = IscsiadmText.value(value);
                case "iSCSI Session State" -> sessionState = IscsiadmText.value(value);
                case "Internal iscsid Session State" -> internalState = IscsiadmText.value(value);
                case "Recovery Timeout" -> recoveryTimeout = number(key, value);
                case "Host Number" -> host(value);
                default -> log.debug("iscsiadm -m session -P 3: skipping key '{}'", key);
            }
        }

        /** {@code Host Number: 2	State: running}. */
        private void host(String value) {
            String[] fields = ToolText.fields(value);
            hostNumber = fields.length == 0 ? OptionalInt.empty() : IscsiadmText.number(fields[0]);
            if (hostNumber.isEmpty()) {
                log.debug("iscsiadm -m session -P 3: skipping a host number that is not a number: {}", value);
            }
            hostState = stateAfter(fields, 1);
        }

        /** {@code scsi2 Channel 00 Id 0 Lun: 1}. */
        void device(String line, String[] fields) {
            if (fields.length != 7 || !fields[3].equals("Id") || !fields[5].equals("Lun:")) {
                log.debug("iscsiadm -m session -P 3: skipping a malformed SCSI device line: {}", line);
                return;
            }
            OptionalInt host = IscsiadmText.number(fields[0].substring("scsi".length()));
            OptionalInt channel = IscsiadmText.number(fields[2]);
            OptionalInt id = IscsiadmText.number(fields[4]);
            long lun;
            try {
                lun = Long.parseUnsignedLong(fields[6]);
            } catch (NumberFormatException e) {
                log.debug("iscsiadm -m session -P 3: skipping a SCSI device line with LUN '{}'", fields[6]);
                return;
            }
            if (host.isEmpty() || channel.isEmpty() || id.isEmpty()) {
                log.debug("iscsiadm -m session -P 3: skipping a malformed SCSI device line: {}", line);
                return;
            }
            devices.add(new DeviceBuilder(host.getAsInt(), channel.getAsInt(), id.getAsInt(), lun));
        }

        /** {@code Attached scsi disk sda		State: running}: the disk of the device line before it. */
        void disk(String line, String[] fields) {
            int state = indexOf(fields, STATE);
            int nameIndex = state < 0 ? fields.length - 1 : state - 1;
            if (devices.isEmpty() || nameIndex < 3) {
                log.debug("iscsiadm -m session -P 3: skipping a disk line that follows no device line: {}", line);
                return;
            }
            DeviceBuilder device = devices.get(devices.size() - 1);
            device.disk = Optional.of(fields[nameIndex]);
            device.diskState = stateAfter(fields, state < 0 ? fields.length : state);
        }

        Session build() {
            List<Device> built = new ArrayList<>();
            for (DeviceBuilder device : devices) {
                built.add(new Device(device.host, device.channel, device.id, device.lun, device.disk,
                        device.diskState));
            }
            return new Session(currentPortal, persistentPortal, ifaceName, ifaceTransport, ifaceInitiatorName,
                    ifaceIpAddress, sid, connectionState, sessionState, internalState, recoveryTimeout, hostNumber,
                    hostState, built);
        }

        private static Optional<TaggedPortal> portal(String key, String value) {
            Optional<TaggedPortal> portal = IscsiadmText.taggedPortal(value);
            if (portal.isEmpty()) {
                log.debug("iscsiadm -m session -P 3: '{}' is not a portal: {}", key, value);
            }
            return portal;
        }

        private static OptionalInt number(String key, String value) {
            OptionalInt number = IscsiadmText.number(value);
            if (number.isEmpty()) {
                log.debug("iscsiadm -m session -P 3: '{}' is not a number: {}", key, value);
            }
            return number;
        }
    }

    private static final class DeviceBuilder {
        private final int host;
        private final int channel;
        private final int id;
        private final long lun;
        private Optional<String> disk = Optional.empty();
        private Optional<String> diskState = Optional.empty();

        DeviceBuilder(int host, int channel, int id, long lun) {
            this.host = host;
            this.channel = channel;
            this.id = id;
            this.lun = lun;
        }
    }

    /** The words after {@code State:} at index {@code stateIndex}, joined by one space; empty when none. */
    private static Optional<String> stateAfter(String[] fields, int stateIndex) {
        if (stateIndex < 0 || stateIndex >= fields.length || !fields[stateIndex].equals(STATE)) {
            return Optional.empty();
        }
        StringBuilder state = new StringBuilder();
        for (int i = stateIndex + 1; i < fields.length; i++) {
            if (state.length() > 0) {
                state.append(' ');
            }
            state.append(fields[i]);
        }
        return IscsiadmText.value(state.toString());
    }

    private static int indexOf(String[] fields, String wanted) {
        for (int i = 0; i < fields.length; i++) {
            if (fields[i].equals(wanted)) {
                return i;
            }
        }
        return -1;
    }
}
