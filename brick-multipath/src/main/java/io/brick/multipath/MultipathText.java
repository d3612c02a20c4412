package io.brick.multipath;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Small pieces shared by the multipath output parsers (lines and fields are core's {@code ToolText}): fields with
 * where each starts, {@code key=value} lists with {@code '...'} quoting, and multipath's log lines.
 */
final class MultipathText {
    /** What multipath and multipathd put between a log line's timestamp and its message. */
    private static final String LOG_SEPARATOR = " | ";

    /** A whitespace-separated field and the index of its first character in the line. */
    record Field(String text, int start) {
    }

    private MultipathText() {
    }

    /** The whitespace-separated fields of a line with their start offsets. */
    static List<Field> positionedFields(String line) {
        List<Field> fields = new ArrayList<>();
        int i = 0;
        int length = line.length();
        while (i < length) {
            while (i < length && Character.isWhitespace(line.charAt(i))) {
                i++;
            }
            int start = i;
            while (i < length && !Character.isWhitespace(line.charAt(i))) {
                i++;
            }
            if (i > start) {
                fields.add(new Field(line.substring(start, i), start));
            }
        }
        return fields;
    }

    /**
     * A log line of multipath or multipathd ({@code Oct 13 10:24:01 | /lib/udev/scsi_id exited with 1},
     * {@code 3293379.070675 | /dev/dm-7: path sdb is usable}): text at the start of the line, then {@code " | "}.
     * Recognised by the separator, not by the form of the timestamp.
     */
    static boolean isLogLine(String line) {
        return !line.isEmpty() && !Character.isWhitespace(line.charAt(0)) && line.contains(LOG_SEPARATOR);
    }

    /**
     * {@code key=value} pairs separated by whitespace, a value optionally quoted with {@code '}
     * ({@code size=128M features='1 queue_if_no_path' hwhandler='1 alua' wp=rw}). Text that is not
     * {@code key=value} is left out; an unterminated quote runs to the end of the text.
     */
    static Map<String, String> keyValues(String text) {
        Map<String, String> values = new LinkedHashMap<>();
        int i = 0;
        int length = text.length();
        while (i < length) {
            while (i < length && Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            int keyStart = i;
            while (i < length && text.charAt(i) != '=' && !Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            if (i >= length || text.charAt(i) != '=') {
                continue;
            }
            String key = text.substring(keyStart, i);
            i++;
            String value;
            if (i < length && text.charAt(i) == '\'') {
                int close = text.indexOf('\'', i + 1);
                int end = close < 0 ? length : close;
                value = text.substring(i + 1, end);
                i = close < 0 ? length : close + 1;
            } else {
                int valueStart = i;
                while (i < length && !Character.isWhitespace(text.charAt(i))) {
                    i++;
                }
                value = text.substring(valueStart, i);
            }
            if (!key.isEmpty()) {
                values.put(key, value);
            }
        }
        return values;
    }
}
