package io.brick.testkit.host;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code iscsiadm -m session -P N} in open-iscsi 2.1.8's layout (the recordings'). */
final class SessionPrinter {
    private SessionPrinter() {
    }

    static String print(Kernel kernel, List<Kernel.SessionState> sessions, int level) {
        StringBuilder out = new StringBuilder();
        if (level >= 1) {
            out.append("iSCSI Transport Class version 2.0-870\nversion 2.1.8\n");
        }
        Map<String, List<Kernel.SessionState>> byTarget = new LinkedHashMap<>();
        for (Kernel.SessionState session : sessions) {
            byTarget.computeIfAbsent(session.iqn, key -> new ArrayList<>()).add(session);
        }
        byTarget.forEach((iqn, targetSessions) -> {
            out.append("Target: ").append(iqn).append(" (non-flash)\n");
            for (Kernel.SessionState session : targetSessions) {
                section(out, kernel, session, level);
            }
        });
        return out.toString();
    }

    private static void section(StringBuilder out, Kernel kernel, Kernel.SessionState session, int level) {
        Kernel.NodeRecord node = kernel.nodes.get(Kernel.NodeRecord.key(session.iqn, session.portal, session.iface));
        String portal = session.portal + "," + Target.TPGT;
        out.append("\tCurrent Portal: ").append(portal).append('\n');
        out.append("\tPersistent Portal: ").append(portal).append('\n');
        out.append("\t\t**********\n\t\tInterface:\n\t\t**********\n");
        out.append("\t\tIface Name: ").append(session.iface).append('\n');
        out.append("\t\tIface Transport: ").append(kernel.ifaceTransport(session.iface)).append('\n');
        out.append("\t\tIface Initiatorname: ").append(kernel.initiatorName).append('\n');
        String local = kernel.localAddressFor(session.portal);
        out.append("\t\tIface IPaddress: ").append(local).append('\n');
        out.append("\t\tIface HWaddress: default\n\t\tIface Netdev: default\n");
        out.append("\t\tSID: ").append(session.sid).append('\n');
        out.append("\t\tiSCSI Connection State: ").append(session.failed ? "TRANSPORT WAIT" : "LOGGED IN").append('\n');
        out.append("\t\tiSCSI Session State: ").append(session.failed ? "FAILED" : "LOGGED_IN").append('\n');
        out.append("\t\tInternal iscsid Session State: ").append(session.failed ? "REOPEN" : "NO CHANGE").append('\n');
        if (level < 2) {
            return;
        }
        out.append("\t\t*********\n\t\tTimeouts:\n\t\t*********\n");
        out.append("\t\tRecovery Timeout: ").append(session.recoveryTmo).append('\n');
        out.append("\t\tTarget Reset Timeout: 30\n\t\tLUN Reset Timeout: 30\n\t\tAbort Timeout: 15\n");
        out.append("\t\t*****\n\t\tCHAP:\n\t\t*****\n");
        String user = node == null ? "" : node.param("node.session.auth.username");
        String userIn = node == null ? "" : node.param("node.session.auth.username_in");
        out.append("\t\tusername: ").append(user.isEmpty() ? "<empty>" : user).append('\n');
        out.append("\t\tpassword: ********\n");
        out.append("\t\tusername_in: ").append(userIn.isEmpty() ? "<empty>" : userIn).append('\n');
        out.append("\t\tpassword_in: ********\n");
        out.append("\t\t************************\n\t\tNegotiated iSCSI params:\n\t\t************************\n");
        out.append("\t\tHeaderDigest: None\n\t\tDataDigest: None\n\t\tMaxRecvDataSegmentLength: 262144\n")
                .append("\t\tMaxXmitDataSegmentLength: 262144\n\t\tFirstBurstLength: 65536\n")
                .append("\t\tMaxBurstLength: 262144\n\t\tImmediateData: Yes\n\t\tInitialR2T: Yes\n")
                .append("\t\tMaxOutstandingR2T: 1\n");
        if (level < 3) {
            return;
        }
        out.append("\t\t************************\n\t\tAttached SCSI devices:\n\t\t************************\n");
        out.append("\t\tHost Number: ").append(session.host).append("\tState: running\n");
        List<Kernel.Device> devices = new ArrayList<>(kernel.devicesOf(session));
        devices.sort(Comparator.comparingLong(each -> each.hctl.lun()));
        for (Kernel.Device device : devices) {
            out.append("\t\tscsi").append(session.host).append(" Channel 00 Id 0 Lun: ").append(device.hctl.lun())
                    .append('\n');
            out.append("\t\t\tAttached scsi disk ").append(device.name).append("\t\tState: ")
                    .append(device.state.kernelName()).append('\n');
        }
    }
}
