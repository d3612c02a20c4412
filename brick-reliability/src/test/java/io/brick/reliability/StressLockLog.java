package io.brick.reliability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import static java.util.Objects.requireNonNull;

/**
 * What a {@link StressLockRecorder} file says: per key, the critical sections in file order. A key is held by one
 * holder at a time iff its {@code ENTER}/{@code EXIT} lines alternate, each {@code EXIT} by the holder of the
 * preceding {@code ENTER}.
 *
 * @param lines the parsed lines, in file order
 */
record StressLockLog(List<Line> lines) {
    StressLockLog {
        lines = List.copyOf(lines);
    }

    /** One line: which process and thread did what on which key, and its own monotonic reading. */
    record Line(String process, String thread, String what, long nanos, String key) {
        Line {
            requireNonNull(process, "process is null");
            requireNonNull(thread, "thread is null");
            requireNonNull(what, "what is null");
            requireNonNull(key, "key is null");
        }

        String holder() {
            return process + "/" + thread;
        }
    }

    static StressLockLog read(Path file) {
        try {
            return parse(Files.readAllLines(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static StressLockLog parse(List<String> text) {
        List<Line> lines = new ArrayList<>();
        for (String each : text) {
            if (each.isBlank()) {
                continue;
            }
            String[] fields = each.strip().split(" ", 5);
            if (fields.length != 5) {
                throw new IllegalArgumentException("not a lock record: " + each);
            }
            lines.add(new Line(fields[0], fields[1], fields[2], Long.parseLong(fields[3]), fields[4]));
        }
        return new StressLockLog(lines);
    }

    /**
     * Every breach of mutual exclusion, described: an {@code ENTER} while the key is held by another holder, or an
     * {@code EXIT} by someone who does not hold it.
     */
    List<String> violations() {
        List<String> found = new ArrayList<>();
        Map<String, Line> holders = new HashMap<>();
        for (int index = 0; index < lines.size(); index++) {
            Line line = lines.get(index);
            Line holder = holders.get(line.key());
            if (line.what().equals("ENTER")) {
                if (holder != null) {
                    found.add("line " + (index + 1) + ": " + line.holder() + " entered " + line.key() + " held by "
                            + holder.holder());
                }
                holders.put(line.key(), line);
            } else if (line.what().equals("EXIT")) {
                if (holder == null || !holder.holder().equals(line.holder())) {
                    found.add("line " + (index + 1) + ": " + line.holder() + " left " + line.key() + " held by "
                            + (holder == null ? "nobody" : holder.holder()));
                }
                holders.remove(line.key());
            }
        }
        holders.values().forEach(line -> found.add(line.holder() + " never left " + line.key()));
        return found;
    }

    /** The processes that wrote. */
    Set<String> processes() {
        Set<String> names = new LinkedHashSet<>();
        lines.forEach(line -> names.add(line.process()));
        return names;
    }

    /** How many critical sections there were ({@code ENTER} lines), by process. */
    Map<String, Integer> sectionsByProcess() {
        Map<String, Integer> counts = new TreeMap<>();
        lines.stream().filter(line -> line.what().equals("ENTER")).forEach(line -> counts.merge(line.process(), 1,
                Integer::sum));
        return counts;
    }

    /** The keys used. */
    Set<String> keys() {
        Set<String> keys = new LinkedHashSet<>();
        lines.forEach(line -> keys.add(line.key()));
        return keys;
    }

    /**
     * How many waits found the key held by another process: a {@code WAIT} line written while a holder of another
     * process was inside (the lock directory had to make it wait).
     */
    int contendedAcrossProcesses() {
        int count = 0;
        Map<String, Line> holders = new HashMap<>();
        for (Line line : lines) {
            switch (line.what()) {
                case "ENTER" -> holders.put(line.key(), line);
                case "EXIT" -> holders.remove(line.key());
                case "WAIT" -> {
                    Line holder = holders.get(line.key());
                    if (holder != null && !holder.process().equals(line.process())) {
                        count++;
                    }
                }
                default -> throw new IllegalStateException("unknown record " + line.what());
            }
        }
        return count;
    }

    /** How many times a key passed from one process to another. */
    int handoversAcrossProcesses() {
        int count = 0;
        Map<String, String> last = new HashMap<>();
        for (Line line : lines) {
            if (line.what().equals("ENTER")) {
                String previous = last.put(line.key(), line.process());
                if (previous != null && !previous.equals(line.process())) {
                    count++;
                }
            }
        }
        return count;
    }

    /** The longest real time from a {@code WAIT} to its {@code ENTER} (same thread, same process's clock). */
    Optional<Duration> longestWait() {
        Map<String, Line> waiting = new HashMap<>();
        long longest = -1;
        for (Line line : lines) {
            String id = line.holder() + " " + line.key();
            if (line.what().equals("WAIT")) {
                waiting.put(id, line);
            } else if (line.what().equals("ENTER")) {
                Line wait = waiting.remove(id);
                if (wait != null) {
                    longest = Math.max(longest, line.nanos() - wait.nanos());
                }
            }
        }
        return longest < 0 ? Optional.empty() : Optional.of(Duration.ofNanos(longest));
    }
}
