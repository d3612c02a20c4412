package io.brick.fc;

import io.brick.arch.ModuleArchitectureChecks;

/** brick's architecture rules on brick-fc's own production classes (package {@code io.brick.fc}). */
class ArchitectureTest extends ModuleArchitectureChecks {
    ArchitectureTest() {
        super("io.brick.fc", true);
    }
}
