package io.brick.cli;

import static java.util.Objects.requireNonNull;

/** Bad usage or unreadable input found by the CLI itself: exit code 2, nothing was done. */
final class UsageProblem extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UsageProblem(String message) {
        super(requireNonNull(message, "message is null"));
    }
}
