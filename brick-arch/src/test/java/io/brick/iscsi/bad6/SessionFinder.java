package io.brick.iscsi.bad6;

import com.google.inject.Inject;

/** Bad for rule 6 only: com.google.inject.Inject instead of jakarta.inject.Inject. */
final class SessionFinder {
    private final String name;

    @Inject
    SessionFinder() {
        this.name = "finder";
    }

    String name() {
        return name;
    }
}
