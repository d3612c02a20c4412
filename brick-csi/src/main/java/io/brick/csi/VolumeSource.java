package io.brick.csi;

import io.brick.core.error.InvalidInputException;
import io.brick.core.model.ConnectionProperties;
import io.brick.core.model.Protocol;

import java.util.LinkedHashMap;
import java.util.List;
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
 * <p>CHAP credentials belong in the RPC's {@code secrets} (a StorageClass's or PersistentVolume's node-stage secret),
 * not in publish_context, which Kubernetes keeps readable in the VolumeAttachment's status: the secrets' keys named
 * as os-brick's ({@link #CREDENTIAL_KEYS}) go into the properties, over any value the context gave. Other keys in
 * the secrets are not brick's and are left alone.
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
    /** The keys of the RPC's secrets that brick reads: os-brick's names of the CHAP credentials. */
    static final List<String> CREDENTIAL_KEYS = List.of("auth_method", "auth_username", "auth_password",
            "discovery_auth_method", "discovery_auth_username", "discovery_auth_password");

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
        return from(publishContext, volumeContext, Map.of());
    }

    /**
     * The volume's source from the RPC's maps, publish_context first, with the CHAP credentials of the RPC's secrets
     * ({@link #CREDENTIAL_KEYS}) put into its properties.
     *
     * @throws InvalidInputException as {@link #from(Map, Map)}
     */
    static VolumeSource from(Map<String, String> publishContext, Map<String, String> volumeContext,
                             Map<String, String> secrets) {
        VolumeSource source = fromContexts(publishContext, volumeContext);
        Map<String, Object> credentials = new LinkedHashMap<>();
        for (String key : CREDENTIAL_KEYS) {
            String value = secrets.get(key);
            if (value != null && !value.isEmpty()) {
                credentials.put(key, value);
            }
        }
        if (credentials.isEmpty()) {
            return source;
        }
        Map<String, Object> data = new LinkedHashMap<>(source.properties().asMap());
        data.putAll(credentials);
        return new VolumeSource(source.protocol(), ConnectionProperties.of(data), source.from() + " and secrets");
    }

    private static VolumeSource fromContexts(Map<String, String> publishContext, Map<String, String> volumeContext) {
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
