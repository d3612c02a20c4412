package io.brick.iscsi;

import io.brick.core.error.InvalidInputException;
import io.brick.core.port.HostConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Optional;

/**
 * The host's iSCSI initiator name: the first {@code InitiatorName=} line of {@code /etc/iscsi/initiatorname.iscsi}
 * (comments and blank lines skipped), read through {@link HostConfiguration#etcFile}.
 */
final class InitiatorName {
    private static final Logger log = LoggerFactory.getLogger(InitiatorName.class);
    static final String FILE = "iscsi/initiatorname.iscsi";
    private static final String KEY = "InitiatorName=";

    private InitiatorName() {
    }

    /** The initiator name; empty when the file or the line is missing, or the name is not one brick can use. */
    static Optional<Iqn> read(HostConfiguration host) {
        Optional<String> text = host.etcFile(FILE);
        if (text.isEmpty()) {
            log.debug("no iSCSI initiator name: /etc/{} cannot be read", FILE);
            return Optional.empty();
        }
        return parse(text.get());
    }

    /** The name in the file's text. */
    static Optional<Iqn> parse(String text) {
        return text.lines().map(String::strip)
                .filter(line -> line.startsWith(KEY))
                .map(line -> line.substring(KEY.length()).strip())
                .findFirst()
                .flatMap(value -> {
                    try {
                        return Optional.of(Iqn.of(value));
                    } catch (InvalidInputException e) {
                        log.warn("/etc/{} holds an initiator name brick cannot use: {}", FILE, e.getMessage());
                        return Optional.empty();
                    }
                });
    }
}
