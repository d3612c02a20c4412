package io.brick.multipath;

import com.google.inject.Module;
import io.brick.core.bootstrap.BrickPlugin;

/**
 * The {@code multipath} plugin: dm-multipath behind brick's {@code MultipathManager} port (see
 * {@link MultipathModule}). Provides no protocol. Listed in
 * {@code META-INF/services/io.brick.core.bootstrap.BrickPlugin}.
 */
public final class MultipathPlugin implements BrickPlugin {
    /** The plugin's name. */
    public static final String NAME = "multipath";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Module module() {
        return new MultipathModule();
    }
}
