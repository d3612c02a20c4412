package io.brick.multipath;

import com.google.inject.AbstractModule;
import com.google.inject.Scopes;
import com.google.inject.multibindings.OptionalBinder;
import io.brick.core.port.MultipathManager;
import io.brick.core.port.WwidRecords;

/**
 * brick-multipath's bindings, as {@link OptionalBinder} defaults so a caller's choice wins: {@link MultipathManager}
 * over {@code multipathd}, {@code multipath} and {@code dmsetup}, and its {@link MultipathConfig}
 * ({@link MultipathConfig#defaults()}).
 *
 * <p>Needs from elsewhere: {@code CommandRunner} (brick-exec), {@code TopologyProvider} (brick-sysfs) and brick-core's
 * {@code Retrier}; uses {@code WwidRecords} (brick-sysfs) when bound.
 */
public final class MultipathModule extends AbstractModule {
    @Override
    protected void configure() {
        OptionalBinder.newOptionalBinder(binder(), MultipathManager.class).setDefault()
                .to(MultipathdMultipathManager.class);
        OptionalBinder.newOptionalBinder(binder(), MultipathConfig.class).setDefault()
                .toInstance(MultipathConfig.defaults());
        // brick-sysfs gives the records; without them no WWID is recorded, and none is ever removed
        OptionalBinder.newOptionalBinder(binder(), WwidRecords.class);
        bind(MultipathdMultipathManager.class).in(Scopes.SINGLETON);
    }
}
