package io.brick.csi;

import io.grpc.Status;

import static java.util.Objects.requireNonNull;

/** A refusal the CSI spec defines (a missing field, a volume busy or not staged, an incompatible retry). */
final class CsiError extends RuntimeException {
    private final Status.Code code;

    CsiError(Status.Code code, String message) {
        super(requireNonNull(message, "message is null"), null, false, false);
        this.code = requireNonNull(code, "code is null");
    }

    Status.Code code() {
        return code;
    }

    static CsiError missing(String field) {
        return new CsiError(Status.Code.INVALID_ARGUMENT, field + " is missing");
    }
}
