package io.brick.cli;

import io.brick.core.bootstrap.Brick;
import io.brick.core.event.EventListener;
import io.brick.core.host.HostRoot;
import io.brick.core.host.LockDirectory;
import io.brick.exec.ExecPlugin;
import io.brick.fc.FcConnectorConfig;
import io.brick.fc.FcPlugin;
import io.brick.iscsi.IscsiConnectorConfig;
import io.brick.iscsi.IscsiPlugin;
import io.brick.multipath.MultipathPlugin;
import io.brick.sysfs.SysfsPlugin;

import java.time.Duration;

/** Builds the brick runtime a command works with, from the global options. */
@FunctionalInterface
interface RuntimeFactory {
    /** A runtime reporting its progress to {@code listener}. */
    Brick create(RuntimeOptions options, EventListener listener);

    /** The production runtime: brick-exec, brick-sysfs, brick-multipath, brick-iscsi and brick-fc over the real host. */
    static RuntimeFactory real() {
        return (options, listener) -> {
            IscsiConnectorConfig config = options.timeout()
                    .map(timeout -> withTimeout(IscsiConnectorConfig.defaults(), timeout))
                    .orElse(IscsiConnectorConfig.defaults());
            FcConnectorConfig fcConfig = options.timeout().map(FcConnectorConfig.defaults()::withTimeout)
                    .orElse(FcConnectorConfig.defaults());
            Brick.Builder builder = Brick.builder()
                    .plugins(new ExecPlugin(), new SysfsPlugin(), new MultipathPlugin(), new IscsiPlugin(config),
                            new FcPlugin(fcConfig))
                    .eventListener(listener);
            options.root().ifPresent(root -> builder.hostRoot(HostRoot.under(root.toAbsolutePath().normalize().toString())));
            options.lockDir().ifPresent(dir -> builder.lockDirectory(new LockDirectory(dir.toAbsolutePath().normalize().toString())));
            return builder.build();
        };
    }

    /**
     * The connector's settings with every whole-operation budget set to {@code timeout}, and the waits inside an
     * operation (device, map, multipathd nudge) cut down to it when they are longer.
     */
    static IscsiConnectorConfig withTimeout(IscsiConnectorConfig config, Duration timeout) {
        return new IscsiConnectorConfig(config.useMultipath(), timeout, min(config.deviceWait(), timeout),
                min(config.mapWait(), timeout), min(config.nudgeAfter(), timeout), timeout, timeout);
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
