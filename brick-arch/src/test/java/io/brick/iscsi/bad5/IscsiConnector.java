package io.brick.iscsi.bad5;

import io.brick.core.connector.Connector;

/** Bad for rule 5 only: a public connector. */
public class IscsiConnector implements Connector {
    @Override
    public void connect() {
    }
}
