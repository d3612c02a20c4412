package io.brick.testkit.fuzz;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

import static java.util.Objects.requireNonNull;

/**
 * A seeded, hand-rolled text fuzzer for the inputs brick parses (tool outputs, sysfs attribute contents, JSON): it
 * mutates a valid input (truncates it, drops, duplicates, swaps or shuffles lines, inserts unknown lines, replaces
 * characters with control characters or non-ASCII ones, numbers with huge or negative ones, words with path and shell
 * tokens) or makes random text from a vocabulary. The same seed gives the same inputs, so a failure is replayed by its
 * seed and index.
 */
public final class Mutator {
    /**
     * Words that must never reach a path or a shell, and values at the edges of every type: path traversal, shell
     * metacharacters, control characters, unicode, huge and negative numbers, empty and very long strings.
     */
    public static final List<String> TRICKY = List.of("../", "../../etc/passwd", "..", ".", "/", "/etc/shadow", ";",
            "; rm -rf /", "$(reboot)", "`id`", "|", "&&", ">", "<", "*", "?", "~", "\\", "'", "\"", "\n", "\r\n", "\t",
            "\0", "\u0007", "\u001b[2J", "\u00e9", "\u4e2d\u6587", "\uD83D\uDCA9", "\uFEFF", "\u202E", "\uD800", "", " ",
            "-1", "0", "-0", "2147483648", "-2147483649", "9223372036854775808", "18446744073709551616",
            "99999999999999999999999999999999999999", "1e400", "-1e-400", "0x10", "NaN", "Infinity", "null", "true",
            "(null)", "[]", "{}", ",", ":", "=", "[1]", "--login", "-o", "%s", "%n", "${jndi:ldap://x}",
            "a".repeat(300), "9".repeat(70));

    private static final int MAX_MUTATIONS = 4;

    private final SplittableRandom random;

    /** A mutator whose choices follow {@code seed}. */
    public Mutator(long seed) {
        this.random = new SplittableRandom(seed);
    }

    /** A uniformly chosen index below {@code bound}. */
    public int nextInt(int bound) {
        return random.nextInt(bound);
    }

    /** True with the given probability. */
    public boolean chance(double probability) {
        return random.nextDouble() < probability;
    }

    /** One element, uniformly chosen. */
    public <T> T pick(List<T> choices) {
        requireNonNull(choices, "choices is null");
        return choices.get(random.nextInt(choices.size()));
    }

    /** One to four mutations of {@code input}, one after the other. */
    public String mutate(String input) {
        requireNonNull(input, "input is null");
        String text = input;
        int count = 1 + random.nextInt(MAX_MUTATIONS);
        for (int i = 0; i < count; i++) {
            text = mutateOnce(text);
        }
        return text;
    }

    /** {@code lines} random lines, each a few words of {@code vocabulary} and {@link #TRICKY} joined by separators. */
    public String randomText(List<String> vocabulary, int lines) {
        requireNonNull(vocabulary, "vocabulary is null");
        StringBuilder text = new StringBuilder();
        for (int line = 0; line < lines; line++) {
            int words = random.nextInt(8);
            for (int w = 0; w < words; w++) {
                if (w > 0) {
                    text.append(pick(List.of(" ", " ", "\t", ": ", " = ", ",", ":", "  ", "|- ", "`-+- ")));
                }
                text.append(vocabulary.isEmpty() || chance(0.3) ? pick(TRICKY) : pick(vocabulary));
            }
            text.append('\n');
        }
        return text.toString();
    }

    /** The whitespace-separated words of the texts, deduplicated, in order: a vocabulary for {@link #randomText}. */
    public static List<String> words(List<String> texts) {
        requireNonNull(texts, "texts is null");
        List<String> words = new ArrayList<>();
        for (String text : texts) {
            for (String word : text.split("\\s+")) {
                if (!word.isEmpty() && !words.contains(word)) {
                    words.add(word);
                }
            }
        }
        return List.copyOf(words);
    }

    /** The input with its lines in a random order (line ends kept). */
    public String shuffleLines(String input) {
        List<String> lines = new ArrayList<>(Arrays.asList(input.split("\n", -1)));
        for (int i = lines.size() - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            String swap = lines.get(i);
            lines.set(i, lines.get(j));
            lines.set(j, swap);
        }
        return String.join("\n", lines);
    }

    private String mutateOnce(String text) {
        switch (random.nextInt(14)) {
            case 0:
                return text.isEmpty() ? text : text.substring(0, random.nextInt(text.length()));
            case 1:
                return editLines(text, Edit.DROP);
            case 2:
                return editLines(text, Edit.DUPLICATE);
            case 3:
                return editLines(text, Edit.SWAP);
            case 4:
                return shuffleLines(text);
            case 5:
                return editLines(text, Edit.INSERT_UNKNOWN);
            case 6:
                return replaceChar(text, randomChar());
            case 7:
                return insertAt(text, garbage());
            case 8:
                return replaceNumber(text);
            case 9:
                return replaceWord(text, pick(TRICKY));
            case 10:
                return text.replace("\n", "\r\n");
            case 11:
                return random.nextBoolean() ? text.toUpperCase(Locale.ROOT) : text.replaceAll("[ \t]+", " ");
            case 12:
                return insertAt(text, pick(TRICKY));
            default:
                return text.isEmpty() ? text : text.substring(random.nextInt(text.length()));
        }
    }

    private enum Edit { DROP, DUPLICATE, SWAP, INSERT_UNKNOWN }

    private String editLines(String text, Edit edit) {
        List<String> lines = new ArrayList<>(Arrays.asList(text.split("\n", -1)));
        int at = random.nextInt(lines.size());
        // if/else rather than a switch on the enum: a switch would compile to a synthetic class ArchUnit does not import
        if (edit == Edit.DROP) {
            lines.remove(at);
        } else if (edit == Edit.DUPLICATE) {
            lines.add(at, lines.get(at));
        } else if (edit == Edit.SWAP) {
            int other = random.nextInt(lines.size());
            String swap = lines.get(at);
            lines.set(at, lines.get(other));
            lines.set(other, swap);
        } else {
            lines.add(at, unknownLine());
        }
        return String.join("\n", lines);
    }

    private String unknownLine() {
        return switch (random.nextInt(5)) {
            case 0 -> "";
            case 1 -> "iscsiadm: some unknown warning " + random.nextInt(1000);
            case 2 -> "\tUnknown Key: " + pick(TRICKY);
            case 3 -> garbage();
            default -> pick(TRICKY) + " " + pick(TRICKY) + " " + pick(TRICKY);
        };
    }

    private String replaceChar(String text, char replacement) {
        if (text.isEmpty()) {
            return String.valueOf(replacement);
        }
        int at = random.nextInt(text.length());
        return text.substring(0, at) + replacement + text.substring(at + 1);
    }

    private String insertAt(String text, String inserted) {
        int at = text.isEmpty() ? 0 : random.nextInt(text.length() + 1);
        return text.substring(0, at) + inserted + text.substring(at);
    }

    private String replaceNumber(String text) {
        List<int[]> numbers = new ArrayList<>();
        for (int i = 0; i < text.length(); i++) {
            if (Character.isDigit(text.charAt(i))) {
                int start = i;
                while (i < text.length() && Character.isDigit(text.charAt(i))) {
                    i++;
                }
                numbers.add(new int[] {start, i});
            }
        }
        if (numbers.isEmpty()) {
            return insertAt(text, pick(TRICKY));
        }
        int[] number = pick(numbers);
        String replacement = pick(List.of("-1", "0", "2147483648", "4294967296", "9223372036854775808",
                "18446744073709551616", "99999999999999999999999999", "-99999999999", "1.5", "1e3", "", "x"));
        return text.substring(0, number[0]) + replacement + text.substring(number[1]);
    }

    private String replaceWord(String text, String replacement) {
        List<int[]> words = new ArrayList<>();
        int start = -1;
        for (int i = 0; i <= text.length(); i++) {
            boolean space = i == text.length() || Character.isWhitespace(text.charAt(i));
            if (!space && start < 0) {
                start = i;
            } else if (space && start >= 0) {
                words.add(new int[] {start, i});
                start = -1;
            }
        }
        if (words.isEmpty()) {
            return text + replacement;
        }
        int[] word = pick(words);
        return text.substring(0, word[0]) + replacement + text.substring(word[1]);
    }

    private char randomChar() {
        return switch (random.nextInt(4)) {
            case 0 -> (char) random.nextInt(0x20);
            case 1 -> (char) (0x20 + random.nextInt(0x5f));
            case 2 -> (char) (0x80 + random.nextInt(0x780));
            default -> (char) random.nextInt(0x10000);
        };
    }

    private String garbage() {
        int length = 1 + random.nextInt(40);
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            text.append(randomChar());
        }
        return text.toString();
    }
}
