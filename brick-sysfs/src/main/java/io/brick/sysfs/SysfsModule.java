package io.brick.sysfs;

import com.google.inject.AbstractModule;
import com.google.inject.Scopes;
import com.google.inject.multibindings.OptionalBinder;
import io.brick.core.host.HostRoot;
import io.brick.core.host.LockDirectory;
import io.brick.core.lock.ProcessLocks;
import io.brick.core.port.DeviceFlusher;
import io.brick.core.port.HostConfiguration;
import io.brick.core.port.ScsiScanner;
import io.brick.core.port.SysfsAccess;
import io.brick.core.port.TopologyProvider;
import io.brick.core.port.WwidRecords;

/**
 * brick-sysfs's bindings, all as {@link OptionalBinder} defaults so a caller's choice wins: {@link TopologyProvider},
 * {@link ScsiScanner}, {@link DeviceFlusher}, {@link ProcessLocks}, {@link HostConfiguration}, {@link SysfsAccess} and
 * {@link WwidRecords} over the host's files.
 *
 * <p>Needs from elsewhere: {@code CommandRunner} (brick-exec), and brick-core's {@link HostRoot}, {@link LockDirectory},
 * {@code Clock} and {@code Sleeper} (the runtime binds them; {@code Brick.builder()} sets them).
 */
public final class SysfsModule extends AbstractModule {
    @Override
    protected void configure() {
        OptionalBinder.newOptionalBinder(binder(), TopologyProvider.class).setDefault().to(SysfsTopologyProvider.class);
        OptionalBinder.newOptionalBinder(binder(), ScsiScanner.class).setDefault().to(SysfsScsiScanner.class);
        OptionalBinder.newOptionalBinder(binder(), DeviceFlusher.class).setDefault().to(SysfsDeviceFlusher.class);
        OptionalBinder.newOptionalBinder(binder(), ProcessLocks.class).setDefault().to(FileProcessLocks.class);
        OptionalBinder.newOptionalBinder(binder(), HostConfiguration.class).setDefault().to(SysfsHostConfiguration.class);
        OptionalBinder.newOptionalBinder(binder(), SysfsAccess.class).setDefault().to(HostSysfsAccess.class);
        OptionalBinder.newOptionalBinder(binder(), WwidRecords.class).setDefault().to(FileWwidRecords.class);
        bind(SysfsTopologyProvider.class).in(Scopes.SINGLETON);
        bind(SysfsScsiScanner.class).in(Scopes.SINGLETON);
        bind(SysfsDeviceFlusher.class).in(Scopes.SINGLETON);
        bind(FileProcessLocks.class).in(Scopes.SINGLETON);
        bind(SysfsHostConfiguration.class).in(Scopes.SINGLETON);
        bind(HostSysfsAccess.class).in(Scopes.SINGLETON);
    }
}
