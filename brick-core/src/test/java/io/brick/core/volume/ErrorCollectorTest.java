package io.brick.core.volume;

import io.brick.core.error.BrickException;
import io.brick.core.error.OperationInterruptedException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ErrorCollectorTest {
    @Test
    void withoutForceTheFirstFailureIsThrownAsItIs() {
        ErrorCollector errors = new ErrorCollector(false);
        BrickException failure = FakeHost.hostFailure("write refused");

        assertThatThrownBy(() -> errors.attempt(() -> {
            throw failure;
        })).isSameAs(failure);
        assertThatThrownBy(() -> errors.record(failure)).isSameAs(failure);
    }

    @Test
    void withForceFailuresAreCollectedInOrder() {
        ErrorCollector errors = new ErrorCollector(true);
        BrickException first = FakeHost.hostFailure("first");
        BrickException second = FakeHost.timeout("second");

        boolean ran = errors.attempt(() -> {
            throw first;
        });
        errors.record(second);

        assertThat(ran).isFalse();
        assertThat(errors.attempt(() -> { })).isTrue();
        assertThat(errors.failed()).isTrue();
        assertThat(errors.failures()).containsExactly(first, second);
    }

    @Test
    void anInterruptStopsAForcedOperationToo() {
        ErrorCollector errors = new ErrorCollector(true);
        OperationInterruptedException interrupted = new OperationInterruptedException("removal", new InterruptedException());

        assertThatThrownBy(() -> errors.attempt(() -> {
            throw interrupted;
        })).isSameAs(interrupted);
        assertThatThrownBy(() -> errors.record(interrupted)).isSameAs(interrupted);
        assertThat(errors.failed()).isFalse();
    }

    @Test
    void aTransportsCleanupCanAskWhetherTheOperationIsForced() {
        assertThat(new ErrorCollector(true).force()).isTrue();
        assertThat(new ErrorCollector(false).force()).isFalse();
    }
}
