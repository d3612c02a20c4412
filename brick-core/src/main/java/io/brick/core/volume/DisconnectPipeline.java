package io.brick.core.volume;

import io.brick.core.connector.DisconnectOptions;
import io.brick.core.model.AttachedVolume;
import io.brick.core.port.DeviceFlusher;
import io.brick.core.port.MultipathManager;
import io.brick.core.port.TopologyProvider;
import io.brick.core.event.EventPublisher;
import io.brick.core.time.Deadline;
import io.brick.core.time.Retrier;
import jakarta.inject.Inject;

import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * The one disconnect every transport uses, in this order (DESIGN §1 promises 1-3; os-brick's
 * {@code _cleanup_connection} + {@code remove_connection}, without its bugs):
 * <ol>
 *   <li><b>Flush the map</b> first ({@link MultipathManager#flushMap}, retried with backoff inside the deadline).
 *   Without {@code force}, a failed flush stops everything: nothing is removed, nothing logged out, and the
 *   {@link io.brick.core.error.FlushFailedException} says what held it.</li>
 *   <li><b>Flush a single path</b> ({@link DeviceFlusher#flushBuffers}) only when there is no map and that path is the
 *   one the caller used ({@code attached.path()}); a failure stops everything without force.</li>
 *   <li><b>Remove every path device</b> of the volume at once and wait until all are gone
 *   ({@link DeviceFlusher#removeDevices}); then remove the {@code /dev/disk/by-id} links left pointing at them.</li>
 *   <li><b>Make multipathd forget</b> the removed paths ({@link MultipathManager#forgetPaths}), when multipath is
 *   available.</li>
 *   <li><b>The transport's cleanup</b> ({@link TransportCleanup#run}): sessions no other LUN uses.</li>
 *   <li>With {@code force}, a map whose flush failed is <b>removed by its kernel name</b> ({@code dm-N};
 *   {@link MultipathManager#removeMap}) after its paths are gone.</li>
 * </ol>
 * With {@code force} every step runs whatever failed before; the failures are chained in one
 * {@link io.brick.core.error.DisconnectFailedException}, raised unless {@code ignoreErrors}; whenever anything failed
 * a WARN names the possible leftovers. Devices in {@link VolumeDevices#rejected()} (another WWID) are never flushed or
 * removed. Events: FLUSH, REMOVAL, and the transport's own.
 */
public final class DisconnectPipeline {
    private final TopologyProvider topology;
    private final DeviceFlusher flusher;
    private final Optional<MultipathManager> multipath;
    private final Retrier retrier;
    private final EventPublisher events;

    @Inject
    public DisconnectPipeline(TopologyProvider topology, DeviceFlusher flusher, Optional<MultipathManager> multipath,
                              Retrier retrier, EventPublisher events) {
        this.topology = requireNonNull(topology, "topology is null");
        this.flusher = requireNonNull(flusher, "flusher is null");
        this.multipath = requireNonNull(multipath, "multipath is null");
        this.retrier = requireNonNull(retrier, "retrier is null");
        this.events = requireNonNull(events, "events is null");
    }

    /**
     * Disconnects the volume.
     *
     * @param volume what the volume has on the host
     * @param attached the caller's connect result, if any: decides whether a single path must be flushed
     * @param options force / ignoreErrors
     * @param cleanup the transport's last step
     * @param deadline the whole operation's budget
     * @return what was done
     * @throws io.brick.core.error.FlushFailedException without force, when the flush failed (nothing was removed)
     * @throws io.brick.core.error.DisconnectFailedException with force and without ignoreErrors, when any step failed
     */
    public DisconnectPlan disconnect(VolumeDevices volume, Optional<AttachedVolume> attached, DisconnectOptions options,
                                     TransportCleanup cleanup, Deadline deadline) {
        throw new UnsupportedOperationException("not yet written");
    }

    /** What {@link #disconnect} would do now, without doing anything (no command runs, nothing is written). */
    public DisconnectPlan plan(VolumeDevices volume, Optional<AttachedVolume> attached, TransportCleanup cleanup) {
        throw new UnsupportedOperationException("not yet written");
    }
}
