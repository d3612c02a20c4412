package io.brick.multipath;

import io.brick.core.port.ToolText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Collectors;

import static java.util.Objects.requireNonNull;

/**
 * Reads {@code multipathd show status}:
 * <pre>
 * path checker states:
 * up                  2
 *
 * paths: 2
 * busy: False
 * </pre>
 * multipathd runs when the command exited 0 with an answer that is not {@code error receiving packet} (what some
 * versions print, with exit code 0, when the daemon is not there: os-brick bug #1789699); multipath log lines
 * ({@code Oct 13 10:24:01 | ...}) are not an answer. Lines not understood are
 * skipped and logged at DEBUG.
 */
final class MultipathdStatusParser {
    private static final Logger log = LoggerFactory.getLogger(MultipathdStatusParser.class);
    private static final String NOT_RUNNING = "error receiving packet";
    private static final String CHECKER_STATES = "path checker states:";

    /**
     * What {@code show status} said.
     *
     * @param running whether multipathd answered
     * @param checkerStates the number of paths per path checker state ({@code up}, {@code down}, {@code ghost}, ...),
     *                      in the order printed
     * @param paths the {@code paths:} count, if printed
     * @param busy the {@code busy:} flag, if printed
     */
    record Status(boolean running, Map<String, Integer> checkerStates, OptionalInt paths, Optional<Boolean> busy) {
        Status {
            checkerStates = Collections.unmodifiableMap(new LinkedHashMap<>(checkerStates));
            requireNonNull(paths, "paths is null");
            requireNonNull(busy, "busy is null");
        }
    }

    private MultipathdStatusParser() {
    }

    /** The status from {@code show status}'s exit code and standard output. */
    static Status parse(int exitCode, String stdout) {
        requireNonNull(stdout, "stdout is null");
        // log lines ('Oct 13 10:24:01 | ...') say nothing about the daemon: the answer is what follows them
        String answer = ToolText.lines(stdout).stream().filter(line -> !MultipathText.isLogLine(line))
                .collect(Collectors.joining("\n")).strip();
        if (exitCode != 0 || answer.isEmpty() || answer.toLowerCase(Locale.ROOT).startsWith(NOT_RUNNING)) {
            log.debug("multipathd show status: not running (exit code {}, answer '{}')", exitCode,
                    answer.lines().findFirst().orElse(""));
            return new Status(false, Map.of(), OptionalInt.empty(), Optional.empty());
        }
        Map<String, Integer> checkerStates = new LinkedHashMap<>();
        OptionalInt paths = OptionalInt.empty();
        Optional<Boolean> busy = Optional.empty();
        boolean inCheckerStates = false;
        for (String line : ToolText.lines(stdout)) {
            String stripped = line.strip();
            if (stripped.isEmpty()) {
                continue;
            }
            if (MultipathText.isLogLine(line)) {
                // a log line ('Oct 13 10:24:01 | ...') holds colons: it must not end the checker states' section
                log.debug("multipathd show status: skipping a log line: {}", stripped);
                continue;
            }
            if (stripped.equals(CHECKER_STATES)) {
                inCheckerStates = true;
                continue;
            }
            int colon = stripped.indexOf(':');
            if (colon > 0) {
                inCheckerStates = false;
                String key = stripped.substring(0, colon).strip();
                String value = stripped.substring(colon + 1).strip();
                switch (key) {
                    case "paths" -> paths = count(value);
                    case "busy" -> busy = flag(value);
                    default -> log.debug("multipathd show status: skipping '{}'", stripped);
                }
                continue;
            }
            String[] fields = ToolText.fields(stripped);
            OptionalInt count = fields.length == 2 ? count(fields[1]) : OptionalInt.empty();
            if (inCheckerStates && count.isPresent()) {
                checkerStates.put(fields[0], count.getAsInt());
            } else {
                log.debug("multipathd show status: skipping '{}'", stripped);
            }
        }
        return new Status(true, checkerStates, paths, busy);
    }

    private static OptionalInt count(String text) {
        if (text.isEmpty() || text.length() > 9 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return OptionalInt.empty();
        }
        return OptionalInt.of(Integer.parseInt(text));
    }

    private static Optional<Boolean> flag(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "true" -> Optional.of(true);
            case "false" -> Optional.of(false);
            default -> Optional.empty();
        };
    }
}
