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
 * Reads iscsiadm records: {@code key = value} lines between {@code # BEGIN RECORD <version>} and
 * {@code # END RECORD}, as {@code iscsiadm -m node -T T -p P}, {@code -m node --op show -p P} (one record per target
 * at the portal) and {@code -m iface -I NAME} print them. {@code <empty>} is read as the empty string.
 *
 * <p>Lines outside a record and lines that are not {@code key = value} are skipped and logged at DEBUG; a record
 * whose {@code # END RECORD} is missing (truncated output) is kept. The values of keys containing
 * {@code password} are never logged and never appear in {@link Record#toString()}.
 */
final class IscsiNodeRecordParser {
    private static final Logger log = LoggerFactory.getLogger(IscsiNodeRecordParser.class);
    private static final String BEGIN = "# BEGIN RECORD";
    private static final String END = "# END RECORD";

    /**
     * One record.
     *
     * @param version the version after {@code # BEGIN RECORD} ({@code 2.1.8}), empty when none was printed
     * @param values every setting in the order printed; {@code <empty>} as {@code ""}
     */
    record Record(Optional<String> version, Map<String, String> values) {
        Record {
            requireNonNull(version, "version is null");
            values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
        }

        /** A setting; empty when it is missing or empty. */
        Optional<String> value(String key) {
            String value = values.get(key);
            return value == null || value.isEmpty() ? Optional.empty() : Optional.of(value);
        }

        /** {@code node.name}: the target's name. */
        Optional<String> nodeName() {
            return value("node.name");
        }

        /** {@code node.tpgt}, with -1 (or its unsigned form) for an unknown group. */
        OptionalInt tpgt() {
            return value("node.tpgt").map(IscsiadmText::tpgt).orElse(OptionalInt.empty());
        }

        /** {@code node.startup} ({@code manual}, {@code automatic}, {@code onboot}). */
        Optional<String> startup() {
            return value("node.startup");
        }

        /** {@code node.session.scan} ({@code auto}, {@code manual}); missing in open-iscsi before 2.0-873. */
        Optional<String> sessionScan() {
            return value("node.session.scan");
        }

        /** {@code iface.transport_name} ({@code tcp}, {@code iser}, {@code bnx2i}, ...). */
        Optional<String> transportName() {
            return value("iface.transport_name");
        }

        /** {@code iface.iscsi_ifacename}: the iface's name ({@code default}, ...). */
        Optional<String> ifaceName() {
            return value("iface.iscsi_ifacename");
        }

        /** The settings with the values of password keys replaced by {@code ***}. */
        @Override
        public String toString() {
            StringBuilder text = new StringBuilder("Record[version=").append(version.orElse("")).append(", values={");
            String separator = "";
            for (Map.Entry<String, String> entry : values.entrySet()) {
                text.append(separator).append(entry.getKey()).append('=')
                        .append(IscsiadmText.isSecretKey(entry.getKey()) ? "***" : entry.getValue());
                separator = ", ";
            }
            return text.append("}]").toString();
        }
    }

    private IscsiNodeRecordParser() {
    }

    /** Every record in the output, in order. */
    static List<Record> parse(String stdout) {
        List<Record> records = new ArrayList<>();
        Map<String, String> values = null;
        Optional<String> version = Optional.empty();
        for (String raw : ToolText.lines(stdout)) {
            String line = raw.strip();
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith(BEGIN)) {
                if (values != null) {
                    log.debug("iscsiadm record: a record began before the previous one ended; keeping both");
                    records.add(new Record(version, values));
                }
                values = new LinkedHashMap<>();
                version = IscsiadmText.value(line.substring(BEGIN.length()));
                continue;
            }
            if (line.startsWith(END)) {
                if (values == null) {
                    log.debug("iscsiadm record: skipping an END RECORD line without a BEGIN RECORD");
                } else {
                    records.add(new Record(version, values));
                    values = null;
                }
                continue;
            }
            int separator = line.indexOf('=');
            String key = separator < 0 ? line : line.substring(0, separator).strip();
            if (values == null || separator <= 0 || key.isEmpty() || ToolText.fields(key).length != 1) {
                if (IscsiadmText.isSecretKey(line)) {
                    log.debug("iscsiadm record: skipping a line about a password (not shown)");
                } else {
                    log.debug("iscsiadm record: skipping a line outside a record or not 'key = value': {}", line);
                }
                continue;
            }
            String value = line.substring(separator + 1).strip();
            values.put(key, value.equals(IscsiadmText.EMPTY_VALUE) ? "" : value);
        }
        if (values != null) {
            log.debug("iscsiadm record: the output ended inside a record (no END RECORD); keeping it");
            records.add(new Record(version, values));
        }
        return List.copyOf(records);
    }
}
