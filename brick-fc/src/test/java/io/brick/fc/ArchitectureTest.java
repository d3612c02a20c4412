package io.brick.fc;

import io.brick.arch.ModuleArchitectureTest;

/** brick's architecture rules on brick-fc's own production classes (package {@code io.brick.fc}). */
class ArchitectureTest extends ModuleArchitectureTest {
    ArchitectureTest() {
        super("io.brick.fc", false);
    }
}
