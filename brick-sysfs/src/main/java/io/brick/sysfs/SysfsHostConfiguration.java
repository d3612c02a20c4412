package io.brick.sysfs;

import io.brick.core.error.InvalidInputException;
import io.brick.core.host.HostRoot;
import io.brick.core.model.Iqn;
import io.brick.core.port.HostConfiguration;
import jakarta.inject.Inject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * {@link HostConfiguration} from the host's files under the host root: {@code etc/iscsi/initiatorname.iscsi}
 * (the first {@code InitiatorName=} line; comments and blank lines skipped) and {@code etc/hostname}.
 */
final class SysfsHostConfiguration implements HostConfiguration {
    private static final Logger log = LoggerFactory.getLogger(SysfsHostConfiguration.class);
    private static final String INITIATOR_KEY = "InitiatorName=";

    private final HostRoot root;

    @Inject
    SysfsHostConfiguration(HostRoot root) {
        this.root = requireNonNull(root, "root is null");
    }

    @Override
    public Optional<Iqn> iscsiInitiatorName() {
        Path file = Path.of(root.etc(), "iscsi", "initiatorname.iscsi");
        String text;
        try {
            text = HostFiles.readText(file);
        } catch (IOException e) {
            log.debug("no iSCSI initiator name: {} cannot be read ({})", file, HostFiles.reason(e));
            return Optional.empty();
        }
        return text.lines().map(String::strip)
                .filter(line -> line.startsWith(INITIATOR_KEY))
                .map(line -> line.substring(INITIATOR_KEY.length()).strip())
                .findFirst()
                .flatMap(value -> {
                    try {
                        return Optional.of(Iqn.of(value));
                    } catch (InvalidInputException e) {
                        log.warn("{} holds an initiator name brick cannot use: {}", file, e.getMessage());
                        return Optional.empty();
                    }
                });
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
