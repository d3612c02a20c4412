package io.brick.testkit.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import static java.util.Objects.requireNonNull;

/**
 * The counts of one fuzz run: inputs per target (a parser, an adapter method) and what each gave (accepted, a typed
 * error of some kind). {@link #write(String)} puts them in {@code target/reliability/fuzz-NAME.txt} so that
 * docs/reliability.md can quote them. The number of inputs and the seed come from the system properties
 * {@code brick.fuzz.inputs} and {@code brick.fuzz.seed}, for longer runs than CI's.
 */
public final class FuzzTally {
    /** The system property that sets the number of inputs per target. */
    public static final String INPUTS_PROPERTY = "brick.fuzz.inputs";
    /** The system property that sets the seed. */
    public static final String SEED_PROPERTY = "brick.fuzz.seed";

    private final Map<String, Map<String, Integer>> counts = new TreeMap<>();

    /** Inputs per target: {@code brick.fuzz.inputs}, else {@code defaultInputs}. */
    public static int inputs(int defaultInputs) {
        return Integer.getInteger(INPUTS_PROPERTY, defaultInputs);
    }

    /** The seed: {@code brick.fuzz.seed}, else {@code defaultSeed}. */
    public static long seed(long defaultSeed) {
        return Long.getLong(SEED_PROPERTY, defaultSeed);
    }

    /** Counts one input of {@code target} that ended in {@code outcome} ({@code accepted}, {@code invalid-input}, ...). */
    public synchronized void record(String target, String outcome) {
        requireNonNull(target, "target is null");
        requireNonNull(outcome, "outcome is null");
        counts.computeIfAbsent(target, key -> new TreeMap<>()).merge(outcome, 1, Integer::sum);
    }

    /** Inputs counted for a target. */
    public synchronized int total(String target) {
        return counts.getOrDefault(target, Map.of()).values().stream().mapToInt(Integer::intValue).sum();
    }

    /** How many inputs of a target ended in an outcome. */
    public synchronized int count(String target, String outcome) {
        return counts.getOrDefault(target, Map.of()).getOrDefault(outcome, 0);
    }

    /** One line per target: {@code target: N inputs (accepted 12, invalid-input 40)}. */
    @Override
    public synchronized String toString() {
        StringBuilder text = new StringBuilder();
        counts.forEach((target, outcomes) -> {
            int total = outcomes.values().stream().mapToInt(Integer::intValue).sum();
            text.append(String.format(Locale.ROOT, "%s: %d inputs %s%n", target, total, outcomes));
        });
        return text.toString();
    }

    /** Writes {@link #toString()} to {@code target/reliability/fuzz-NAME.txt} (relative to the module). */
    public void write(String name) {
        requireNonNull(name, "name is null");
        String text = toString();
        Path file = Path.of("target", "reliability", "fuzz-" + name + ".txt");
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
