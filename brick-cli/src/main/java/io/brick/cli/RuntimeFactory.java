package io.brick.cli;

import io.brick.core.bootstrap.Brick;
import io.brick.core.connector.ConnectorConfig;
import io.brick.core.event.EventListener;
import io.brick.core.host.HostRoot;
import io.brick.core.host.LockDirectory;
import io.brick.exec.ExecPlugin;
import io.brick.fc.FcPlugin;
import io.brick.iscsi.IscsiPlugin;
import io.brick.multipath.MultipathPlugin;
import io.brick.sysfs.SysfsPlugin;

/** Builds the brick runtime a command works with, from the global options. */
@FunctionalInterface
interface RuntimeFactory {
    /** A runtime reporting its progress to {@code listener}. */
    Brick create(RuntimeOptions options, EventListener listener);

    /** The production runtime: brick-exec, brick-sysfs, brick-multipath, brick-iscsi and brick-fc over the real host. */
    static RuntimeFactory real() {
        return (options, listener) -> {
            ConnectorConfig config = options.timeout().map(ConnectorConfig.defaults()::withTimeout)
                    .orElse(ConnectorConfig.defaults());
            Brick.Builder builder = Brick.builder()
                    .plugins(new ExecPlugin(), new SysfsPlugin(), new MultipathPlugin(), new IscsiPlugin(config),
                            new FcPlugin(config))
                    .eventListener(listener);
            options.root().ifPresent(root -> builder.hostRoot(HostRoot.under(root.toAbsolutePath().normalize().toString())));
            options.lockDir().ifPresent(dir -> builder.lockDirectory(new LockDirectory(dir.toAbsolutePath().normalize().toString())));
            return builder.build();
        };
    }
}
