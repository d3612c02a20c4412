package io.brick.core.model;

import io.brick.core.error.InvalidInputException;
import io.brick.core.json.Json;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * The connection properties of one volume, os-brick compatible: the {@code data} object of Cinder's
 * {@code connection_info}. Immutable, parsed once; each transport reads it into its own typed record through the
 * typed accessors here, which raise {@link io.brick.core.error.InvalidInputException} naming the key on a missing
 * key or a wrong type.
 *
 * <p>Values are those of {@link io.brick.core.json.Json}. A JSON {@code null} counts as absent. {@link #toString()}
 * masks every secret-bearing key: a key whose name contains {@code password}, {@code secret}, {@code passphrase},
 * {@code token} or {@code private_key} (any case, at any depth). Error messages never repeat a value of the wrong
 * type, so a misplaced secret does not leak through them either.
 */
public final class ConnectionProperties {
    /** The key errors name when the text as a whole is wrong (not JSON, not an object). */
    public static final String PROPERTIES_KEY = "properties";

    private static final int MAX_DEPTH = 64;
    private static final List<String> SECRET_WORDS = List.of("password", "secret", "passphrase", "token", "private_key");
    /** 2^64-1 has 20 digits: anything with more integer digits is out of range before it is expanded. */
    private static final int MAX_LUN_DIGITS = 20;

    private final Map<String, Object> data;
    private final Optional<String> driverVolumeType;

    private ConnectionProperties(Map<String, Object> data, Optional<String> driverVolumeType) {
        this.data = requireNonNull(data, "data is null");
        this.driverVolumeType = requireNonNull(driverVolumeType, "driverVolumeType is null");
    }

    /**
     * Parses os-brick JSON: either the whole {@code {"driver_volume_type": ..., "data": {...}}} or the bare
     * {@code data} object. Not JSON, or not an object: invalid input under key {@code properties}.
     *
     * <p>The whole connection_info is recognised by a {@code driver_volume_type} key next to a {@code data} key;
     * {@code data} must then be an object and {@code driver_volume_type} a string (else invalid input naming that
     * key).
     */
    public static ConnectionProperties parseJson(String json) {
        requireNonNull(json, "json is null");
        Object parsed = Json.parse(json, PROPERTIES_KEY);
        if (!(parsed instanceof Map<?, ?> top)) {
            throw new InvalidInputException(PROPERTIES_KEY, "expected a JSON object, found " + typeName(parsed));
        }
        Map<String, Object> object = stringKeyed(top);
        if (object.containsKey("driver_volume_type") && object.containsKey("data")) {
            Object type = object.get("driver_volume_type");
            Optional<String> driverVolumeType;
            if (type == Json.NULL) {
                driverVolumeType = Optional.empty();
            } else if (type instanceof String text) {
                driverVolumeType = Optional.of(text);
            } else {
                throw new InvalidInputException("driver_volume_type", "expected a string, found " + typeName(type));
            }
            if (!(object.get("data") instanceof Map<?, ?> inner)) {
                throw new InvalidInputException("data", "expected a JSON object, found " + typeName(object.get("data")));
            }
            return new ConnectionProperties(stringKeyed(inner), driverVolumeType);
        }
        return new ConnectionProperties(object, Optional.empty());
    }

    /**
     * Properties from an already-parsed {@code data} map (values as {@link io.brick.core.json.Json} reads them, or plain
     * Java numbers). The map is copied deeply: numbers become {@link BigDecimal}s, Java {@code null} becomes
     * {@link Json#NULL}, nested maps and collections become immutable copies in their order. Another value type, a
     * non-finite number or a non-string key is invalid input naming the key.
     */
    public static ConnectionProperties of(Map<String, ?> data) {
        requireNonNull(data, "data is null");
        return new ConnectionProperties(copyMap(data, "", 0), Optional.empty());
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
        return value(key).isPresent();
    }

    /** A string value; present but not a string: invalid input. */
    public Optional<String> string(String key) {
        return value(key).map(value -> asString(value, key));
    }

    /** A string value that must be present and non-empty (not blank). */
    public String requiredString(String key) {
        String value = string(key).orElseThrow(() -> missing(key));
        if (value.isBlank()) {
            throw new InvalidInputException(key, "is empty");
        }
        return value;
    }

    /** A boolean value (JSON {@code true}/{@code false}; the strings {@code "true"}/{@code "false"} too, any case). */
    public Optional<Boolean> bool(String key) {
        return value(key).map(value -> {
            if (value instanceof Boolean bool) {
                return bool;
            }
            if (value instanceof String text) {
                String word = text.toLowerCase(Locale.ROOT);
                if (word.equals("true")) {
                    return Boolean.TRUE;
                }
                if (word.equals("false")) {
                    return Boolean.FALSE;
                }
                throw new InvalidInputException(key, "expected true or false, found another string");
            }
            throw new InvalidInputException(key, "expected true or false, found " + typeName(value));
        });
    }

    /**
     * A LUN: a non-negative integer up to 2^64-1, or a string of digits (os-brick's tests send {@code "1"}).
     * Negative, over 2^64-1, not whole ({@code 1.5}) or not a number: invalid input naming the key.
     */
    public Optional<Lun> lun(String key) {
        return value(key).map(value -> toLun(value, key));
    }

    /** {@link #lun(String)} for a LUN that must be present. */
    public Lun requiredLun(String key) {
        return lun(key).orElseThrow(() -> missing(key));
    }

    /** A list of strings; a single string is not a list (invalid input). Errors name the element: {@code key[2]}. */
    public Optional<List<String>> stringList(String key) {
        return value(key).map(value -> {
            if (!(value instanceof List<?> list)) {
                throw new InvalidInputException(key, "expected a list of strings, found " + typeName(value));
            }
            return strings(list, key);
        });
    }

    /**
     * A string or a list of strings, as a list (FC's {@code target_wwn} is either); errors name the element:
     * {@code key[2]}.
     */
    public Optional<List<String>> stringOrList(String key) {
        return value(key).map(value -> {
            if (value instanceof String text) {
                return List.of(text);
            }
            if (value instanceof List<?> list) {
                return strings(list, key);
            }
            throw new InvalidInputException(key, "expected a string or a list of strings, found " + typeName(value));
        });
    }

    /** A list of LUNs; errors name the element: {@code target_luns[1]}. */
    public Optional<List<Lun>> lunList(String key) {
        return value(key).map(value -> {
            if (!(value instanceof List<?> list)) {
                throw new InvalidInputException(key, "expected a list of LUNs, found " + typeName(value));
            }
            List<Lun> luns = new ArrayList<>(list.size());
            for (int i = 0; i < list.size(); i++) {
                luns.add(toLun(list.get(i), element(key, i)));
            }
            return List.copyOf(luns);
        });
    }

    /** A secret string value (a password), never printed. */
    public Optional<Secret> secret(String key) {
        return value(key).map(value -> {
            if (!(value instanceof String text)) {
                throw new InvalidInputException(key, "expected a string, found " + typeName(value));
            }
            return Secret.of(text);
        });
    }

    /**
     * The volume's WWID, os-brick's {@code scsi_wwn}: absent or blank means the caller does not know it; white space
     * around it is ignored; anything else that is not a WWID is invalid input under {@code scsi_wwn}. Every
     * transport's parser reads it here, so every transport accepts and refuses the same values.
     */
    public Optional<Wwid> scsiWwn() {
        Optional<String> text = string("scsi_wwn").filter(value -> !value.isBlank());
        try {
            return text.map(value -> Wwid.of(value.strip()));
        } catch (InvalidInputException e) {
            throw e.under("scsi_wwn");
        }
    }

    /** A JSON object value. */
    public Optional<Map<String, Object>> object(String key) {
        return value(key).map(value -> {
            if (!(value instanceof Map<?, ?> map)) {
                throw new InvalidInputException(key, "expected a JSON object, found " + typeName(value));
            }
            return stringKeyed(map);
        });
    }

    /**
     * os-brick's {@code addressing_mode}: absent means {@link LunAddressing#SAM}; an unknown mode is invalid input
     * under {@code addressing_mode}.
     */
    public LunAddressing addressingMode() {
        return LunAddressing.parse(string("addressing_mode").orElse(null));
    }

    /** The properties as os-brick JSON ({@code data} only), secrets masked. */
    public String toMaskedJson() {
        return Json.write(masked(data, false));
    }

    /** Whether a key's value must never be shown: its name contains a secret-bearing word, in any case. */
    public static boolean isSecretKey(String key) {
        String lower = key.toLowerCase(Locale.ROOT);
        for (String word : SECRET_WORDS) {
            if (lower.contains(word)) {
                return true;
            }
        }
        return false;
    }

    /** Equal when both hold the same data and driver_volume_type. */
    @Override
    public boolean equals(Object other) {
        return other instanceof ConnectionProperties that && data.equals(that.data)
                && driverVolumeType.equals(that.driverVolumeType);
    }

    @Override
    public int hashCode() {
        return Objects.hash(data, driverVolumeType);
    }

    @Override
    public String toString() {
        return toMaskedJson();
    }

    private Optional<Object> value(String key) {
        requireNonNull(key, "key is null");
        Object value = data.get(key);
        return value == null || value == Json.NULL ? Optional.empty() : Optional.of(value);
    }

    private static String asString(Object value, String key) {
        if (value instanceof String text) {
            return text;
        }
        throw new InvalidInputException(key, "expected a string, found " + typeName(value));
    }

    private static List<String> strings(List<?> list, String key) {
        List<String> strings = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            Object element = list.get(i);
            if (element == null || element == Json.NULL) {
                throw new InvalidInputException(element(key, i), "expected a string, found null");
            }
            strings.add(asString(element, element(key, i)));
        }
        return List.copyOf(strings);
    }

    private static Lun toLun(Object value, String key) {
        if (value instanceof BigDecimal number) {
            if (number.signum() < 0) {
                throw new InvalidInputException(key, "LUN " + shown(number) + " is negative");
            }
            BigDecimal whole = number.stripTrailingZeros();
            if (whole.scale() > 0) {
                throw new InvalidInputException(key, "LUN " + shown(number) + " is not a whole number");
            }
            if (whole.precision() - whole.scale() > MAX_LUN_DIGITS) {
                throw new InvalidInputException(key, "LUN " + shown(number) + " is over 2^64-1");
            }
            return Lun.parse(whole.toBigIntegerExact(), key);
        }
        if (value instanceof String text) {
            return Lun.parse(text, key);
        }
        if (value == null || value == Json.NULL) {
            throw new InvalidInputException(key, "expected a LUN, found null");
        }
        throw new InvalidInputException(key, "expected a LUN (a whole number), found " + typeName(value));
    }

    /** A number for an error message, cut if absurdly long. */
    private static String shown(BigDecimal number) {
        String text = number.toString();
        return text.length() > 40 ? text.substring(0, 40) + "..." : text;
    }

    private static InvalidInputException missing(String key) {
        return new InvalidInputException(key, "is missing");
    }

    private static String element(String key, int index) {
        return key + "[" + index + "]";
    }

    /** What a value is, for error messages: the JSON type name, never the value. */
    private static String typeName(Object value) {
        if (value == null || value == Json.NULL) {
            return "null";
        }
        if (value instanceof String) {
            return "a string";
        }
        if (value instanceof Boolean) {
            return "a boolean";
        }
        if (value instanceof Number) {
            return "a number";
        }
        if (value instanceof Map<?, ?>) {
            return "an object";
        }
        if (value instanceof Collection<?>) {
            return "a list";
        }
        return "a " + value.getClass().getSimpleName();
    }

    /** A map with String keys as read by Json: the cast is checked element by element. */
    private static Map<String, Object> stringKeyed(Map<?, ?> map) {
        Map<String, Object> copy = new LinkedHashMap<>();
        map.forEach((key, value) -> copy.put((String) key, value));
        return Collections.unmodifiableMap(copy);
    }

    private static Map<String, Object> copyMap(Map<?, ?> map, String path, int depth) {
        if (depth >= MAX_DEPTH) {
            throw new InvalidInputException(path.isEmpty() ? PROPERTIES_KEY : path,
                    "nested more than " + MAX_DEPTH + " levels deep");
        }
        Map<String, Object> copy = new LinkedHashMap<>();
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            if (!(entry.getKey() instanceof String key)) {
                throw new InvalidInputException(path.isEmpty() ? PROPERTIES_KEY : path,
                        "object keys must be strings, found " + typeName(entry.getKey()));
            }
            String keyPath = path.isEmpty() ? key : path + "." + key;
            copy.put(key, copyValue(entry.getValue(), keyPath, depth));
        }
        return Collections.unmodifiableMap(copy);
    }

    private static Object copyValue(Object value, String path, int depth) {
        if (value == null || value == Json.NULL) {
            return Json.NULL;
        }
        if (value instanceof String || value instanceof Boolean || value instanceof BigDecimal) {
            return value;
        }
        if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return BigDecimal.valueOf(((Number) value).longValue());
        }
        if (value instanceof BigInteger big) {
            return new BigDecimal(big);
        }
        if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                throw new InvalidInputException(path, "JSON has no " + d);
            }
            return BigDecimal.valueOf(d);
        }
        if (value instanceof Map<?, ?> map) {
            return copyMap(map, path, depth + 1);
        }
        if (value instanceof Collection<?> collection) {
            if (depth + 1 >= MAX_DEPTH) {
                throw new InvalidInputException(path, "nested more than " + MAX_DEPTH + " levels deep");
            }
            List<Object> copy = new ArrayList<>(collection.size());
            int index = 0;
            for (Object element : collection) {
                copy.add(copyValue(element, element(path, index), depth + 1));
                index++;
            }
            return List.copyOf(copy);
        }
        throw new InvalidInputException(path, "a " + value.getClass().getSimpleName() + " is not a JSON value");
    }

    private static Object masked(Object value, boolean secret) {
        if (secret && value != Json.NULL) {
            return Secret.MASK;
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> copy = new LinkedHashMap<>();
            map.forEach((key, inner) -> copy.put((String) key, masked(inner, isSecretKey((String) key))));
            return copy;
        }
        if (value instanceof List<?> list) {
            List<Object> copy = new ArrayList<>(list.size());
            list.forEach(element -> copy.add(masked(element, false)));
            return copy;
        }
        return value;
    }
}
