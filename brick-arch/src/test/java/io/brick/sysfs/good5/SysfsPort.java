package io.brick.sysfs.good5;

import io.brick.core.port.SamplePort;

/** Good for rule 5: a package-private port implementation. */
final class SysfsPort implements SamplePort {
    @Override
    public String answer() {
        return "sysfs";
    }
}
