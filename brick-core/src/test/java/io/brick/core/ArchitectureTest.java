package io.brick.core;

import io.brick.arch.ModuleArchitectureTest;

/** brick's architecture rules on brick-core's own production classes (package {@code io.brick.core}). */
class ArchitectureTest extends ModuleArchitectureTest {
    ArchitectureTest() {
        super("io.brick.core", true);
    }
}
