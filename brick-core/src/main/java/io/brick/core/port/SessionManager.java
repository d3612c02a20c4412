package io.brick.core.port;

import io.brick.core.model.Iqn;
import io.brick.core.model.Portal;
import io.brick.core.model.Secret;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Transport sessions (iSCSI: through {@code iscsiadm}): discovery, node records, login and logout.
 * State is read from sysfs through {@link TopologyProvider}; this port only acts.
 */
public interface SessionManager {
    /** A node record's identity: target, portal and the open-iscsi iface it goes through. */
    record Node(Iqn target, Portal portal, String iface) {
    }

    /** One-way or mutual CHAP credentials. */
    record Chap(String method, String username, Secret password, Optional<String> usernameIn, Optional<Secret> passwordIn) {
    }

    /** Targets a portal advertises (sendtargets), with discovery CHAP when given. */
    List<Node> discover(Portal portal, String iface, Optional<Chap> discoveryChap);

    /** Whether the node record exists. */
    boolean nodeExists(Node node);

    /** Creates the node record if it is missing and sets the given settings ({@code node.session.scan = manual}, CHAP, ...). */
    void ensureNode(Node node, Map<String, String> settings, Optional<Chap> chap);

    /** Sets one setting of an existing node record. */
    void updateNode(Node node, String name, String value);

    /** Logs in to the node. */
    void login(Node node);

    /** Logs out of the node's session; no session is not an error. */
    void logout(Node node);

    /** Deletes the node record; a missing record is not an error. */
    void deleteNode(Node node);

    /** The node records open-iscsi has. */
    List<Node> nodes();
}
