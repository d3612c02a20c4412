package io.brick.testkit.sysfs;

import static java.util.Objects.requireNonNull;

/**
 * What {@link FakeSysfs#iscsiSession} writes for one iSCSI session: the session's attributes
 * ({@code iscsi_session/sessionN}), its one connection ({@code iscsi_connection/connectionN:0}) and its host's
 * ({@code iscsi_host/hostH}). Defaults are what open-iscsi 2.1 over iscsi_tcp shows for a logged-in session to a
 * portal on {@code 127.0.0.1:3260}; set at least {@link #target(String)}.
 */
public final class IscsiSessionSpec {
    String target = "iqn.2003-01.org.linux-iscsi.brick:target";
    int tpgt = 1;
    String address = "127.0.0.1";
    int port = 3260;
    String localAddress;
    int localPort = 50000;
    String initiatorName = FakeSysfs.DEFAULT_INITIATOR;
    String ifaceName = "default";
    String driver = "iscsi_tcp";
    String state = "LOGGED_IN";
    String targetState = "SCANNED";
    String connectionState = "up";
    int recoveryTmo = 120;
    String username = "(null)";

    IscsiSessionSpec() {
    }

    /** The target's IQN ({@code targetname}). */
    public IscsiSessionSpec target(String iqn) {
        this.target = requireNonNull(iqn, "iqn is null");
        return this;
    }

    /** The target portal group tag ({@code tpgt}), 1 by default. */
    public IscsiSessionSpec tpgt(int value) {
        this.tpgt = value;
        return this;
    }

    /**
     * The portal the session is connected to: the connection's {@code address}/{@code port} and
     * {@code persistent_address}/{@code persistent_port}, and the address in the {@code /dev/disk/by-path} names.
     */
    public IscsiSessionSpec portal(String host, int tcpPort) {
        this.address = requireNonNull(host, "host is null");
        this.port = tcpPort;
        return this;
    }

    /** The initiator's local address ({@code iscsi_host/hostH/ipaddress}); the portal's address by default. */
    public IscsiSessionSpec localAddress(String value) {
        this.localAddress = requireNonNull(value, "value is null");
        return this;
    }

    /** The connection's local TCP port ({@code local_port}). */
    public IscsiSessionSpec localPort(int value) {
        this.localPort = value;
        return this;
    }

    /** The initiator IQN the session logged in with ({@code iscsi_session/.../initiatorname}). */
    public IscsiSessionSpec initiatorName(String iqn) {
        this.initiatorName = requireNonNull(iqn, "iqn is null");
        return this;
    }

    /** The open-iscsi iface ({@code ifacename}), {@code default} by default. */
    public IscsiSessionSpec ifaceName(String value) {
        this.ifaceName = requireNonNull(value, "value is null");
        return this;
    }

    /** The SCSI host's driver ({@code scsi_host/hostH/proc_name}): {@code iscsi_tcp} by default, {@code ib_iser}. */
    public IscsiSessionSpec driver(String value) {
        this.driver = requireNonNull(value, "value is null");
        return this;
    }

    /** The session state ({@code LOGGED_IN}, {@code FAILED}, {@code FREE}). */
    public IscsiSessionSpec state(String value) {
        this.state = requireNonNull(value, "value is null");
        return this;
    }

    /** The session's {@code target_state} ({@code SCANNED}, {@code ALLOCATED}, ...). */
    public IscsiSessionSpec targetState(String value) {
        this.targetState = requireNonNull(value, "value is null");
        return this;
    }

    /** The connection state ({@code up}, {@code down}, {@code failed}). */
    public IscsiSessionSpec connectionState(String value) {
        this.connectionState = requireNonNull(value, "value is null");
        return this;
    }

    /** The session's {@code recovery_tmo} in seconds (120 from open-iscsi; multipathd sets its fast_io_fail_tmo, 5). */
    public IscsiSessionSpec recoveryTmo(int seconds) {
        this.recoveryTmo = seconds;
        return this;
    }

    /** The CHAP user name the session shows ({@code username}); {@code (null)} without CHAP. */
    public IscsiSessionSpec username(String value) {
        this.username = requireNonNull(value, "value is null");
        return this;
    }
}
