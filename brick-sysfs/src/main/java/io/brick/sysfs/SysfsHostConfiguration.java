package io.brick.sysfs;

import io.brick.core.host.HostRoot;
import io.brick.core.port.HostConfiguration;
import jakarta.inject.Inject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * {@link HostConfiguration} from the host's files under the host root's {@code etc}: {@code hostname}, and the
 * files a transport asks for (brick-iscsi's {@code iscsi/initiatorname.iscsi}).
 */
final class SysfsHostConfiguration implements HostConfiguration {
    private static final Logger log = LoggerFactory.getLogger(SysfsHostConfiguration.class);

    private final HostRoot root;

    @Inject
    SysfsHostConfiguration(HostRoot root) {
        this.root = requireNonNull(root, "root is null");
    }

    @Override
    public Optional<String> etcFile(String path) {
        requireNonNull(path, "path is null");
        if (path.isEmpty() || path.startsWith("/") || path.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("not a path relative to /etc: '" + path + "'");
        }
        String[] names = path.split("/", -1);
        for (String name : names) {
            if (name.isEmpty() || name.equals(".") || name.equals("..")) {
                throw new IllegalArgumentException("not a path relative to /etc: '" + path + "'");
            }
        }
        Path file = Path.of(root.etc(), names);
        try {
            return Optional.of(HostFiles.readText(file));
        } catch (IOException e) {
            log.debug("{} cannot be read ({})", file, HostFiles.reason(e));
            return Optional.empty();
        }
    }

    @Override
    public Optional<String> hostName() {
        Path file = Path.of(root.etc(), "hostname");
        try {
            return HostFiles.readText(file).lines().map(String::strip).filter(line -> !line.isEmpty()).findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
