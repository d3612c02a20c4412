package io.brick.core.model.bad1path;

import java.nio.file.Path;

/** Bad for rule 1, and so for rule 2 too: a file path in core's domain. */
public record Where(Path path) {
}
