package io.brick.core.model;

import io.brick.core.error.InvalidInputException;

import java.util.Locale;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * A transport protocol, as os-brick names them ({@code ISCSI}, {@code ISER}, {@code FIBRE_CHANNEL}, ...).
 *
 * <p>A value, not an enum: a vendor's jar adds a protocol (say {@code NVMEOF}) without touching brick. Names are
 * normalised to upper case ({@link Locale#ROOT}), so {@code "iscsi"} and {@code "ISCSI"} are the same protocol.
 */
public record Protocol(String name) {
    private static final Pattern NAME = Pattern.compile("[A-Z][A-Z0-9_]{0,63}");

    public static final Protocol ISCSI = new Protocol("ISCSI");
    public static final Protocol ISER = new Protocol("ISER");
    public static final Protocol FIBRE_CHANNEL = new Protocol("FIBRE_CHANNEL");

    public Protocol {
        requireNonNull(name, "name is null");
        name = name.strip().toUpperCase(Locale.ROOT).replace('-', '_');
        if (!NAME.matcher(name).matches()) {
            throw new InvalidInputException("protocol", "'" + name + "' is not a protocol name (letters, digits and _)");
        }
    }

    /** The protocol of that name; {@code "fibre-channel"}, {@code "fibre_channel"} and {@code "FIBRE_CHANNEL"} are one. */
    public static Protocol of(String name) {
        return new Protocol(name);
    }

    @Override
    public String toString() {
        return name;
    }
}
