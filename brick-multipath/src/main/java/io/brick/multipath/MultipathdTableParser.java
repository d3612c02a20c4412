package io.brick.multipath;

import io.brick.core.port.ToolText;
import io.brick.core.error.HostStateException;
import io.brick.core.error.InvalidInputException;
import io.brick.core.json.Json;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * Reads multipathd's listings: the tables of {@code multipathd show maps} / {@code show paths}, the
 * {@code raw format} outputs, and {@code show maps json}.
 *
 * <p>Tables: the first line is the header; its words are the column names. A row's whitespace-separated fields are
 * given to the column whose header starts at or before the field's first character (the columns are left-aligned
 * and padded to the widest value), so a value with a space in it, such as {@code next_check}'s
 * {@code XXXXX..... 2/4}, stays whole. multipathd answers a table with no rows by {@code ok} alone (multipath-tools
 * 0.9), which reads as no rows.
 *
 * <p>Raw format: the caller builds the format with {@link #rawFormat(List)}, whose fields are separated by
 * {@link #RAW_SEPARATOR}, and reads each line back into as many fields; a line with fewer is skipped (logged at
 * DEBUG). Put free-text wildcards (vendor, product) last: the last field keeps any separator in its value.
 */
final class MultipathdTableParser {
    private static final Logger log = LoggerFactory.getLogger(MultipathdTableParser.class);
    /** Separates the fields of a raw format built by {@link #rawFormat(List)}: a character none of them holds. */
    static final String RAW_SEPARATOR = "|";
    private static final String EMPTY_ANSWER = "ok";
    private static final Pattern RAW_SPLIT = Pattern.compile(Pattern.quote(RAW_SEPARATOR));

    /**
     * A map of {@code show maps json}. Keys are multipathd's ({@code name}, {@code uuid}, {@code sysfs},
     * {@code features}, {@code hwhandler}, {@code write_prot}, {@code dm_st}, ...); values are JSON values as
     * {@link Json} reads them.
     *
     * @param fields every field of the map except its path groups
     * @param pathGroups its path groups, in order
     */
    record JsonMap(Map<String, Object> fields, List<JsonPathGroup> pathGroups) {
        JsonMap {
            fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
            pathGroups = List.copyOf(pathGroups);
        }

        /** {@code name}: the map's name. */
        String name() {
            return string(fields, "name").orElse("");
        }

        /** {@code uuid}: the map's WWID. */
        Optional<String> uuid() {
            return string(fields, "uuid");
        }

        /** {@code sysfs}: {@code dm-N}. */
        Optional<String> sysfs() {
            return string(fields, "sysfs");
        }

        /** A string field. */
        Optional<String> text(String key) {
            return string(fields, key);
        }

        /** Every path of every group, in order. */
        List<JsonPath> paths() {
            return pathGroups.stream().flatMap(group -> group.paths().stream()).toList();
        }
    }

    /**
     * A path group of {@code show maps json} ({@code selector}, {@code pri}, {@code dm_st}, {@code group}, ...).
     *
     * @param fields every field of the group except its paths
     * @param paths its paths, in order
     */
    record JsonPathGroup(Map<String, Object> fields, List<JsonPath> paths) {
        JsonPathGroup {
            fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
            paths = List.copyOf(paths);
        }

        /** A string field. */
        Optional<String> text(String key) {
            return string(fields, key);
        }

        /** An integer field. */
        OptionalInt number(String key) {
            return MultipathdTableParser.number(fields, key);
        }
    }

    /**
     * A path of {@code show maps json} ({@code dev}, {@code dev_t}, {@code dm_st}, {@code dev_st}, {@code chk_st},
     * {@code checker}, {@code pri}, {@code target_wwnn}, {@code host_adapter}, ...).
     *
     * @param fields every field of the path
     */
    record JsonPath(Map<String, Object> fields) {
        JsonPath {
            fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
        }

        /** {@code dev}: the path's kernel name. */
        String device() {
            return string(fields, "dev").orElse("");
        }

        /** A string field. */
        Optional<String> text(String key) {
            return string(fields, key);
        }

        /** An integer field. */
        OptionalInt number(String key) {
            return MultipathdTableParser.number(fields, key);
        }
    }

    private MultipathdTableParser() {
    }

    /** The rows of a {@code show maps} / {@code show paths} table, each an ordered map from column name to value. */
    static List<Map<String, String>> parseTable(String stdout) {
        List<String> lines = ToolText.lines(stdout).stream().filter(line -> !line.isBlank()).toList();
        if (lines.isEmpty() || (lines.size() == 1 && lines.get(0).strip().equals(EMPTY_ANSWER))) {
            return List.of();
        }
        List<MultipathText.Field> columns = MultipathText.positionedFields(lines.get(0));
        List<Map<String, String>> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            if (MultipathText.isLogLine(line)) {
                log.debug("multipathd table: skipping a log line: {}", line);
                continue;
            }
            rows.add(row(columns, line));
        }
        return List.copyOf(rows);
    }

    private static Map<String, String> row(List<MultipathText.Field> columns, String line) {
        List<StringBuilder> values = new ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            values.add(new StringBuilder());
        }
        for (MultipathText.Field field : MultipathText.positionedFields(line)) {
            int column = 0;
            while (column + 1 < columns.size() && columns.get(column + 1).start() <= field.start()) {
                column++;
            }
            StringBuilder value = values.get(column);
            if (value.length() > 0) {
                value.append(' ');
            }
            value.append(field.text());
        }
        Map<String, String> row = new LinkedHashMap<>();
        for (int i = 0; i < columns.size(); i++) {
            row.put(columns.get(i).text(), values.get(i).toString());
        }
        return Collections.unmodifiableMap(row);
    }

    /** A raw format for {@code multipathd show paths|maps raw format F}: the wildcards joined by {@link #RAW_SEPARATOR}. */
    static String rawFormat(List<String> wildcards) {
        if (wildcards.isEmpty()) {
            throw new IllegalArgumentException("a raw format needs at least one wildcard");
        }
        for (String wildcard : wildcards) {
            if (wildcard.contains(RAW_SEPARATOR) || wildcard.isBlank()) {
                throw new IllegalArgumentException("'" + wildcard + "' is not a raw format wildcard");
            }
        }
        return String.join(RAW_SEPARATOR, wildcards);
    }

    /**
     * The lines of a raw format output built by {@link #rawFormat(List)}, each an ordered map from the given column
     * names (one per wildcard) to the values, stripped.
     */
    static List<Map<String, String>> parseRaw(String stdout, List<String> columns) {
        requireNonNull(columns, "columns is null");
        if (columns.isEmpty()) {
            throw new IllegalArgumentException("no columns");
        }
        List<Map<String, String>> rows = new ArrayList<>();
        for (String line : rawLines(stdout)) {
            String[] values = RAW_SPLIT.split(line, columns.size());
            if (values.length != columns.size()) {
                log.debug("multipathd raw format: skipping a line without {} fields: {}", columns.size(), line);
                continue;
            }
            Map<String, String> row = new LinkedHashMap<>();
            for (int i = 0; i < values.length; i++) {
                row.put(columns.get(i), values[i].strip());
            }
            rows.add(Collections.unmodifiableMap(row));
        }
        return List.copyOf(rows);
    }

    /** The values of a one-wildcard raw format ({@code show paths raw format %d}: one device name per line). */
    static List<String> parseRawValues(String stdout) {
        return rawLines(stdout).stream().map(String::strip).toList();
    }

    private static List<String> rawLines(String stdout) {
        List<String> lines = new ArrayList<>();
        for (String line : ToolText.lines(stdout)) {
            if (line.isBlank()) {
                continue;
            }
            if (MultipathText.isLogLine(line)) {
                log.debug("multipathd raw format: skipping a log line: {}", line);
                continue;
            }
            lines.add(line);
        }
        if (lines.size() == 1 && lines.get(0).strip().equals(EMPTY_ANSWER)) {
            return List.of();
        }
        return lines;
    }

    /**
     * The maps of {@code multipathd show maps json} (or the one map of {@code show map M json}). Maps without a
     * name, and groups and paths that are not JSON objects, are skipped (logged at DEBUG).
     *
     * @throws HostStateException when the output is not JSON or not multipathd's JSON (so that an unreadable
     *                            answer is never taken for "no maps")
     */
    static List<JsonMap> parseMapsJson(String stdout) {
        requireNonNull(stdout, "stdout is null");
        Object root;
        try {
            root = Json.parse(stdout, "multipathd show maps json");
        } catch (InvalidInputException e) {
            throw new HostStateException("multipathd's JSON output could not be read: " + e.getMessage(), true,
                    Map.of("command", "multipathd show maps json"), e);
        }
        if (!(root instanceof Map<?, ?> top) || !(top.containsKey("maps") || top.containsKey("map"))) {
            throw new HostStateException("multipathd's JSON output has neither 'maps' nor 'map'", true,
                    Map.of("command", "multipathd show maps json"), null);
        }
        List<Object> maps = new ArrayList<>();
        Object many = top.get("maps");
        if (many instanceof List<?> list) {
            maps.addAll(list);
        }
        Object one = top.get("map");
        if (one != null) {
            maps.add(one);
        }
        List<JsonMap> result = new ArrayList<>();
        for (Object map : maps) {
            Optional<Map<String, Object>> fields = object(map);
            if (fields.isEmpty() || string(fields.get(), "name").isEmpty()) {
                log.debug("multipathd show maps json: skipping a map without a name");
                continue;
            }
            List<JsonPathGroup> groups = new ArrayList<>();
            for (Object group : list(fields.get().get("path_groups"))) {
                Optional<Map<String, Object>> groupFields = object(group);
                if (groupFields.isEmpty()) {
                    log.debug("multipathd show maps json: skipping a path group that is not an object");
                    continue;
                }
                List<JsonPath> paths = new ArrayList<>();
                for (Object path : list(groupFields.get().get("paths"))) {
                    Optional<Map<String, Object>> pathFields = object(path);
                    if (pathFields.isEmpty() || string(pathFields.get(), "dev").isEmpty()) {
                        log.debug("multipathd show maps json: skipping a path without a device");
                        continue;
                    }
                    paths.add(new JsonPath(pathFields.get()));
                }
                groups.add(new JsonPathGroup(without(groupFields.get(), "paths"), paths));
            }
            result.add(new JsonMap(without(fields.get(), "path_groups"), groups));
        }
        return List.copyOf(result);
    }

    private static Optional<Map<String, Object>> object(Object value) {
        if (!(value instanceof Map<?, ?> map)) {
            return Optional.empty();
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        map.forEach((key, field) -> fields.put(String.valueOf(key), field));
        return Optional.of(fields);
    }

    private static List<?> list(Object value) {
        return value instanceof List<?> list ? list : List.of();
    }

    private static Map<String, Object> without(Map<String, Object> fields, String key) {
        Map<String, Object> copy = new LinkedHashMap<>(fields);
        copy.remove(key);
        return copy;
    }

    private static Optional<String> string(Map<String, Object> fields, String key) {
        return fields.get(key) instanceof String text && !text.isEmpty() ? Optional.of(text) : Optional.empty();
    }

    private static OptionalInt number(Map<String, Object> fields, String key) {
        if (fields.get(key) instanceof BigDecimal number) {
            try {
                return OptionalInt.of(number.intValueExact());
            } catch (ArithmeticException e) {
                return OptionalInt.empty();
            }
        }
        return OptionalInt.empty();
    }
}
