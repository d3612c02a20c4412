package io.brick.core.bootstrap;

import com.google.inject.Module;
import io.brick.core.model.Protocol;

import java.util.Set;

/**
 * What an adapter or transport module contributes to a brick runtime: a Guice module, and the protocols it
 * provides connectors for. Listed in {@code META-INF/services/io.brick.core.bootstrap.BrickPlugin} for discovery, or
 * passed to {@link Brick.Builder#plugins} explicitly.
 *
 * <p>Conventions for the module: connectors are added with {@link TransportBinder} for exactly the protocols
 * {@link #protocols()} names; ports ({@code CommandRunner}, {@code TopologyProvider}, ...) are bound with
 * {@code OptionalBinder.newOptionalBinder(binder, Port.class).setDefault()}, so a caller's explicit choice (e.g. the
 * testkit's simulated host) takes precedence. Modules are fast and do no I/O.
 *
 * <p>brick-core already binds defaults (with {@code setDefault()}) for {@code Clock}, {@code Sleeper},
 * {@code EventListener}, {@code HostRoot}, {@code LockDirectory} and {@code LockManager}: a plugin does not bind
 * those defaults again (two defaults for one port fail at start-up); the caller chooses them on {@link Brick.Builder}.
 * Implementation classes need an {@code @jakarta.inject.Inject} constructor (the runtime requires one).
 */
public interface BrickPlugin {
    /** A short name, unique among plugins ({@code iscsi}, {@code sysfs}); used in messages. */
    String name();

    /** The protocols this plugin provides connectors for; none for infrastructure plugins. */
    default Set<Protocol> protocols() {
        return Set.of();
    }

    /** The Guice module with this plugin's bindings. */
    Module module();
}
