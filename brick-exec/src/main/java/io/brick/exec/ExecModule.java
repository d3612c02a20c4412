package io.brick.exec;

import com.google.inject.AbstractModule;
import com.google.inject.Scopes;
import com.google.inject.multibindings.OptionalBinder;
import io.brick.core.port.CommandRunner;

/**
 * Binds the production {@link CommandRunner} (over commons-exec, a singleton) and its {@link ExecConfig}
 * ({@link ExecConfig#defaults()}), both as {@link OptionalBinder} defaults: a caller's own binding (a simulated host,
 * a {@link PrefixedCommandRunner}, another configuration) takes precedence. Installing it twice is harmless.
 */
public final class ExecModule extends AbstractModule {
    @Override
    protected void configure() {
        OptionalBinder.newOptionalBinder(binder(), ExecConfig.class).setDefault().toInstance(ExecConfig.defaults());
        bind(CommonsExecCommandRunner.class).in(Scopes.SINGLETON);
        OptionalBinder.newOptionalBinder(binder(), CommandRunner.class).setDefault().to(CommonsExecCommandRunner.class);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ExecModule;
    }

    @Override
    public int hashCode() {
        return ExecModule.class.hashCode();
    }
}
