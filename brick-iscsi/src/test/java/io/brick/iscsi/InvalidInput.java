package io.brick.iscsi;

import io.brick.core.error.InvalidInputException;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.assertThat;

/** Asserts that code fails with an {@link InvalidInputException} naming a given key. */
final class InvalidInput {
    private InvalidInput() {
    }

    /** Runs the code, checks it raised invalid input under {@code key}, and returns the error for more checks. */
    static InvalidInputException expect(String key, ThrowingCallable code) {
        assertThatThrownBy(code).isInstanceOf(InvalidInputException.class);
        InvalidInputException error = catchThrowableOfType(InvalidInputException.class, code);
        assertThat(error.key()).as("key of: %s", error.getMessage()).isEqualTo(key);
        assertThat(error.getMessage()).startsWith(key + ": ");
        assertThat(error.retriable()).isFalse();
        return error;
    }
}
