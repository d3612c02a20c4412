package io.brick.exec;

import io.brick.arch.ModuleArchitectureChecks;

/** brick's architecture rules on brick-exec's own production classes (package {@code io.brick.exec}). */
class ArchitectureTest extends ModuleArchitectureChecks {
    ArchitectureTest() {
        super("io.brick.exec", true);
    }
}
