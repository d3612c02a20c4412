package io.brick.csi;

import io.brick.arch.ModuleArchitectureChecks;

/** brick's architecture rules on brick-csi's own production classes (package {@code io.brick.csi}; not the generated {@code csi.v1}). */
class ArchitectureTest extends ModuleArchitectureChecks {
    ArchitectureTest() {
        super("io.brick.csi", true);
    }
}
