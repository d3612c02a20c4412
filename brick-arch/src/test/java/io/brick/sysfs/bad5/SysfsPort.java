package io.brick.sysfs.bad5;

import io.brick.core.port.SamplePort;

/** Bad for rule 5 only: a public port implementation. */
public final class SysfsPort implements SamplePort {
    @Override
    public String answer() {
        return "sysfs";
    }
}
