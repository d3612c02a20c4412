package io.brick.core.error;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** A wait or a whole operation ran out of its time budget. Carries what was awaited and how long it took. */
public final class OperationTimeoutException extends BrickException {
    private final Duration elapsed;

    public OperationTimeoutException(String what, Duration elapsed, Duration budget, Map<String, String> observed) {
        super("timeout", what + " did not happen within " + budget.toMillis() + " ms (waited " + elapsed.toMillis() + " ms)",
                true, evidence(what, elapsed, budget, observed));
        this.elapsed = elapsed;
    }

    public Duration elapsed() {
        return elapsed;
    }

    private static Map<String, String> evidence(String what, Duration elapsed, Duration budget, Map<String, String> observed) {
        Map<String, String> evidence = new LinkedHashMap<>();
        evidence.put("awaited", what);
        evidence.put("elapsedMillis", Long.toString(elapsed.toMillis()));
        evidence.put("budgetMillis", Long.toString(budget.toMillis()));
        evidence.putAll(observed);
        return evidence;
    }
}
