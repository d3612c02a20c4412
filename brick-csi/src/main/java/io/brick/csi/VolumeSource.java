package io.brick.csi;

import io.brick.core.error.InvalidInputException;
import io.brick.core.model.ConnectionProperties;
import io.brick.core.model.Protocol;

import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Where a volume comes from: its protocol and os-brick connection properties, read from the RPC's
 * {@code publish_context} (what a vendor's controller returned) or, when that has none, its {@code volume_context}
 * (a statically provisioned PersistentVolume's {@code volumeAttributes}).
 *
 * <p>Under {@value #CONNECTION_INFO_KEY}: os-brick JSON, the whole connection_info
 * ({@code {"driver_volume_type": "iscsi", "data": {...}}}) or its bare {@code data} object; with the bare form, the
 * protocol under {@value #PROTOCOL_KEY} in the same map ({@code iscsi}, {@code iser}, {@code fibre_channel}).
 *
 * @param protocol the transport
 * @param properties the connection properties, secrets included (never printed: see {@link ConnectionProperties})
 * @param from which map they came from ({@code publish_context} or {@code volume_context}), for messages
 */
record VolumeSource(Protocol protocol, ConnectionProperties properties, String from) {
    /** The key of the connection properties in publish_context or volume_context. */
    static final String CONNECTION_INFO_KEY = "brick.io/connection-info";
    /** The key of the protocol when the properties are os-brick's bare {@code data} object. */
    static final String PROTOCOL_KEY = "brick.io/protocol";

    VolumeSource {
        requireNonNull(protocol, "protocol is null");
        requireNonNull(properties, "properties is null");
        requireNonNull(from, "from is null");
    }

    /**
     * The volume's source from the RPC's maps, publish_context first.
     *
     * @throws InvalidInputException when neither map has the key, the JSON is not os-brick's, or no protocol is given
     */
    static VolumeSource from(Map<String, String> publishContext, Map<String, String> volumeContext) {
        if (publishContext.containsKey(CONNECTION_INFO_KEY)) {
            return read(publishContext, "publish_context");
        }
        if (volumeContext.containsKey(CONNECTION_INFO_KEY)) {
            return read(volumeContext, "volume_context");
        }
        throw new InvalidInputException(CONNECTION_INFO_KEY,
                "is missing from both publish_context and volume_context: the volume's os-brick connection_info goes there");
    }

    private static VolumeSource read(Map<String, String> context, String from) {
        String key = from + "[" + CONNECTION_INFO_KEY + "]";
        ConnectionProperties properties;
        try {
            properties = ConnectionProperties.parseJson(context.get(CONNECTION_INFO_KEY));
        } catch (InvalidInputException e) {
            throw e.under(key);
        }
        Optional<String> named = Optional.ofNullable(context.get(PROTOCOL_KEY)).map(String::strip)
                .filter(text -> !text.isEmpty());
        Optional<String> type = properties.driverVolumeType();
        if (named.isPresent() && type.isPresent() && !Protocol.of(named.get()).equals(Protocol.of(type.get()))) {
            throw new InvalidInputException(from + "[" + PROTOCOL_KEY + "]", "says " + named.get()
                    + " but the connection_info's driver_volume_type says " + type.get());
        }
        String protocol = type.or(() -> named).orElseThrow(() -> new InvalidInputException(from + "[" + PROTOCOL_KEY + "]",
                "is missing: with os-brick's bare data object, name the protocol (iscsi, iser, fibre_channel)"));
        return new VolumeSource(Protocol.of(protocol), properties, from);
    }
}
