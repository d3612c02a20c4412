package io.brick.multipath;

import io.brick.arch.ModuleArchitectureChecks;

/** brick's architecture rules on brick-multipath's own production classes (package {@code io.brick.multipath}). */
class ArchitectureTest extends ModuleArchitectureChecks {
    ArchitectureTest() {
        super("io.brick.multipath", true);
    }
}
