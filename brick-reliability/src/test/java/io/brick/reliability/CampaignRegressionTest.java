package io.brick.reliability;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shrunk reproductions of what the 10,000-sequence campaign of {@code .ci/run} found (seeds 2,001-12,000, first
 * run in issue 15), each a test that failed before its fix.
 */
class CampaignRegressionTest {
    @TempDir
    Path dir;

    /**
     * Seed 4965: connecting a volume again while all its paths are down (the map queueing the writes made meanwhile)
     * fails, and the failed connect's cleanup removed, forced, the paths and the map that were there before it: the
     * queued writes lost. A failed connect now removes only the devices that appeared during it.
     */
    @Test
    void a_failed_connect_of_an_attached_volume_keeps_its_map_and_queued_writes() {
        SequenceResult result = new SequenceRunner(dir).run(new Scenario(4965L, Topology.FOUR_PORTALS, true, List.of(
                Step.connect(0),
                Step.fault(new Fault(Fault.Type.ALL_PATHS_DOWN, 0, 0L)),
                Step.write(0),
                Step.connect(0))));

        assertThat(result.violations()).isEmpty();
    }

    /**
     * Seed 6048, a false positive of the checker: two disconnects of a shared target's volumes at once, the second
     * failing at its logout (iscsiadm fails once). The session it could not log out was charged to the first one,
     * which had kept it correctly (the other volume was still attached when it ran).
     */
    @Test
    void a_session_a_failed_disconnect_left_is_not_charged_to_the_other_disconnect_of_its_step() {
        SequenceResult result = new SequenceRunner(dir).run(new Scenario(6048L, Topology.SHARED_TARGET, false, List.of(
                Step.concurrently(Step.connect(1), Step.connect(2)),
                Step.fault(new Fault(Fault.Type.ISCSIADM_FAILS, 0, 1L)),
                Step.concurrently(Step.disconnect(1), Step.disconnect(2)))));

        assertThat(result.violations()).isEmpty();
    }

    /**
     * Seed 7314, a false positive of the checker: a LUN that reported volume 0's WWID (a misconfigured array) is given
     * to a new volume while the host has its devices; those stale devices go on reporting volume 0's WWID, and brick
     * rightly leaves them (it cannot tell they are its own). The checker now excuses them by LUN.
     */
    @Test
    void stale_devices_of_a_lun_reused_while_it_reported_another_wwid_are_left_alone() {
        SequenceResult result = new SequenceRunner(dir).run(new Scenario(7314L, Topology.FC_TWO_FABRICS, true, List.of(
                Step.fault(new Fault(Fault.Type.DUPLICATE_WWID, 1, 0L)),
                Step.connect(1),
                Step.fault(new Fault(Fault.Type.REUSE_LUN, 1, 0L)))));

        assertThat(result.violations()).isEmpty();
    }

    /**
     * Seed 9289 (session 8's 10,000-sequence run), a real leftover: an HBA's link comes back while a volume is attached
     * over the other fabric; the kernel scans the returning port on its own, and the path it makes appears while the
     * disconnect runs (after the disconnect found the volume's paths, before it returned: its last command, issue 18's
     * {@code multipath -w}, gave the kernel the time). The disconnect now looks at the volume's addresses again before
     * it returns and removes such a path in a second pass.
     */
    @Test
    void a_path_the_kernel_makes_while_a_disconnect_runs_is_removed_by_it() {
        SequenceResult result = new SequenceRunner(dir).run(new Scenario(9289L, Topology.FC_TWO_FABRICS, true, List.of(
                Step.fault(new Fault(Fault.Type.HBA_LINK_DOWN, 0, 0L)),
                Step.connect(0),
                Step.fault(new Fault(Fault.Type.HBA_LINK_UP, 0, 0L)),
                Step.extend(0),
                Step.disconnect(0))));

        assertThat(result.violations()).isEmpty();
    }

    /**
     * Seed 10734, a false positive of the checker: an HBA's link comes back, so its remote ports log in again and the
     * kernel scans them for every LUN; a disconnect of a volume that is not attached finds nothing and returns, and
     * the kernel's scan makes the volume's devices afterwards. Leftovers are now judged at the disconnect's return
     * (plus devices a scan it wrote could have made).
     */
    @Test
    void devices_a_kernel_scan_makes_after_a_disconnect_returned_are_not_its_leftovers() {
        SequenceResult result = new SequenceRunner(dir).run(new Scenario(10734L, Topology.FC_FOUR_PATHS, false, List.of(
                Step.fault(new Fault(Fault.Type.HBA_LINK_DOWN, 1, 0L)),
                Step.fault(new Fault(Fault.Type.HBA_LINK_UP, 1, 0L)),
                Step.concurrently(Step.connect(0), Step.disconnectForce(1)))));

        assertThat(result.violations()).isEmpty();
    }

    /**
     * Seed 5543 (second 10,000-sequence run), a false positive of the checker: a disconnect of a volume that is not
     * attached runs beside a connect of another volume of the shared target whose LUN reports the first volume's WWID;
     * the connect fails on the identity check and keeps the session and node records for the device it rejected.
     * Those were charged to the disconnect, which had returned before they existed.
     */
    @Test
    void what_another_operation_of_the_step_makes_after_a_disconnect_returned_is_not_its_leftover() {
        SequenceResult result = new SequenceRunner(dir).run(new Scenario(5543L, Topology.SHARED_TARGET, true, List.of(
                Step.fault(new Fault(Fault.Type.DUPLICATE_WWID, 2, 0L)),
                Step.concurrently(Step.connect(2), Step.disconnectForce(0)))));

        assertThat(result.violations()).isEmpty();
    }
}
