package io.brick.sysfs;

import com.google.inject.Module;
import io.brick.core.bootstrap.BrickPlugin;

/**
 * The {@code sysfs} plugin: the host's {@code /sys}, {@code /dev} and lock files behind brick's ports (see
 * {@link SysfsModule}). Provides no protocol. Listed in {@code META-INF/services/io.brick.core.bootstrap.BrickPlugin}.
 */
public final class SysfsPlugin implements BrickPlugin {
    /** The plugin's name. */
    public static final String NAME = "sysfs";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Module module() {
        return new SysfsModule();
    }
}
