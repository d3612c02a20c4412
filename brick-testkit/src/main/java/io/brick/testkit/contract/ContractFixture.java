package io.brick.testkit.contract;

import io.brick.core.bootstrap.BrickPlugin;
import io.brick.core.connector.ConnectorConfig;
import io.brick.core.model.ConnectionProperties;
import io.brick.core.model.Protocol;
import io.brick.core.model.Wwid;
import io.brick.testkit.host.SimulatedHost;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What a transport's test tells the {@link TransportContract}: how to make its volumes on the simulated host, their
 * connection properties, and how the storage side fails a path or reuses an address. Two volumes, {@code 0} and
 * {@code 1}, each with {@link #paths()} paths, share whatever the transport shares between volumes of one target
 * (iSCSI: the sessions; FC: the remote ports).
 */
public interface ContractFixture {
    /** The protocol under test. */
    Protocol protocol();

    /** The plugins of the runtime under test: the transport's, and what it needs (sysfs, multipath). */
    List<BrickPlugin> plugins(ConnectorConfig config);

    /** A simulated host in {@code dir} on which volumes 0 and 1 exist on the storage side, not attached. */
    SimulatedHost host(Path dir);

    /** How many paths each volume has on that host (the devices a multipath connect must gather). */
    int paths();

    /** The connection properties of volume {@code volume} (0 or 1), without a WWID. */
    ConnectionProperties properties(int volume);

    /** The WWID volume {@code volume} has on the storage side. */
    Wwid wwid(int volume);

    /** The storage side makes every path of the volume unreachable (a connect can only fail). */
    void failPaths(SimulatedHost host, int volume);

    /**
     * The storage side gives the volume's address (LUN, namespace) to a new volume of WWID {@code newWwid}, while the
     * host still shows the old device there until it is rescanned.
     */
    void reuseAddress(SimulatedHost host, int volume, Wwid newWwid);

    /** The storage side grows the volume to {@code sizeBytes}. */
    void grow(SimulatedHost host, int volume, long sizeBytes);

    /** Properties this transport must refuse (a missing or malformed key). */
    ConnectionProperties invalidProperties();

    /**
     * Volume 0's properties carrying a secret (CHAP), after making the storage side require it, and the secret; empty
     * when the transport has no secrets.
     */
    default Optional<Secret> withSecret(SimulatedHost host) {
        return Optional.empty();
    }

    /**
     * Properties carrying a secret.
     *
     * @param properties the connection properties
     * @param secret the secret text in them, which must never be seen
     */
    record Secret(ConnectionProperties properties, String secret) {
    }
}
