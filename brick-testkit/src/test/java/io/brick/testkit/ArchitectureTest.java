package io.brick.testkit;

import io.brick.arch.ModuleArchitectureTest;

/** brick's architecture rules on brick-testkit's own production classes (package {@code io.brick.testkit}). */
class ArchitectureTest extends ModuleArchitectureTest {
    ArchitectureTest() {
        super("io.brick.testkit", true);
    }
}
