package io.brick.iscsi;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Writes a small text report under {@code target/test-report/} (numbers a test measured, for the issue notes). */
final class TestReport {
    private TestReport() {
    }

    static Path write(String name, List<String> lines) {
        Path file = Path.of("target", "test-report", name);
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, lines);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }
}
