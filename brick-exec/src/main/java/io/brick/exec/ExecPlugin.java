package io.brick.exec;

import com.google.inject.Module;
import io.brick.core.bootstrap.BrickPlugin;

/** The {@code exec} plugin: brick's way to run the host's tools ({@link ExecModule}). Provides no protocol. */
public final class ExecPlugin implements BrickPlugin {
    @Override
    public String name() {
        return "exec";
    }

    @Override
    public Module module() {
        return new ExecModule();
    }
}
