package io.brick.core.model;

import io.brick.core.error.InvalidInputException;

import java.util.OptionalInt;

/** Parsing and checks behind {@link Portal}. */
final class PortalSyntax {
    private PortalSyntax() {
    }

    static Portal parse(String text, String key) {
        // filled in by the model's validation work
        String withoutTpgt = text.contains(",") ? text.substring(0, text.indexOf(',')) : text;
        int colon = withoutTpgt.lastIndexOf(':');
        if (colon < 0) {
            return new Portal(withoutTpgt, Portal.DEFAULT_PORT);
        }
        return new Portal(withoutTpgt.substring(0, colon), Integer.parseInt(withoutTpgt.substring(colon + 1)));
    }

    static OptionalInt tpgt(String text) {
        int comma = text.indexOf(',');
        return comma < 0 ? OptionalInt.empty() : OptionalInt.of(Integer.parseInt(text.substring(comma + 1).strip()));
    }

    static void checkHost(String host, String key) {
        if (host.isEmpty()) {
            throw new InvalidInputException(key, "portal has no host");
        }
    }

    static void checkPort(int port, String key) {
        if (port < 1 || port > 65535) {
            throw new InvalidInputException(key, "port " + port + " is not between 1 and 65535");
        }
    }
}
