package io.brick.sysfs;

import io.brick.arch.ModuleArchitectureChecks;

/** brick's architecture rules on brick-sysfs's own production classes (package {@code io.brick.sysfs}). */
class ArchitectureTest extends ModuleArchitectureChecks {
    ArchitectureTest() {
        super("io.brick.sysfs", true);
    }
}
