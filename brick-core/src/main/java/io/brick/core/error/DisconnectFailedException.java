package io.brick.core.error;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A forced disconnect went on through failures and some steps still failed: every failure is chained here (as
 * suppressed exceptions, in the order they happened) and summarised in the evidence. Leftovers may remain: the
 * evidence names what was not removed.
 */
public final class DisconnectFailedException extends BrickException {
    private final List<BrickException> failures;

    public DisconnectFailedException(String volume, List<BrickException> failures, List<String> leftovers) {
        super("disconnect-failed", "disconnect of " + volume + " finished with " + failures.size() + " failure(s): "
                        + failures.stream().map(Throwable::getMessage).collect(Collectors.joining("; ")),
                failures.stream().allMatch(BrickException::retriable), evidence(volume, failures, leftovers));
        this.failures = List.copyOf(failures);
        this.failures.forEach(this::addSuppressed);
    }

    /** The failures, in the order they happened. */
    public List<BrickException> failures() {
        return failures;
    }

    private static Map<String, String> evidence(String volume, List<BrickException> failures, List<String> leftovers) {
        Map<String, String> evidence = new LinkedHashMap<>();
        evidence.put("volume", volume);
        evidence.put("failures", failures.stream().map(BrickException::kind).collect(Collectors.joining(",")));
        evidence.put("possibleLeftovers", String.join(",", leftovers));
        return evidence;
    }
}
