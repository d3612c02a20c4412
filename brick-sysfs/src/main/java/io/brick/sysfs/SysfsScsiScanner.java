package io.brick.sysfs;

import io.brick.core.error.HostStateException;
import io.brick.core.host.HostRoot;
import io.brick.core.model.Lun;
import io.brick.core.port.ScsiScanner;
import jakarta.inject.Inject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.OptionalInt;

import static java.util.Objects.requireNonNull;

/**
 * {@link ScsiScanner} writing {@code "C T L"} (or {@code "- - L"}) into {@code /sys/class/scsi_host/hostH/scan}, with
 * no trailing newline, as os-brick does. Never a wildcard LUN.
 */
final class SysfsScsiScanner implements ScsiScanner {
    private static final Logger log = LoggerFactory.getLogger(SysfsScsiScanner.class);

    private final HostFiles files;

    @Inject
    SysfsScsiScanner(HostRoot root) {
        this.files = new HostFiles(requireNonNull(root, "root is null"));
    }

    @Override
    public void scan(int hostNumber, OptionalInt channel, OptionalInt target, Lun lun) {
        requireNonNull(channel, "channel is null");
        requireNonNull(target, "target is null");
        requireNonNull(lun, "lun is null");
        if (hostNumber < 0) {
            throw new IllegalArgumentException("negative SCSI host number: " + hostNumber);
        }
        if (channel.isPresent() != target.isPresent()) {
            throw new IllegalArgumentException("channel and target are both given or both wildcards: channel "
                    + channel + ", target " + target);
        }
        if (channel.isPresent() && (channel.getAsInt() < 0 || target.getAsInt() < 0)) {
            throw new IllegalArgumentException("negative channel or target: " + channel + ", " + target);
        }
        String text = (channel.isPresent() ? channel.getAsInt() + " " + target.getAsInt() : "- -") + " " + lun;
        Path hostLink = files.sys("class", "scsi_host", "host" + hostNumber);
        Path host = files.realInSys(hostLink).orElseThrow(() -> new HostStateException(
                "there is no SCSI host host" + hostNumber + " to scan", Map.of("path", hostLink.toString(),
                        "host", Integer.toString(hostNumber))));
        Path scan = host.resolve("scan");
        log.debug("writing '{}' into {}", text, scan);
        try {
            HostFiles.write(scan, text);
        } catch (IOException e) {
            log.debug("writing '{}' into {} failed: {}", text, scan, HostFiles.reason(e));
            throw HostFiles.unwritable(scan, text, e);
        }
        log.debug("wrote '{}' into {}", text, scan);
    }
}
