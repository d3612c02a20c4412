package io.brick.core.connector;

import io.brick.core.model.AttachedVolume;
import io.brick.core.model.ConnectionProperties;
import io.brick.core.model.DevicePath;
import io.brick.core.model.Protocol;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Attaches and detaches volumes of one transport (os-brick's {@code InitiatorConnector}). Written only against
 * brick's ports; one instance serves many volumes concurrently.
 */
public interface Connector {
    /** The protocols this connector serves. */
    Set<Protocol> protocols();

    /** Attaches the volume and returns the device to use. A failed connect cleans up what it created. */
    AttachedVolume connect(ConnectionProperties properties);

    /**
     * Detaches the volume: flush, remove its devices, forget its paths, end transport sessions nobody else uses.
     *
     * @param attached the connect result, when the caller has it: it decides what was used and must be flushed
     */
    void disconnect(ConnectionProperties properties, Optional<AttachedVolume> attached, DisconnectOptions options);

    /**
     * What {@link #disconnect} would do now (flush, remove, log out) and what it would keep and why, without doing
     * anything: no command runs, nothing is written.
     */
    DisconnectPlan planDisconnect(ConnectionProperties properties, Optional<AttachedVolume> attached);

    /** Re-reads the volume's size after it grew on the storage side; returns the new size in bytes. */
    long extend(ConnectionProperties properties);

    /** The device paths the volume would have, without logging in or scanning. */
    List<DevicePath> volumePaths(ConnectionProperties properties);

    /** What the storage side needs to know about this host for this transport (initiator IQN, WWPNs, ...). */
    Map<String, Object> connectorProperties();
}
