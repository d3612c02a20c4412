package io.brick.core.port;

import java.util.List;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * The two ways every parser of a tool's output (iscsiadm, multipath, dmsetup, a vendor's CLI) cuts it up: into lines,
 * and a line into whitespace-separated fields. Nothing here throws on malformed text.
 */
public final class ToolText {
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");

    private ToolText() {
    }

    /** The lines of a command's output ({@code \n} or {@code \r\n}); none for empty output. */
    public static List<String> lines(String stdout) {
        requireNonNull(stdout, "stdout is null");
        return stdout.lines().toList();
    }

    /** The whitespace-separated fields of a line; none for a blank line. */
    public static String[] fields(String line) {
        String stripped = line.strip();
        return stripped.isEmpty() ? new String[0] : WHITESPACE.split(stripped);
    }
}
