package io.brick.multipath;

import io.brick.core.port.ToolText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

import static java.util.Objects.requireNonNull;

/**
 * Reads {@code dmsetup info -c}: a header ({@code Name Maj Min Stat Open Targ Event UUID}) and one row per
 * device-mapper device; {@code No devices found} when there is none. Rows are read by field, from the end: the six
 * fields before the UUID are numbers and the state, so a row without a UUID (a dm device that has none) and a name
 * holding spaces are both read; column widths are not relied upon. Lines that are not rows (the header, the
 * {@code No devices found} line) are skipped and logged at DEBUG. {@link #openCount} reads the long form of one
 * device ({@code dmsetup info NAME}).
 */
final class DmsetupInfoParser {
    private static final Logger log = LoggerFactory.getLogger(DmsetupInfoParser.class);
    /** Maj, Min, Stat, Open, Targ, Event. */
    private static final int FIXED_FIELDS = 6;
    private static final String OPEN_COUNT = "Open count:";

    /**
     * One device-mapper device.
     *
     * @param name the device's name ({@code /dev/mapper/<name>})
     * @param major the major number
     * @param minor the minor number (N of {@code dm-N})
     * @param state {@code Stat}: live table {@code L}, inactive table {@code I}, suspended {@code s}, read-only
     *              {@code r} or writable {@code w} ({@code L--w})
     * @param openCount {@code Open}: how many times the device is held open (mounted, used by a VM, ...)
     * @param targets {@code Targ}: the number of targets in the live table
     * @param eventNumber {@code Event}
     * @param uuid the dm UUID ({@code mpath-<wwid>} for multipath maps), empty when the device has none
     */
    record DmDevice(String name, int major, int minor, String state, int openCount, int targets, int eventNumber,
                    Optional<String> uuid) {
        DmDevice {
            requireNonNull(name, "name is null");
            requireNonNull(state, "state is null");
            requireNonNull(uuid, "uuid is null");
        }

        /** Whether something holds the device open. */
        boolean open() {
            return openCount > 0;
        }

        /** Whether the device is suspended (I/O to it waits). */
        boolean suspended() {
            return state.length() > 2 && state.charAt(2) == 's';
        }

        /** Whether the device is read-only. */
        boolean readOnly() {
            return state.length() > 3 && state.charAt(3) == 'r';
        }

        /** {@code dm-N}. */
        String kernelName() {
            return "dm-" + minor;
        }

        /** Whether the UUID says the device is a multipath map ({@code mpath-...}). */
        boolean multipath() {
            return uuid.map(value -> value.startsWith("mpath-")).orElse(false);
        }
    }

    private DmsetupInfoParser() {
    }

    /** The devices listed, in order. */
    static List<DmDevice> parse(String stdout) {
        List<DmDevice> devices = new ArrayList<>();
        for (String line : ToolText.lines(stdout)) {
            if (line.isBlank()) {
                continue;
            }
            String[] fields = ToolText.fields(line);
            Optional<DmDevice> device = device(fields, true).or(() -> device(fields, false));
            if (device.isPresent()) {
                devices.add(device.get());
            } else {
                log.debug("dmsetup info -c: skipping a line that is not a device: {}", line);
            }
        }
        return List.copyOf(devices);
    }

    /**
     * The {@code Open count:} of the long form one device prints ({@code dmsetup info NAME}:
     * {@code Name:}, {@code State:}, ..., {@code Open count:        1}, ...); empty when there is no such line or it
     * holds no number (the device does not exist: {@code Device does not exist.}).
     */
    static OptionalInt openCount(String stdout) {
        for (String line : ToolText.lines(stdout)) {
            String stripped = line.strip();
            if (stripped.startsWith(OPEN_COUNT)) {
                return number(stripped.substring(OPEN_COUNT.length()).strip());
            }
        }
        log.debug("dmsetup info: no '{}' line", OPEN_COUNT);
        return OptionalInt.empty();
    }

    private static Optional<DmDevice> device(String[] fields, boolean withUuid) {
        int nameFields = fields.length - FIXED_FIELDS - (withUuid ? 1 : 0);
        if (nameFields < 1) {
            return Optional.empty();
        }
        OptionalInt major = number(fields[nameFields]);
        OptionalInt minor = number(fields[nameFields + 1]);
        String state = fields[nameFields + 2];
        OptionalInt open = number(fields[nameFields + 3]);
        OptionalInt targets = number(fields[nameFields + 4]);
        OptionalInt event = number(fields[nameFields + 5]);
        if (major.isEmpty() || minor.isEmpty() || open.isEmpty() || targets.isEmpty() || event.isEmpty()
                || state.length() != 4 || !isState(state)) {
            return Optional.empty();
        }
        String name = String.join(" ", Arrays.asList(fields).subList(0, nameFields));
        Optional<String> uuid = withUuid ? Optional.of(fields[fields.length - 1]) : Optional.empty();
        return Optional.of(new DmDevice(name, major.getAsInt(), minor.getAsInt(), state, open.getAsInt(),
                targets.getAsInt(), event.getAsInt(), uuid));
    }

    private static boolean isState(String state) {
        return (state.charAt(0) == 'L' || state.charAt(0) == '-') && (state.charAt(1) == 'I' || state.charAt(1) == '-')
                && (state.charAt(2) == 's' || state.charAt(2) == '-') && (state.charAt(3) == 'r' || state.charAt(3) == 'w');
    }

    private static OptionalInt number(String text) {
        if (text.isEmpty() || text.length() > 9 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return OptionalInt.empty();
        }
        return OptionalInt.of(Integer.parseInt(text));
    }
}
