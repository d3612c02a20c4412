package io.brick.cli;

import io.brick.core.bootstrap.Brick;
import io.brick.core.connector.ConnectorConfig;
import io.brick.core.event.EventListener;
import io.brick.core.host.HostRoot;
import io.brick.core.host.LockDirectory;
import io.brick.fc.FcPlugin;
import io.brick.iscsi.IscsiPlugin;

/** Builds the brick runtime a command works with, from the global options. */
@FunctionalInterface
interface RuntimeFactory {
    /** A runtime reporting its progress to {@code listener}. */
    Brick create(RuntimeOptions options, EventListener listener);

    /**
     * The production runtime over the real host: the plugins listed in the class path's {@code META-INF/services}
     * (brick-exec, brick-sysfs, brick-multipath, brick-iscsi and brick-fc in brick.jar; brick-csi finds the same).
     */
    static RuntimeFactory real() {
        return (options, listener) -> {
            Brick.Builder builder = Brick.builder().discoverPlugins().eventListener(listener);
            // a --timeout reaches the connectors through their plugins: these replace the discovered ones of the same name
            options.timeout().map(ConnectorConfig.defaults()::withTimeout)
                    .ifPresent(config -> builder.plugins(new IscsiPlugin(config), new FcPlugin(config)));
            options.root().ifPresent(root -> builder.hostRoot(HostRoot.under(root.toAbsolutePath().normalize().toString())));
            options.lockDir().ifPresent(dir -> builder.lockDirectory(new LockDirectory(dir.toAbsolutePath().normalize().toString())));
            return builder.build();
        };
    }
}
