package io.brick.sysfs;

import io.brick.arch.ModuleArchitectureTest;

/** brick's architecture rules on brick-sysfs's own production classes (package {@code io.brick.sysfs}). */
class ArchitectureTest extends ModuleArchitectureTest {
    ArchitectureTest() {
        super("io.brick.sysfs", true);
    }
}
