package io.brick.csi;

import io.brick.core.bootstrap.Brick;
import io.brick.core.model.Protocol;
import io.brick.core.time.Clock;
import io.grpc.BindableService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static java.util.Objects.requireNonNull;

/**
 * brick's CSI node plugin, assembled: the Identity and Node services over one brick runtime, a state directory and a
 * {@link Mounter}. {@link #serve} puts them on a Unix socket.
 * <pre>{@code
 * try (Brick brick = Brick.builder().plugins(...).build();
 *      CsiServer server = CsiDriver.builder(brick).nodeId("node-1").stateDirectory(dir)
 *              .mounter(Mounter.commands(runner, Path.of("/proc/self/mountinfo"))).build()
 *              .serve(CsiEndpoint.parse("unix:///csi/csi.sock"))) {
 *     server.awaitTermination();
 * }
 * }</pre>
 * The runtime stays the caller's: closing the server does not close it.
 */
public final class CsiDriver {
    /** The plugin's name, as GetPluginInfo reports it and a CSIDriver object names it. */
    public static final String NAME = "io.brick.csi";
    private static final Logger log = LoggerFactory.getLogger(CsiDriver.class);

    private final IdentityService identity;
    private final NodeService node;

    private CsiDriver(Builder builder) {
        Brick brick = builder.brick;
        NodeVolumes volumes = new NodeVolumes(brick, StateStore.open(builder.stateDirectory), builder.mounter);
        this.identity = new IdentityService(NAME, version(), manifest(brick), () -> !brick.protocols().isEmpty());
        this.node = new NodeService(volumes, builder.nodeId(), brick.port(Clock.class));
    }

    /** Starts describing a driver over {@code brick}. */
    public static Builder builder(Brick brick) {
        return new Builder(brick);
    }

    /** The gRPC services: Identity and Node. */
    public List<BindableService> services() {
        return List.of(identity, node);
    }

    /** Serves the services on the endpoint. */
    public CsiServer serve(CsiEndpoint endpoint) {
        return CsiServer.start(endpoint, services());
    }

    /** brick-csi's version, from the build. */
    static String version() {
        Properties properties = new Properties();
        try (InputStream in = CsiDriver.class.getResourceAsStream("brick-csi.properties")) {
            if (in != null) {
                properties.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read brick-csi.properties", e);
        }
        return properties.getProperty("version", "unknown");
    }

    /**
     * What a storage side needs to know about this node, per installed protocol: each connector's connector
     * properties (the initiator IQN, the FC WWPNs, ...) as {@code brick.io/<protocol>.<key>}, lists joined with
     * commas. A protocol whose properties cannot be read now (no initiator name yet) is left out, with a WARN.
     */
    static Map<String, String> manifest(Brick brick) {
        Map<String, String> manifest = new TreeMap<>();
        connectorProperties(brick).forEach((protocol, properties) -> {
            String prefix = "brick.io/" + protocol.name().toLowerCase(Locale.ROOT) + ".";
            properties.forEach((key, value) -> text(value).ifPresent(text -> manifest.put(prefix + key, text)));
        });
        return manifest;
    }

    /** Each installed protocol's connector properties, in protocol order; one that cannot be read now is left out. */
    private static Map<Protocol, Map<String, Object>> connectorProperties(Brick brick) {
        Map<Protocol, Map<String, Object>> all = new LinkedHashMap<>();
        for (Protocol protocol : brick.protocols()) {
            try {
                all.put(protocol, brick.connector(protocol).connectorProperties());
            } catch (RuntimeException e) {
                log.warn("the connector properties of {} cannot be read: {}", protocol, e.getMessage());
            }
        }
        return all;
    }

    /** A property's value as text (a list joined with commas), or empty for a value that has no plain text form. */
    private static Optional<String> text(Object value) {
        if (value instanceof Collection<?> list) {
            return Optional.of(list.stream().map(String::valueOf).collect(Collectors.joining(",")));
        }
        if (value instanceof String || value instanceof Number || value instanceof Boolean) {
            return Optional.of(String.valueOf(value));
        }
        return Optional.empty();
    }

    /** The connector properties that name this node's initiators, in node_id's order. */
    private static final List<String> INITIATOR_KEYS = List.of("initiator", "wwpns", "nqn");
    /** The spec's limit on node_id. */
    private static final int MAX_NODE_ID_BYTES = 256;

    /**
     * The node's initiators as {@code key=value} pairs, from every protocol's connector properties ({@code initiator}:
     * the iSCSI IQN; {@code wwpns}: the FC ports, joined with commas; {@code nqn}: the NVMe host NQN), each key once.
     */
    static List<String> initiators(Brick brick) {
        Map<Protocol, Map<String, Object>> all = connectorProperties(brick);
        List<String> found = new ArrayList<>();
        for (String key : INITIATOR_KEYS) {
            all.values().stream()
                    .map(properties -> text(properties.get(key)).filter(value -> !value.isEmpty()))
                    .flatMap(Optional::stream)
                    .findFirst()
                    .ifPresent(value -> found.add(key + "=" + value));
        }
        return List.copyOf(found);
    }

    /** Describes a driver. Not thread-safe. */
    public static final class Builder {
        private final Brick brick;
        private String nodeId;
        private boolean withInitiators;
        private Path stateDirectory;
        private Mounter mounter;

        private Builder(Brick brick) {
            this.brick = requireNonNull(brick, "brick is null");
        }

        /** The node's ID, as NodeGetInfo reports it (the Kubernetes node name). Required. */
        public Builder nodeId(String value) {
            this.nodeId = requireNonNull(value, "nodeId is null");
            return this;
        }

        /**
         * Whether node_id carries the node's initiators after the node's ID, for a controller to register the node
         * with the storage (ControllerPublishVolume receives node_id): {@code node-1;initiator=iqn...;wwpns=0x...,0x...}
         * ({@link #initiators}). Off by default: node_id is the node's ID alone. At most 256 bytes in all, or
         * {@link #build} refuses.
         */
        public Builder nodeIdWithInitiators(boolean value) {
            this.withInitiators = value;
            return this;
        }

        private String nodeId() {
            if (!withInitiators) {
                return nodeId;
            }
            List<String> parts = new java.util.ArrayList<>(List.of(nodeId));
            parts.addAll(initiators(brick));
            return String.join(";", parts);
        }

        /** Where the state of staged volumes is kept (made {@code 0700} when missing). Required. */
        public Builder stateDirectory(Path value) {
            this.stateDirectory = requireNonNull(value, "stateDirectory is null");
            return this;
        }

        /** The mount table and file-system tools. Required. */
        public Builder mounter(Mounter value) {
            this.mounter = requireNonNull(value, "mounter is null");
            return this;
        }

        /** Builds the driver; opens (or makes) the state directory. */
        public CsiDriver build() {
            if (nodeId == null || nodeId.isBlank()) {
                throw new IllegalStateException("a node ID is required");
            }
            if (withInitiators && nodeId.contains(";")) {
                throw new IllegalStateException("a node ID with initiators cannot itself hold ';': " + nodeId);
            }
            int bytes = nodeId().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
            if (bytes > MAX_NODE_ID_BYTES) {
                throw new IllegalStateException("the node ID" + (withInitiators ? " with the node's initiators" : "")
                        + " is " + bytes + " bytes, more than the spec's " + MAX_NODE_ID_BYTES);
            }
            requireNonNull(stateDirectory, "a state directory is required");
            requireNonNull(mounter, "a mounter is required");
            return new CsiDriver(this);
        }
    }
}
