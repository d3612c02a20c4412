package io.brick.cli.good7;

import java.nio.file.Files;
import java.nio.file.Path;

/** Good for rules 2 and 7c: the CLI writes to the console and reads files. */
final class Console {
    private Console() {
    }

    static void print(Path path) {
        System.out.println(Files.exists(path));
    }
}
