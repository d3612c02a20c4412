package io.brick.iscsi;

import io.brick.arch.ModuleArchitectureTest;

/** brick's architecture rules on brick-iscsi's own production classes (package {@code io.brick.iscsi}). */
class ArchitectureTest extends ModuleArchitectureTest {
    ArchitectureTest() {
        super("io.brick.iscsi", true);
    }
}
