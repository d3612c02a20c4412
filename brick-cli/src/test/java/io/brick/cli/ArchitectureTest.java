package io.brick.cli;

import io.brick.arch.ModuleArchitectureChecks;

/** brick's architecture rules on brick-cli's own production classes (package {@code io.brick.cli}). */
class ArchitectureTest extends ModuleArchitectureChecks {
    ArchitectureTest() {
        super("io.brick.cli", true);
    }
}
