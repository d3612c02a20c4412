package io.brick.testkit.fuzz;

import io.brick.core.error.BrickException;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Function;

import static java.util.Objects.requireNonNull;

/**
 * Feeds a parser seeded inputs: mostly mutations of valid inputs ({@link Mutator#mutate}), some random text made of
 * their words and {@link Mutator#TRICKY} tokens, some valid inputs of another parser. Each input must give an answer
 * (which {@code check} may inspect further) or one of the parser's declared typed errors; anything else (a
 * {@link NullPointerException}, an {@link IllegalArgumentException} escaping, a {@link StackOverflowError}) is
 * recorded as a failure with the input that caused it. Outcomes are counted in a {@link FuzzTally}.
 */
public final class ParserFuzzer {
    /** The outcome counted for an input that gave an answer. */
    public static final String ACCEPTED = "accepted";
    private static final int MAX_FAILURES_KEPT = 20;

    private final Mutator mutator;
    private final int inputs;
    private final FuzzTally tally;
    private final List<String> failures = new ArrayList<>();

    /**
     * @param seed the seed of every choice
     * @param inputs how many inputs each {@link #fuzz} call makes
     * @param tally where the outcomes are counted
     */
    public ParserFuzzer(long seed, int inputs, FuzzTally tally) {
        if (inputs < 1) {
            throw new IllegalArgumentException("inputs must be positive: " + inputs);
        }
        this.mutator = new Mutator(seed);
        this.inputs = inputs;
        this.tally = requireNonNull(tally, "tally is null");
    }

    /** The mutator, for tests that make their own inputs with the same seed. */
    public Mutator mutator() {
        return mutator;
    }

    /**
     * Fuzzes one parser.
     *
     * @param target the parser's name in the tally
     * @param seeds valid inputs of this parser (at least one)
     * @param others valid inputs of other parsers, fed now and then (mutated or not)
     * @param parse the parser
     * @param typed the exceptions the parser declares for bad input (may be empty: the parser never throws)
     * @param check further checks on an answer (throw an {@link AssertionError} to fail), given the input
     */
    public <T> void fuzz(String target, List<String> seeds, List<String> others, Function<String, T> parse,
            Set<Class<? extends RuntimeException>> typed, BiConsumer<String, T> check) {
        requireNonNull(target, "target is null");
        requireNonNull(parse, "parse is null");
        requireNonNull(typed, "typed is null");
        requireNonNull(check, "check is null");
        if (seeds.isEmpty()) {
            throw new IllegalArgumentException("no seeds for " + target);
        }
        List<String> vocabulary = Mutator.words(seeds);
        for (String seed : seeds) {
            run(target, seed, parse, typed, check);
        }
        for (int i = seeds.size(); i < inputs; i++) {
            double kind = mutator.nextInt(100);
            String input;
            if (kind < 10) {
                input = mutator.randomText(vocabulary, 1 + mutator.nextInt(12));
            } else if (kind < 15 && !others.isEmpty()) {
                input = mutator.chance(0.5) ? mutator.pick(others) : mutator.mutate(mutator.pick(others));
            } else {
                input = mutator.mutate(mutator.pick(seeds));
            }
            run(target, input, parse, typed, check);
        }
    }

    private <T> void run(String target, String input, Function<String, T> parse,
            Set<Class<? extends RuntimeException>> typed, BiConsumer<String, T> check) {
        T answer;
        try {
            answer = parse.apply(input);
        } catch (RuntimeException e) {
            if (typed.stream().anyMatch(type -> type.isInstance(e))) {
                tally.record(target, e instanceof BrickException brick ? brick.kind() : e.getClass().getSimpleName());
                return;
            }
            fail(target, input, e);
            return;
        } catch (StackOverflowError e) {
            fail(target, input, e);
            return;
        }
        try {
            if (answer == null) {
                throw new AssertionError("null answer");
            }
            check.accept(input, answer);
            tally.record(target, ACCEPTED);
        } catch (AssertionError | RuntimeException e) {
            fail(target, input, e);
        }
    }

    private void fail(String target, String input, Throwable e) {
        tally.record(target, "FAILED");
        if (failures.size() < MAX_FAILURES_KEPT) {
            failures.add(target + ": " + e + " for input " + escape(input));
        }
    }

    /** The failures so far (at most 20 kept), each with the input that caused it; empty when all went well. */
    public List<String> failures() {
        return List.copyOf(failures);
    }

    /** The input with control and non-ASCII characters as Java escapes, quoted, for a failure message. */
    public static String escape(String input) {
        StringBuilder text = new StringBuilder("\"");
        for (int i = 0; i < input.length(); i++) {
            char c = input.charAt(i);
            switch (c) {
                case '\n' -> text.append("\\n");
                case '\t' -> text.append("\\t");
                case '\r' -> text.append("\\r");
                case '"' -> text.append("\\\"");
                case '\\' -> text.append("\\\\");
                default -> {
                    if (c < 0x20 || c > 0x7e) {
                        text.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        text.append(c);
                    }
                }
            }
        }
        return text.append('"').toString();
    }
}
