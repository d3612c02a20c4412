package io.brick.cli;

import io.brick.arch.ModuleArchitectureTest;

/** brick's architecture rules on brick-cli's own production classes (package {@code io.brick.cli}). */
class ArchitectureTest extends ModuleArchitectureTest {
    ArchitectureTest() {
        super("io.brick.cli", false);
    }
}
