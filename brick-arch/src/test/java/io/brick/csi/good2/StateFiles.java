package io.brick.csi.good2;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Good for rule 2: the CSI node plugin keeps its state files, socket and the CO's target paths itself. */
final class StateFiles {
    private StateFiles() {
    }

    static String read(Path file) throws IOException {
        return Files.readString(file);
    }
}
