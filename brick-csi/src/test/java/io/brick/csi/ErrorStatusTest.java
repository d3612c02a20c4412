package io.brick.csi;

import io.brick.core.error.FlushFailedException;
import io.brick.core.error.InvalidInputException;
import io.brick.core.error.OperationTimeoutException;
import io.brick.core.model.ConnectionProperties;
import io.grpc.Status;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ErrorStatusTest {
    @Test
    void brick_errors_carry_their_kind_and_evidence_with_the_spec_s_code() {
        Map<String, String> evidence = new LinkedHashMap<>();
        evidence.put("device", "/dev/dm-0");
        evidence.put("holders", "1");
        Status flush = ErrorStatus.of(new FlushFailedException("flush of dm-0 failed: map in use", evidence, null),
                List.of());
        Status invalid = ErrorStatus.of(new InvalidInputException("target_lun", "is missing"), List.of());
        Status timeout = ErrorStatus.of(new OperationTimeoutException("the map", Duration.ofSeconds(3),
                Duration.ofSeconds(2), Map.of()), List.of());

        assertThat(flush.getCode()).isEqualTo(Status.Code.INTERNAL);
        assertThat(flush.getDescription())
                .isEqualTo("flush-failed: flush of dm-0 failed: map in use [device=/dev/dm-0, holders=1] (retriable)");
        assertThat(invalid.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(invalid.getDescription()).isEqualTo("invalid-input: target_lun: is missing");
        assertThat(timeout.getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
        assertThat(ErrorStatus.of(new CsiError(Status.Code.ABORTED, "busy"), List.of()).getCode())
                .isEqualTo(Status.Code.ABORTED);
    }

    @Test
    void a_secret_that_slipped_into_a_message_is_masked_the_longest_first() {
        ConnectionProperties properties = ConnectionProperties.parseJson("""
                {"auth_password": "abc123", "nested": {"discovery_auth_password": "abc123456"}, "target_lun": 1}""");
        List<String> secrets = ErrorStatus.secretsOf(Map.of("key", "stage-secret"), properties);

        Status status = ErrorStatus.of(new IllegalStateException("failed with abc123456 and abc123 (stage-secret)"),
                secrets);

        assertThat(secrets).containsExactlyInAnyOrder("stage-secret", "abc123", "abc123456");
        assertThat(status.getCode()).isEqualTo(Status.Code.INTERNAL);
        assertThat(status.getDescription())
                .isEqualTo("unexpected IllegalStateException: failed with *** and *** (***)");
    }
}
