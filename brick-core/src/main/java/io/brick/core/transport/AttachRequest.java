package io.brick.core.transport;

import io.brick.core.connector.ConnectorConfig;
import io.brick.core.time.Deadline;

import static java.util.Objects.requireNonNull;

/**
 * What the engine asks of a transport's {@link Transport#attach}.
 *
 * @param deadline the whole connect's budget
 * @param multipath whether the connect attaches every path for dm-multipath (the connector's {@code use_multipath});
 *                  without, one path is enough
 * @param config the connector's settings (device wait, map wait)
 */
public record AttachRequest(Deadline deadline, boolean multipath, ConnectorConfig config) {
    public AttachRequest {
        requireNonNull(deadline, "deadline is null");
        requireNonNull(config, "config is null");
    }
}
