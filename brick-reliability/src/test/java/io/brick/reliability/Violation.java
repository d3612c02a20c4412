package io.brick.reliability;

import static java.util.Objects.requireNonNull;

/**
 * An invariant that did not hold after a step.
 *
 * @param step the step's position in the sequence, or {@link #TEARDOWN} for the clean-up after the last step
 * @param invariant which invariant
 * @param detail what was observed
 */
record Violation(int step, Invariant invariant, String detail) {
    /** The step number of the clean-up that ends every sequence. */
    static final int TEARDOWN = -1;

    /** The invariants checked after every step. */
    enum Invariant {
        /** Unflushed writes were thrown away other than by a forced disconnect of that volume. */
        DATA_LOSS,
        /** A destructive action hit a device or map of another volume, or a stale device. */
        WRONG_DEVICE,
        /** A connect returned a device that is not the volume's. */
        WRONG_DEVICE_RETURNED,
        /** Something of the volume was left after a disconnect that succeeded. */
        LEFTOVERS,
        /** An operation took longer (simulated time) than its budget plus the slack. */
        OVER_BUDGET,
        /** An operation failed with something else than a typed {@code BrickException}. */
        UNTYPED_ERROR,
        /** An extend that succeeded reported a size that is not the LUN's. */
        WRONG_SIZE,
        /** With every fault cleared and every path back, disconnecting every volume failed or left something. */
        UNCLEAN_END,
        /** The sequence did not finish within its wall-clock limit (a hang). */
        HANG,
        /** The harness itself failed (a fault the simulated host refused): a campaign defect, not brick's. */
        HARNESS
    }

    Violation {
        requireNonNull(invariant, "invariant is null");
        requireNonNull(detail, "detail is null");
    }

    String describe() {
        return (step == TEARDOWN ? "teardown" : "after step " + (step + 1)) + ": " + invariant + ": " + detail;
    }
}
