package io.brick.core.transport;

import io.brick.core.model.Wwid;

import java.util.Optional;

/**
 * A volume as a transport parsed it from its connection properties: the transport's own record (iSCSI targets, FC
 * WWPNs and LUN, an NVMe subsystem and namespace) shows the engine only what every transport shares.
 */
public interface TransportVolume {
    /** How the volume is named in messages and events ({@code volume 42 (iqn...:target1 LUN 1)}). */
    String description();

    /** The WWID the caller gave ({@code scsi_wwn}, {@code multipath_id}), which every returned device must have. */
    Optional<Wwid> expectedWwid();

    /** Whether a connect must fail rather than return a single path when multipath is not available. */
    boolean enforceMultipath();
}
