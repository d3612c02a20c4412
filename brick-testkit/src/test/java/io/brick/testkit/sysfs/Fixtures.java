package io.brick.testkit.sysfs;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Finds the recorded real-kernel fixtures: the {@code brick.fixtures} system property, else {@code shared/fixtures}
 * in the working directory or any directory above it (a checkout with {@code shared/} beside it, as in CI).
 */
final class Fixtures {
    private Fixtures() {
    }

    static Optional<Path> directory() {
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

    static String notFound() {
        return "recorded fixtures not found: no shared/fixtures above " + Path.of("").toAbsolutePath()
                + " and no -Dbrick.fixtures=DIR; skipping the comparison with the real kernel";
    }
}
