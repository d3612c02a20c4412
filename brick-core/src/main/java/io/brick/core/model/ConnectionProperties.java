package io.brick.core.model;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * The connection properties of one volume, os-brick compatible: the {@code data} object of Cinder's
 * {@code connection_info}. Immutable, parsed once; each transport reads it into its own typed record through the
 * typed accessors here, which raise {@link io.brick.core.error.InvalidInputException} naming the key on a missing
 * key or a wrong type.
 *
 * <p>Values are those of {@link io.brick.core.json.Json}. A JSON {@code null} counts as absent. {@link #toString()}
 * masks every secret-bearing key ({@code *password*}, {@code *secret*}).
 */
public final class ConnectionProperties {
    private final Map<String, Object> data;
    private final Optional<String> driverVolumeType;

    private ConnectionProperties(Map<String, Object> data, Optional<String> driverVolumeType) {
        this.data = requireNonNull(data, "data is null");
        this.driverVolumeType = requireNonNull(driverVolumeType, "driverVolumeType is null");
    }

    /**
     * Parses os-brick JSON: either the whole {@code {"driver_volume_type": ..., "data": {...}}} or the bare
     * {@code data} object. Not JSON, or not an object: invalid input under key {@code properties}.
     */
    public static ConnectionProperties parseJson(String json) {
        throw new UnsupportedOperationException("not yet written");
    }

    /** Properties from an already-parsed {@code data} map (values as {@link io.brick.core.json.Json} reads them, or plain Java numbers). */
    public static ConnectionProperties of(Map<String, ?> data) {
        throw new UnsupportedOperationException("not yet written");
    }

    /** {@code driver_volume_type} when the whole connection_info was given, e.g. {@code iscsi}. */
    public Optional<String> driverVolumeType() {
        return driverVolumeType;
    }

    /** The data object, immutable. */
    public Map<String, Object> asMap() {
        return data;
    }

    /** Whether the key is present with a non-null value. */
    public boolean has(String key) {
        throw new UnsupportedOperationException("not yet written");
    }

    /** A string value; present but not a string: invalid input. */
    public Optional<String> string(String key) {
        throw new UnsupportedOperationException("not yet written");
    }

    /** A string value that must be present and non-empty. */
    public String requiredString(String key) {
        throw new UnsupportedOperationException("not yet written");
    }

    /** A boolean value (JSON {@code true}/{@code false}; the strings {@code "true"}/{@code "false"} too). */
    public Optional<Boolean> bool(String key) {
        throw new UnsupportedOperationException("not yet written");
    }

    /** A LUN: a non-negative integer up to 2^64-1, or a string of digits (os-brick's tests send {@code "1"}). */
    public Optional<Lun> lun(String key) {
        throw new UnsupportedOperationException("not yet written");
    }

    /** A list of strings; a single string is not a list (invalid input). Errors name the element: {@code key[2]}. */
    public Optional<List<String>> stringList(String key) {
        throw new UnsupportedOperationException("not yet written");
    }

    /** A list of LUNs; errors name the element: {@code target_luns[1]}. */
    public Optional<List<Lun>> lunList(String key) {
        throw new UnsupportedOperationException("not yet written");
    }

    /** A secret string value (a password), never printed. */
    public Optional<Secret> secret(String key) {
        throw new UnsupportedOperationException("not yet written");
    }

    /** A JSON object value. */
    public Optional<Map<String, Object>> object(String key) {
        throw new UnsupportedOperationException("not yet written");
    }

    /** The properties as os-brick JSON ({@code data} only), secrets masked. */
    public String toMaskedJson() {
        throw new UnsupportedOperationException("not yet written");
    }

    @Override
    public String toString() {
        return toMaskedJson();
    }
}
