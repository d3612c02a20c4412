package io.brick.testkit.snapshot;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The recordings the testkit ships are the project's: every folder of {@code shared/fixtures} (beside the checkout,
 * as CI has it) is listed in {@link Recordings} and shipped byte for byte.
 */
class ShippedRecordingsTest {
    @Test
    void every_shared_recording_is_shipped_unchanged() throws IOException {
        Optional<Path> shared = sharedFixtures();
        assumeTrue(shared.isPresent(), "no shared/fixtures beside the checkout: nothing to compare the shipped copies with");
        List<String> compared = new ArrayList<>();
        try (Stream<Path> folders = Files.list(shared.get())) {
            for (Path folder : folders.filter(Files::isDirectory).sorted().toList()) {
                String name = folder.getFileName().toString();
                assertThat(Recordings.all()).as("Recordings lists %s", name).contains(name);
                try (Stream<Path> files = Files.list(folder)) {
                    for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                        String resource = "/io/brick/testkit/fixtures/" + name + "/" + file.getFileName();
                        try (InputStream shipped = ShippedRecordingsTest.class.getResourceAsStream(resource)) {
                            assertThat(shipped).as("%s is shipped", resource).isNotNull();
                            assertThat(shipped.readAllBytes()).as("%s is unchanged", resource)
                                    .isEqualTo(Files.readAllBytes(file));
                        }
                        compared.add(resource);
                    }
                }
            }
        }
        assertThat(compared).hasSizeGreaterThanOrEqualTo(Recordings.all().size() * 3);
    }

    private static Optional<Path> sharedFixtures() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("shared").resolve("fixtures");
            if (Files.isDirectory(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
