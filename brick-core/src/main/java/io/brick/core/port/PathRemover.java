package io.brick.core.port;

import io.brick.core.time.Deadline;

import java.util.Collection;

/**
 * Removes path devices of one address kind from the host and waits until they are gone: what the disconnect
 * pipeline does with a volume's paths after the flush. SCSI paths ({@code scsi}: a {@code delete} write each) are
 * {@link DeviceFlusher#removeDevices}'s; a transport whose paths are of another kind registers a remover for it
 * ({@code TransportBinder.addPathRemover}). A path of a kind no remover serves fails its disconnect (never removed the
 * wrong way).
 */
public interface PathRemover {
    /** The address kind this remover serves ({@link io.brick.core.model.PathAddress#kind()}). */
    String kind();

    /**
     * Removes the devices and waits until they are gone.
     *
     * @param kernelNames the path devices' kernel names, all of this kind
     * @throws io.brick.core.error.BrickException when one could not be removed within the deadline
     */
    void remove(Collection<String> kernelNames, Deadline deadline);
}
