package io.brick.cli;

import io.brick.core.event.BrickEvent;
import io.brick.core.event.EventListener;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static java.util.Objects.requireNonNull;

/**
 * Collects a runtime's events, printing each as one line ({@code [  1.234s] LOGIN_FINISHED 127.0.0.1:3260 (0.200s)})
 * when asked to. Thread-safe: connectors report from their worker threads.
 */
final class Progress implements EventListener {
    private final PrintStream sink;
    private final boolean print;
    private final String indent;
    private final List<BrickEvent> events = new CopyOnWriteArrayList<>();
    private volatile Instant start;

    Progress(PrintStream sink, boolean print, String indent) {
        this.sink = requireNonNull(sink, "sink is null");
        this.print = print;
        this.indent = requireNonNull(indent, "indent is null");
    }

    /** Times are shown from this instant on (the runtime clock's, when the operation starts). */
    void start(Instant instant) {
        this.start = requireNonNull(instant, "instant is null");
    }

    /** Forgets the events seen so far (the demo's next step). */
    void reset() {
        events.clear();
    }

    @Override
    public void onEvent(BrickEvent event) {
        events.add(event);
        if (print) {
            synchronized (sink) {
                sink.println(indent + line(event));
                sink.flush();
            }
        }
    }

    /** One event as a progress line. */
    String line(BrickEvent event) {
        StringBuilder text = new StringBuilder(String.format(Locale.ROOT, "[%7.3fs] %s %s",
                seconds(sinceStart(event.at())), event.type().name(), event.subject()));
        event.duration().ifPresent(d -> text.append(String.format(Locale.ROOT, " (%.3fs)", seconds(d))));
        return text.toString();
    }

    /** The events seen since the last reset, as the JSON {@code phases} array. */
    List<Map<String, Object>> phases() {
        List<Map<String, Object>> phases = new ArrayList<>();
        for (BrickEvent event : events) {
            Map<String, Object> phase = new LinkedHashMap<>();
            phase.put("type", event.type().name());
            phase.put("subject", event.subject());
            phase.put("atMillis", sinceStart(event.at()).toMillis());
            phase.put("durationMillis", event.duration().map(Duration::toMillis).orElse(null));
            phases.add(phase);
        }
        return phases;
    }

    private Duration sinceStart(Instant at) {
        Instant from = start;
        return from == null ? Duration.ZERO : Duration.between(from, at);
    }

    private static double seconds(Duration duration) {
        return duration.toNanos() / 1e9;
    }
}
