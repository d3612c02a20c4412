package io.brick.testkit;

import io.brick.arch.ModuleArchitectureChecks;

/** brick's architecture rules on brick-testkit's own production classes (package {@code io.brick.testkit}). */
class ArchitectureTest extends ModuleArchitectureChecks {
    ArchitectureTest() {
        super("io.brick.testkit", true);
    }
}
