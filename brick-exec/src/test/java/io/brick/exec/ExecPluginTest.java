package io.brick.exec;

import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Stage;
import com.google.inject.multibindings.OptionalBinder;
import io.brick.core.bootstrap.BrickPlugin;
import io.brick.core.port.Command;
import io.brick.core.port.CommandResult;
import io.brick.core.port.CommandRunner;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

class ExecPluginTest {
    private static Injector injector(com.google.inject.Module... modules) {
        return Guice.createInjector(Stage.PRODUCTION, new AbstractModule() {
            @Override
            protected void configure() {
                binder().requireExplicitBindings();
                for (com.google.inject.Module module : modules) {
                    install(module);
                }
            }
        });
    }

    @Test
    void thePluginIsNamedExecAndProvidesNoProtocol() {
        ExecPlugin plugin = new ExecPlugin();

        assertThat(plugin.name()).isEqualTo("exec");
        assertThat(plugin.protocols()).isEmpty();
    }

    @Test
    void thePluginIsDiscoveredThroughTheServiceLoader() {
        List<String> names = ServiceLoader.load(BrickPlugin.class).stream()
                .map(provider -> provider.get().name()).collect(Collectors.toList());

        assertThat(names).contains("exec");
    }

    @Test
    void theModuleBindsTheProductionRunnerAsASingletonThatRunsCommands() {
        Injector injector = injector(new ExecPlugin().module());

        CommandRunner runner = injector.getInstance(CommandRunner.class);
        CommandResult result = runner.run(Command.builder("true").build());

        assertThat(runner).isInstanceOf(CommonsExecCommandRunner.class);
        assertThat(injector.getInstance(CommandRunner.class)).isSameAs(runner);
        assertThat(result.exitCode()).isZero();
        assertThat(injector.getInstance(ExecConfig.class)).isEqualTo(ExecConfig.defaults());
    }

    @Test
    void aCallersBindingTakesPrecedenceOverTheDefault() {
        CommandRunner fake = command -> new CommandResult(command.display(), 0, "fake", "", Duration.ZERO, false);
        Injector injector = injector(new ExecModule(), new AbstractModule() {
            @Override
            protected void configure() {
                OptionalBinder.newOptionalBinder(binder(), CommandRunner.class).setBinding().toInstance(fake);
                OptionalBinder.newOptionalBinder(binder(), ExecConfig.class).setBinding()
                        .toInstance(ExecConfig.defaults().withCaptureLimitBytes(42));
            }
        });

        assertThat(injector.getInstance(CommandRunner.class)).isSameAs(fake);
        assertThat(injector.getInstance(ExecConfig.class).captureLimitBytes()).isEqualTo(42);
    }

    @Test
    void installingTheModuleTwiceIsHarmless() {
        Injector injector = injector(new ExecModule(), new ExecPlugin().module());

        assertThat(injector.getInstance(CommandRunner.class)).isInstanceOf(CommonsExecCommandRunner.class);
    }
}
