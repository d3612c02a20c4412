package io.brick.sysfs.good2;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Good for rule 2: brick-sysfs reads files. */
final class SysfsFiles {
    private SysfsFiles() {
    }

    static String read(Path path) throws IOException {
        return Files.readString(path);
    }
}
