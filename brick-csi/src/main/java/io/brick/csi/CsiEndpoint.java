package io.brick.csi;

import io.brick.core.error.InvalidInputException;

import java.nio.file.Path;

import static java.util.Objects.requireNonNull;

/**
 * Where the plugin listens: a Unix domain socket, written as the CO writes it ({@code unix:///csi/csi.sock}, the
 * value of {@code CSI_ENDPOINT}). {@code unix:/csi/csi.sock} and a bare absolute path are accepted too; TCP is not
 * served (a node plugin talks only to the kubelet beside it).
 *
 * @param socket the socket file's absolute path
 */
public record CsiEndpoint(Path socket) {
    private static final String UNIX = "unix:";

    public CsiEndpoint {
        requireNonNull(socket, "socket is null");
        if (!socket.isAbsolute()) {
            throw new InvalidInputException("endpoint", "the socket path must be absolute: " + socket);
        }
        socket = socket.normalize();
    }

    /** Parses {@code unix:///path}, {@code unix:/path} or {@code /path}; anything else is invalid input. */
    public static CsiEndpoint parse(String text) {
        requireNonNull(text, "text is null");
        String value = text.strip();
        if (value.startsWith(UNIX)) {
            value = value.substring(UNIX.length());
            // unix:///csi.sock: an empty authority before the path
            if (value.startsWith("//")) {
                value = value.substring(2);
            }
        } else if (value.contains("://")) {
            throw new InvalidInputException("endpoint", "only unix:// endpoints are served, not " + text.strip());
        }
        if (value.isEmpty() || !value.startsWith("/")) {
            throw new InvalidInputException("endpoint", "expected unix:///absolute/path, found " + text.strip());
        }
        return new CsiEndpoint(Path.of(value));
    }

    @Override
    public String toString() {
        return "unix://" + socket;
    }
}
