package io.brick.csi;

import io.brick.core.error.BrickException;
import io.brick.core.error.CommandTimeoutException;
import io.brick.core.error.InvalidInputException;
import io.brick.core.error.OperationInterruptedException;
import io.brick.core.error.OperationTimeoutException;
import io.brick.core.error.UnsupportedProtocolException;
import io.brick.core.json.Json;
import io.brick.core.model.ConnectionProperties;
import io.grpc.Status;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Turns what an RPC raised into the gRPC status the CO sees: the CSI spec's code, and a message that carries brick's
 * typed error kind and its evidence ({@code flush-failed: ... [device=/dev/dm-0, holders=...]}), so an operator reads
 * the reason in {@code kubectl describe pod}. Never a secret: brick's errors hold none by design, and every value the
 * request marked secret (its {@code secrets} map, the secret-bearing keys of the connection properties) is cut out of
 * the message again before it leaves, in case one slipped into an evidence value.
 */
final class ErrorStatus {
    private static final String MASK = "***";

    private ErrorStatus() {
    }

    /** The status for {@code failure}, with the secrets in {@code secrets} masked out of its message. */
    static Status of(Throwable failure, Collection<String> secrets) {
        Status status;
        if (failure instanceof CsiError error) {
            status = Status.fromCode(error.code()).withDescription(error.getMessage());
        } else if (failure instanceof BrickException error) {
            status = Status.fromCode(codeOf(error)).withDescription(describe(error));
        } else {
            // not one brick raises on purpose: name its class, which says more than a bare INTERNAL
            status = Status.INTERNAL.withDescription("unexpected " + failure.getClass().getSimpleName() + ": "
                    + failure.getMessage());
        }
        return status.withDescription(redact(status.getDescription(), secrets));
    }

    private static Status.Code codeOf(BrickException error) {
        if (error instanceof InvalidInputException || error instanceof UnsupportedProtocolException) {
            return Status.Code.INVALID_ARGUMENT;
        }
        if (error instanceof OperationTimeoutException || error instanceof CommandTimeoutException) {
            return Status.Code.DEADLINE_EXCEEDED;
        }
        if (error instanceof OperationInterruptedException) {
            return Status.Code.ABORTED;
        }
        return Status.Code.INTERNAL;
    }

    /** {@code kind: message [key=value, ...] (retriable)}. */
    static String describe(BrickException error) {
        StringBuilder text = new StringBuilder(error.kind()).append(": ").append(error.getMessage());
        // invalid input's evidence (key, reason) is its message already
        if (!error.evidence().isEmpty() && !(error instanceof InvalidInputException)) {
            text.append(" [").append(error.evidence().entrySet().stream()
                    .map(entry -> entry.getKey() + "=" + entry.getValue()).collect(Collectors.joining(", ")))
                    .append(']');
        }
        if (error.retriable()) {
            text.append(" (retriable)");
        }
        return text.toString();
    }

    /** The text with every secret replaced by {@value #MASK}, the longest first (one may contain another). */
    static String redact(String text, Collection<String> secrets) {
        if (text == null) {
            return "";
        }
        List<String> ordered = new ArrayList<>(secrets.stream().filter(secret -> !secret.isEmpty()).toList());
        ordered.sort(Comparator.comparingInt(String::length).reversed());
        String redacted = text;
        for (String secret : ordered) {
            redacted = redacted.replace(secret, MASK);
        }
        return redacted;
    }

    /**
     * The secret values of a request: its {@code secrets} map's values and, at any depth, the values of the
     * connection properties' secret-bearing keys ({@link ConnectionProperties#isSecretKey}).
     */
    static List<String> secretsOf(Map<String, String> secretsMap, ConnectionProperties properties) {
        List<String> found = new ArrayList<>(secretsMap.values());
        if (properties != null) {
            collect(properties.asMap(), false, found);
        }
        return found;
    }

    private static void collect(Object value, boolean secret, List<String> found) {
        if (value instanceof Map<?, ?> map) {
            map.forEach((key, inner) -> collect(inner, secret || ConnectionProperties.isSecretKey(String.valueOf(key)), found));
        } else if (value instanceof List<?> list) {
            list.forEach(element -> collect(element, secret, found));
        } else if (secret && value != null && value != Json.NULL) {
            found.add(String.valueOf(value));
        }
    }
}
