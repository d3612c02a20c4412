package io.brick.core.bootstrap;

import com.google.inject.AbstractModule;
import com.google.inject.Module;
import io.brick.core.model.Protocol;
import jakarta.inject.Inject;

import java.util.Set;

/** A plugin listed in this module's test {@code META-INF/services}, to test discovery. */
public final class DiscoverableTestPlugin implements BrickPlugin {
    static final Protocol NVMEOF = Protocol.of("nvmeof");

    @Override
    public String name() {
        return "test-discovered";
    }

    @Override
    public Set<Protocol> protocols() {
        return Set.of(NVMEOF);
    }

    @Override
    public Module module() {
        return new AbstractModule() {
            @Override
            protected void configure() {
                TransportBinder.of(binder()).addConnector(NVMEOF).to(NvmeofConnector.class);
            }
        };
    }

    static final class NvmeofConnector extends TestConnector {
        @Inject
        NvmeofConnector() {
            super(NVMEOF);
        }
    }
}
