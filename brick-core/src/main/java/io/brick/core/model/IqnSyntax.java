package io.brick.core.model;

import io.brick.core.error.InvalidInputException;

/** The syntax check behind {@link Iqn}: kept apart so the record stays a plain value. */
final class IqnSyntax {
    private IqnSyntax() {
    }

    static void check(String value, String key) {
        // filled in by the model's validation work
        if (value.isEmpty()) {
            throw new InvalidInputException(key, "empty iSCSI name");
        }
    }
}
