package io.brick.core.bootstrap;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.multibindings.MapBinder;
import com.google.inject.multibindings.Multibinder;
import com.google.inject.multibindings.OptionalBinder;
import io.brick.core.connector.Connector;
import io.brick.core.event.EventListener;
import io.brick.core.event.EventPublisher;
import io.brick.core.host.HostRoot;
import io.brick.core.host.LockDirectory;
import io.brick.core.lock.DefaultLockManager;
import io.brick.core.lock.LockManager;
import io.brick.core.lock.ProcessLocks;
import io.brick.core.model.Protocol;
import io.brick.core.port.CommandRunner;
import io.brick.core.port.DeviceFlusher;
import io.brick.core.port.HostConfiguration;
import io.brick.core.port.MultipathManager;
import io.brick.core.port.PathRemover;
import io.brick.core.port.ScsiScanner;
import io.brick.core.port.TopologyProvider;
import io.brick.core.time.Clock;
import io.brick.core.time.Retrier;
import io.brick.core.time.Sleeper;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Optional;

/**
 * What brick-core binds itself: the connector map (possibly empty), an optional binding for every port adapters
 * provide, and defaults for time, events, host root, lock directory and locks, which plugins and the builder may
 * replace.
 */
final class CoreModule extends AbstractModule {
    private static final Logger log = LoggerFactory.getLogger(CoreModule.class);

    @Override
    protected void configure() {
        binder().disableCircularProxies();
        binder().requireAtInjectOnConstructors();
        binder().requireExactBindingAnnotations();

        MapBinder.newMapBinder(binder(), Protocol.class, Connector.class);

        // ports that adapter plugins provide (with setDefault) or the builder sets
        OptionalBinder.newOptionalBinder(binder(), TopologyProvider.class);
        OptionalBinder.newOptionalBinder(binder(), CommandRunner.class);
        OptionalBinder.newOptionalBinder(binder(), MultipathManager.class);
        OptionalBinder.newOptionalBinder(binder(), DeviceFlusher.class);
        OptionalBinder.newOptionalBinder(binder(), ScsiScanner.class);
        OptionalBinder.newOptionalBinder(binder(), ProcessLocks.class);
        OptionalBinder.newOptionalBinder(binder(), HostConfiguration.class);
        OptionalBinder.newOptionalBinder(binder(), io.brick.core.port.SysfsAccess.class);
        OptionalBinder.newOptionalBinder(binder(), io.brick.core.port.WwidRecords.class);

        // core's own defaults
        OptionalBinder.newOptionalBinder(binder(), Clock.class).setDefault().toInstance(Clock.system());
        OptionalBinder.newOptionalBinder(binder(), Sleeper.class).setDefault().toInstance(Sleeper.system());
        OptionalBinder.newOptionalBinder(binder(), EventListener.class).setDefault().toInstance(EventListener.none());
        OptionalBinder.newOptionalBinder(binder(), HostRoot.class).setDefault().toInstance(HostRoot.system());
        OptionalBinder.newOptionalBinder(binder(), LockDirectory.class).setDefault().toInstance(LockDirectory.defaultDirectory());
        OptionalBinder.newOptionalBinder(binder(), LockManager.class).setDefault().to(DefaultLockManager.class);

        // removers of paths that are not SCSI devices, one per kind (TransportBinder.addPathRemover)
        Multibinder.newSetBinder(binder(), PathRemover.class);
        bind(Retrier.class).in(Singleton.class);
        bind(EventPublisher.class).in(Singleton.class);
    }

    @Provides
    @Singleton
    DefaultLockManager defaultLockManager(Optional<ProcessLocks> processLocks, Clock clock, Sleeper sleeper) {
        if (processLocks.isEmpty()) {
            log.warn("no inter-process lock provider is installed (brick-sysfs provides one): brick's locks serialise "
                    + "operations within this process only");
        }
        return new DefaultLockManager(processLocks.orElse(ProcessLocks.none()), clock, sleeper);
    }
}
