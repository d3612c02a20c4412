package io.brick.core.volume;

import io.brick.core.model.BlockDevice;
import io.brick.core.model.Wwid;

import java.util.List;
import java.util.Optional;

/**
 * DESIGN §1 promise 2, in one place: which of the devices found at a volume's addresses are the volume's.
 *
 * <ul>
 *   <li>With an expected WWID (the caller's, or the one a connect already established): exactly the devices of that
 *   WWID; every other is rejected (a stale device of a reused LUN, or the wrong volume).</li>
 *   <li>Without: the WWID of the devices that appeared during this operation ({@code fresh}) wins; pre-existing
 *   devices of another WWID are rejected as stale. If fresh devices disagree among themselves, or (no fresh device)
 *   pre-existing ones disagree, nothing is accepted: the caller raises
 *   {@link io.brick.core.error.IdentityMismatchException}.</li>
 *   <li>A device without a readable WWID is accepted only when no device has one (os-brick returns such a device
 *   with an empty {@code scsi_wwn}); otherwise it is held back (neither accepted nor rejected) until it has one.</li>
 * </ul>
 */
public final class IdentityGuard {
    private IdentityGuard() {
    }

    /**
     * The verdict on a set of devices.
     *
     * @param wwid the volume's WWID, when it could be established
     * @param accepted the volume's devices
     * @param rejected devices of another WWID (never returned, never removed as the volume's)
     * @param undecided devices without a WWID yet
     * @param conflict a description of the disagreement when nothing could be accepted for that reason
     */
    public record Verdict(Optional<Wwid> wwid, List<BlockDevice> accepted, List<BlockDevice> rejected,
                          List<BlockDevice> undecided, Optional<String> conflict) {
        public Verdict {
            accepted = List.copyOf(accepted);
            rejected = List.copyOf(rejected);
            undecided = List.copyOf(undecided);
        }
    }

    /**
     * Judges the devices.
     *
     * @param devices every device found at the volume's addresses
     * @param fresh kernel names of the devices that appeared during this operation
     * @param expected the WWID the volume must have, if known
     */
    public static Verdict judge(List<BlockDevice> devices, java.util.Set<String> fresh, Optional<Wwid> expected) {
        throw new UnsupportedOperationException("not yet written");
    }
}
