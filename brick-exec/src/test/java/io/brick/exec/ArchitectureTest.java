package io.brick.exec;

import io.brick.arch.ModuleArchitectureTest;

/** brick's architecture rules on brick-exec's own production classes (package {@code io.brick.exec}). */
class ArchitectureTest extends ModuleArchitectureTest {
    ArchitectureTest() {
        super("io.brick.exec", true);
    }
}
