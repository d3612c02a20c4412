package io.brick.core.connector;

/** Stand-in for brick-core's Connector (brick-arch does not depend on brick-core). */
public interface Connector {
    void connect();
}
