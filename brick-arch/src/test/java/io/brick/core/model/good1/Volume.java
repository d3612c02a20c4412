package io.brick.core.model.good1;

import jakarta.inject.Inject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/** Good for rule 1: the JDK, slf4j, jakarta.inject and io.brick.core only. */
public final class Volume {
    private static final Logger log = LoggerFactory.getLogger(Volume.class);
    private final List<String> paths;
    private final io.brick.core.port.SamplePort port;

    @Inject
    public Volume(List<String> paths, io.brick.core.port.SamplePort port) {
        this.paths = List.copyOf(paths);
        this.port = port;
    }

    public int count() {
        log.debug("{} paths, {}", paths.size(), port.answer());
        return paths.size();
    }
}
