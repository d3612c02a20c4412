package io.brick.multipath;

import io.brick.arch.ModuleArchitectureTest;

/** brick's architecture rules on brick-multipath's own production classes (package {@code io.brick.multipath}). */
class ArchitectureTest extends ModuleArchitectureTest {
    ArchitectureTest() {
        super("io.brick.multipath", true);
    }
}
