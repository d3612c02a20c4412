package io.brick.iscsi;

import io.brick.core.model.Secret;
import io.brick.core.time.Deadline;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Transport sessions (iSCSI: through {@code iscsiadm}): discovery, node records, login and logout. It only acts:
 * whether a session exists, and what it carries, is read from sysfs through {@link TopologyProvider}.
 *
 * <p>Every call runs one command (discovery with CHAP: three, since iscsiadm takes discovery credentials only from a
 * discovery record), bounded by the deadline; failures are typed
 * ({@link io.brick.core.error.LoginFailedException} with a reason for logins,
 * {@link io.brick.core.error.CommandFailedException} / {@link io.brick.core.error.CommandTimeoutException} otherwise).
 * Secrets are passed as masked arguments.
 */
public interface SessionManager {
    /**
     * A node record's identity: target, portal and the open-iscsi iface it goes through.
     *
     * @param target the target's iSCSI name
     * @param portal the portal
     * @param iface the open-iscsi iface ({@code default}, {@code iser}, or a named offload iface)
     */
    record Node(Iqn target, Portal portal, String iface) {
        public Node {
            requireNonNull(target, "target is null");
            requireNonNull(portal, "portal is null");
            requireNonNull(iface, "iface is null");
        }

        /** Whether both name the same record: target as iSCSI compares names, portal case-insensitively. */
        public boolean sameRecord(Iqn otherTarget, Portal otherPortal) {
            return target.matches(otherTarget) && portal.equals(otherPortal);
        }

        @Override
        public String toString() {
            return portal + " " + target + (iface.equals("default") ? "" : " via " + iface);
        }
    }

    /**
     * CHAP credentials (os-brick's {@code auth_method}/{@code auth_username}/{@code auth_password}, and for mutual
     * CHAP the target's {@code *_in} pair).
     */
    record Chap(String method, String username, Secret password, Optional<String> usernameIn,
                Optional<Secret> passwordIn) {
        public Chap {
            requireNonNull(method, "method is null");
            requireNonNull(username, "username is null");
            requireNonNull(password, "password is null");
            requireNonNull(usernameIn, "usernameIn is null");
            requireNonNull(passwordIn, "passwordIn is null");
        }

        @Override
        public String toString() {
            return method + " " + username + (usernameIn.isPresent() ? " (mutual)" : "");
        }
    }

    /**
     * The targets a portal advertises (sendtargets), with discovery CHAP when given. Does not create or change node
     * records (open-iscsi's {@code -o nonpersistent}): discovery never clobbers the settings of existing records.
     */
    List<Node> discover(Portal portal, String iface, Optional<Chap> discoveryChap, Deadline deadline);

    /** Every node record open-iscsi has (one listing for all portals). */
    List<Node> nodes(Deadline deadline);

    /** Creates a node record (open-iscsi defaults; {@link #updateNode} sets what brick needs). */
    void createNode(Node node, Deadline deadline);

    /**
     * Sets settings of a node record in one command ({@code node.session.scan = manual}, {@code node.startup}, ...)
     * and its CHAP credentials when given.
     */
    void updateNode(Node node, Map<String, String> settings, Optional<Chap> chap, Deadline deadline);

    /**
     * Logs in. An existing session for the node counts as success.
     *
     * @throws io.brick.core.error.LoginFailedException with the reason ({@code auth}, {@code target-not-found},
     *         {@code timeout}, {@code transport}, {@code other})
     */
    void login(Node node, Deadline deadline);

    /** Logs out of the node's session; no session is not an error. */
    void logout(Node node, Deadline deadline);

    /** Deletes the node record; a missing record is not an error. */
    void deleteNode(Node node, Deadline deadline);
}
