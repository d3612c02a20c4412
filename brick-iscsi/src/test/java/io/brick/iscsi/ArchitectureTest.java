package io.brick.iscsi;

import io.brick.arch.ModuleArchitectureChecks;

/** brick's architecture rules on brick-iscsi's own production classes (package {@code io.brick.iscsi}). */
class ArchitectureTest extends ModuleArchitectureChecks {
    ArchitectureTest() {
        super("io.brick.iscsi", true);
    }
}
