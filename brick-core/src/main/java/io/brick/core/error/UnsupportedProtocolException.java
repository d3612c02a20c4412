package io.brick.core.error;

import java.util.Collection;
import java.util.Map;
import java.util.stream.Collectors;

/** No installed plugin provides the requested protocol; the message lists the ones that are installed. */
public final class UnsupportedProtocolException extends BrickException {
    public UnsupportedProtocolException(String protocol, Collection<String> installed) {
        super("unsupported-protocol", "no installed plugin provides protocol " + protocol + "; installed: "
                        + (installed.isEmpty() ? "none" : installed.stream().sorted().collect(Collectors.joining(", "))),
                false, Map.of("protocol", protocol, "installed", installed.stream().sorted().collect(Collectors.joining(","))));
    }
}
