package io.brick.cli;

import io.brick.cli.doctor.HostTopology;
import io.brick.core.model.BlockDevice;
import io.brick.fc.FcHost;
import io.brick.fc.FcRemotePort;
import io.brick.iscsi.IscsiSession;
import io.brick.core.model.MultipathMap;
import io.brick.iscsi.Portal;
import io.brick.core.model.Wwid;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** A {@link HostTopology} as the CLI shows it: a JSON-ready map, or lines of text. */
final class TopologyView {
    private TopologyView() {
    }

    static Map<String, Object> toMap(HostTopology topology) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("iscsiSessions", topology.iscsiSessions().stream().map(TopologyView::session).toList());
        map.put("devices", topology.devices().stream().map(TopologyView::device).toList());
        map.put("multipathMaps", topology.multipathMaps().stream().map(TopologyView::map).toList());
        map.put("fcHosts", topology.fcHosts().stream().map(TopologyView::fcHost).toList());
        map.put("fcRemotePorts", topology.fcRemotePorts().stream().map(TopologyView::remotePort).toList());
        return map;
    }

    static List<String> toLines(HostTopology topology) {
        List<String> lines = new ArrayList<>();
        lines.add("iSCSI sessions: " + (topology.iscsiSessions().isEmpty() ? "none" : ""));
        for (IscsiSession s : topology.iscsiSessions()) {
            lines.add(String.format(Locale.ROOT, "  session%d host%d %s portal %s tpgt %d %s", s.sessionId(), s.hostNumber(),
                    s.targetName().value(), s.currentPortal().or(s::persistentPortal).map(Portal::toString).orElse("?"),
                    s.tpgt(), s.state()));
        }
        lines.add("SCSI devices: " + (topology.devices().isEmpty() ? "none" : ""));
        for (BlockDevice d : topology.devices()) {
            lines.add(String.format(Locale.ROOT, "  %s %s wwid %s %s %s %s %s%s", d.name(), d.hctl(),
                    d.wwid().map(Wwid::value).orElse("-"), size(d.sizeBytes()), d.state().kernelName(),
                    d.vendor(), d.model(), d.holders().isEmpty() ? "" : " held by " + String.join(", ", d.holders())));
        }
        lines.add("multipath maps: " + (topology.multipathMaps().isEmpty() ? "none" : ""));
        for (MultipathMap m : topology.multipathMaps()) {
            lines.add(String.format(Locale.ROOT, "  %s %s wwid %s %s paths %s", m.kernelName(), m.name(),
                    m.wwid().map(Wwid::value).orElse("-"), size(m.sizeBytes()),
                    m.slaves().isEmpty() ? "none" : String.join(", ", m.slaves())));
        }
        lines.add("FC hosts: " + (topology.fcHosts().isEmpty() ? "none" : ""));
        for (FcHost h : topology.fcHosts()) {
            lines.add(String.format(Locale.ROOT, "  host%d port %s node %s %s at %s", h.hostNumber(), h.portName(),
                    h.nodeName(), h.portState(), h.devicePath()));
        }
        for (FcRemotePort r : topology.fcRemotePorts()) {
            lines.add(String.format(Locale.ROOT, "  %s host%d port %s node %s %s%s", r.name(), r.hostNumber(),
                    r.portName(), r.nodeName(), r.portState(),
                    r.scsiTargetId() < 0 ? " (no SCSI target)" : " target " + r.hostNumber() + ":" + r.channel() + ":"
                            + r.scsiTargetId()));
        }
        return lines;
    }

    static String size(long bytes) {
        if (bytes >= (1L << 30) && bytes % (1L << 30) == 0) {
            return (bytes >> 30) + " GiB";
        }
        if (bytes >= (1L << 20)) {
            return String.format(Locale.ROOT, "%d MiB", bytes >> 20);
        }
        return bytes + " B";
    }

    private static Map<String, Object> session(IscsiSession s) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("sessionId", s.sessionId());
        map.put("hostNumber", s.hostNumber());
        map.put("targetIqn", s.targetName().value());
        map.put("tpgt", s.tpgt());
        map.put("state", s.state());
        map.put("portal", s.currentPortal().map(Portal::toString).orElse(null));
        map.put("persistentPortal", s.persistentPortal().map(Portal::toString).orElse(null));
        map.put("iface", s.ifaceName());
        map.put("transport", s.transport());
        map.put("recoveryTimeoutSeconds", s.recoveryTimeout().map(Duration::toSeconds).orElse(null));
        return map;
    }

    private static Map<String, Object> device(BlockDevice d) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("name", d.name());
        map.put("path", d.path().path());
        map.put("hctl", d.hctl().toString());
        map.put("wwid", d.wwid().map(Wwid::value).orElse(null));
        map.put("sizeBytes", d.sizeBytes());
        map.put("state", d.state().kernelName());
        map.put("vendor", d.vendor());
        map.put("model", d.model());
        map.put("holders", d.holders());
        return map;
    }

    private static Map<String, Object> map(MultipathMap m) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("kernelName", m.kernelName());
        map.put("path", m.path().path());
        map.put("name", m.name());
        map.put("wwid", m.wwid().map(Wwid::value).orElse(null));
        map.put("paths", m.slaves());
        map.put("sizeBytes", m.sizeBytes());
        return map;
    }

    private static Map<String, Object> fcHost(FcHost h) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("hostNumber", h.hostNumber());
        map.put("portName", h.portName());
        map.put("nodeName", h.nodeName());
        map.put("portState", h.portState());
        map.put("devicePath", h.devicePath());
        return map;
    }

    private static Map<String, Object> remotePort(FcRemotePort r) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("name", r.name());
        map.put("hostNumber", r.hostNumber());
        map.put("channel", r.channel());
        map.put("portName", r.portName());
        map.put("nodeName", r.nodeName());
        map.put("portState", r.portState());
        map.put("scsiTargetId", r.scsiTargetId());
        return map;
    }
}
