package io.brick.testkit.sysfs;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Finds the recorded real-kernel fixtures: the {@code brick.fixtures} system property, else {@code shared/fixtures}
 * in the working directory or any directory above it (a checkout with {@code shared/} beside it, as in CI), else the
 * copies the testkit ships as resources (so the comparison never depends on where the build runs).
 */
final class Fixtures {
    private Fixtures() {
    }

    static Optional<Path> directory() {
        return shared().or(Fixtures::shipped);
    }

    /** The project's shared recordings, when the checkout has them beside it. */
    static Optional<Path> shared() {
        String property = System.getProperty("brick.fixtures");
        if (property != null && !property.isBlank()) {
            Path given = Path.of(property).toAbsolutePath();
            return Files.isDirectory(given) ? Optional.of(given) : Optional.empty();
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("shared").resolve("fixtures");
            if (Files.isDirectory(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** The copies in the testkit's resources, as a directory (the module's own build output). */
    static Optional<Path> shipped() {
        URL url = Fixtures.class.getResource("/io/brick/testkit/fixtures/README.md");
        if (url == null || !"file".equals(url.getProtocol())) {
            return Optional.empty();
        }
        try {
            return Optional.of(Path.of(url.toURI()).getParent());
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
    }

    static String notFound() {
        return "recorded fixtures not found: no shared/fixtures above " + Path.of("").toAbsolutePath()
                + ", no -Dbrick.fixtures=DIR and no shipped copies";
    }
}
