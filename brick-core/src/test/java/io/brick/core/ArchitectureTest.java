package io.brick.core;

import io.brick.arch.ModuleArchitectureChecks;

/** brick's architecture rules on brick-core's own production classes (package {@code io.brick.core}). */
class ArchitectureTest extends ModuleArchitectureChecks {
    ArchitectureTest() {
        super("io.brick.core", true);
    }
}
