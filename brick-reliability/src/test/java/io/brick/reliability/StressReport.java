package io.brick.reliability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The stress tests' numbers for the docs: each test writes its part ({@code target/reliability/stress-<part>.txt}) and
 * {@code target/reliability/stress.txt} is rewritten as every part there is, in name order.
 */
final class StressReport {
    private static final Path DIRECTORY = Path.of("target", "reliability");

    private StressReport() {
    }

    static synchronized Path write(String part, List<String> lines) {
        try {
            Files.createDirectories(DIRECTORY);
            Files.write(DIRECTORY.resolve("stress-" + part + ".txt"), lines, StandardCharsets.UTF_8);
            List<String> all = new ArrayList<>();
            all.add("brick concurrency stress (brick-reliability; written by the *StressTest classes)");
            try (Stream<Path> parts = Files.list(DIRECTORY)) {
                for (Path each : parts.filter(file -> file.getFileName().toString().startsWith("stress-")).sorted().toList()) {
                    all.add("");
                    all.addAll(Files.readAllLines(each, StandardCharsets.UTF_8));
                }
            }
            Path summary = DIRECTORY.resolve("stress.txt");
            Files.write(summary, all, StandardCharsets.UTF_8);
            return summary;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
