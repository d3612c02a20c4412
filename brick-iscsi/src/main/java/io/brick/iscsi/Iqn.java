package io.brick.iscsi;

import static java.util.Objects.requireNonNull;

/**
 * An iSCSI name (RFC 3720 §3.2.6): {@code iqn.yyyy-mm.reversed.domain[:anything]}, {@code eui.} followed by 16 hex
 * digits, or {@code naa.} followed by 16 or 32 hex digits; at most 223 bytes. Compared as written;
 * {@link #matches(Iqn)} compares the way iSCSI does (case-insensitively).
 *
 * <p>Invalid names are {@link io.brick.core.error.InvalidInputException}s under key {@code target_iqn} (or the key
 * given to {@link #parse(String, String)}). The part after {@code :} may not hold whitespace, control characters,
 * {@code ; | & $ ` ' " \ < > /} or {@code ..}, since names end up in argv and lock-file names.
 */
public record Iqn(String value) {
    public Iqn {
        requireNonNull(value, "value is null");
        IqnSyntax.check(value, "target_iqn");
    }

    /** Parses an iSCSI name; {@code key} names the input key in the error. */
    public static Iqn parse(String value, String key) {
        requireNonNull(value, "value is null");
        requireNonNull(key, "key is null");
        IqnSyntax.check(value, key);
        return new Iqn(value);
    }

    /** Parses an iSCSI name given under key {@code target_iqn}. */
    public static Iqn of(String value) {
        return new Iqn(value);
    }

    /** Whether both name the same iSCSI node (iSCSI names are case-insensitive). */
    public boolean matches(Iqn other) {
        return other != null && value.equalsIgnoreCase(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
