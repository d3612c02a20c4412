package io.brick.core.transport;

import io.brick.core.error.BrickException;
import io.brick.core.model.BlockDevice;
import io.brick.core.time.Deadline;

import java.util.List;

/**
 * One connect's attaching of a volume's paths, as a transport does it (log in and scan each portal, rescan the HBAs,
 * connect a controller): it reports every device it finds and the engine decides. As {@link Located}, it is what a
 * failed connect cleans up: its addresses (those not already handed back) and the transport's cleanup of them.
 *
 * <p>{@link Transport#attach} only prepares; the paths are attached from the first {@link #progress()} on, after the
 * engine has noted the devices already at the addresses (what a failed connect must never remove).
 */
public interface Attachment extends Located {
    /**
     * Whether the attachment takes the lock of each of its addresses itself, while it attaches that path (iSCSI: a
     * portal's login must not wait for another portal's). Otherwise the engine holds all of {@link #lockKeys()} for
     * the whole connect.
     */
    default boolean locksPerPath() {
        return false;
    }

    /**
     * Where it stands now. May do the transport's own work when it is due (a rescan), so the engine calls it from its
     * one waiting thread; never blocks longer than such a step.
     */
    Progress progress();

    /**
     * The engine's verdict on settled candidates it did not accept (another WWID, or none while one is expected): a
     * transport that tries its targets one after another (a single-path iSCSI connect) cleans up that target and goes
     * on to the next.
     */
    default void notAccepted(List<BlockDevice> devices) {
    }

    /**
     * Called once the map exists: waits (bounded by {@code wait}) for paths that are about to appear and would be
     * lost were the process to exit now (a portal logged in but not scanned yet).
     */
    default void settle(Deadline wait) {
    }

    /**
     * Stops whatever is still running, so that it attaches nothing more; called before a failed connect's cleanup.
     * Whatever may still be running when this returns must hold the lock of its address while it works, and check
     * that it was stopped once it holds it (the cleanup takes those locks); otherwise wait (bounded) until it has
     * ended.
     */
    void stop();

    /** Nothing acceptable was found and nothing more will come: the error that says why (login failed, no device). */
    BrickException notFound();
}
