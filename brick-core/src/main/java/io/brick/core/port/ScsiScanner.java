package io.brick.core.port;

import io.brick.core.model.Lun;

import java.util.OptionalInt;

/**
 * Asks the kernel to scan for exactly one LUN ({@code scsi_host/hostH/scan}). Never a bus-wide scan: the LUN is
 * always given; channel and target are wildcards ({@code -}) only while they are not known yet.
 */
public interface ScsiScanner {
    /**
     * Writes {@code "C T L"} (or {@code "- - L"} when channel and target are empty) into host H's scan file.
     *
     * @throws IllegalArgumentException when exactly one of channel and target is given
     */
    void scan(int hostNumber, OptionalInt channel, OptionalInt target, Lun lun);
}
