package io.brick.testkit.host;

import io.brick.core.model.DeviceState;

import java.util.List;
import java.util.function.Function;

/** {@code multipathd show maps json} in multipath-tools 0.9.4's layout (the recordings'). */
final class MapsJson {
    private MapsJson() {
    }

    static String print(Kernel kernel, List<Kernel.MapState> maps, Function<String, String> devT) {
        StringBuilder out = new StringBuilder("{\n   \"major_version\": 0,\n   \"minor_version\": 1,\n   \"maps\": [");
        for (int m = 0; m < maps.size(); m++) {
            Kernel.MapState map = maps.get(m);
            List<Kernel.Device> paths = map.slaves.stream().map(kernel.devices::get).toList();
            boolean anyUp = kernel.anyPathUp(map);
            out.append(m == 0 ? "{\n" : ",{\n");
            field(out, 6, "name", q(map.name), true);
            field(out, 6, "uuid", q(map.wwid), true);
            field(out, 6, "sysfs", q(map.kernelName), true);
            field(out, 6, "failback", q("immediate"), true);
            field(out, 6, "queueing", q(map.queueIfNoPath ? "12 chk" : "off"), true);
            field(out, 6, "paths", Integer.toString(paths.size()), true);
            field(out, 6, "write_prot", q("rw"), true);
            field(out, 6, "dm_st", q("active"), true);
            field(out, 6, "features", q(map.queueIfNoPath ? "1 queue_if_no_path" : "0"), true);
            field(out, 6, "hwhandler", q("1 alua"), true);
            field(out, 6, "action", q(""), true);
            field(out, 6, "path_faults", "0", true);
            field(out, 6, "vend", q(map.vendor), true);
            field(out, 6, "prod", q(map.model), true);
            field(out, 6, "rev", q("4.0"), true);
            field(out, 6, "switch_grp", "0", true);
            field(out, 6, "map_loads", "1", true);
            field(out, 6, "total_q_time", "0", true);
            field(out, 6, "q_timeouts", "0", true);
            out.append("      \"path_groups\": [");
            if (!paths.isEmpty()) {
                out.append("{\n");
                field(out, 9, "selector", q("service-time 0"), true);
                field(out, 9, "pri", anyUp ? "50" : "0", true);
                field(out, 9, "dm_st", q(anyUp ? "active" : "enabled"), true);
                field(out, 9, "marginal_st", q("normal"), true);
                field(out, 9, "group", "1", true);
                out.append("         \"paths\": [");
                for (int p = 0; p < paths.size(); p++) {
                    Kernel.Device path = paths.get(p);
                    boolean up = path.state == DeviceState.RUNNING;
                    out.append(p == 0 ? "{\n" : ",{\n");
                    field(out, 12, "dev", q(path.name), true);
                    field(out, 12, "dev_t", q(devT.apply(path.name)), true);
                    field(out, 12, "dm_st", q(up ? "active" : "failed"), true);
                    field(out, 12, "dev_st", q(up || path.state == DeviceState.BLOCKED ? "running" : "offline"), true);
                    field(out, 12, "chk_st", q(up ? "ready" : "faulty"), true);
                    field(out, 12, "checker", q("tur"), true);
                    field(out, 12, "pri", "50", true);
                    field(out, 12, "host_wwnn", q("[undef]"), true);
                    field(out, 12, "target_wwnn", q(path.iqn), true);
                    field(out, 12, "host_wwpn", q("[undef]"), true);
                    field(out, 12, "target_wwpn", q("[undef]"), true);
                    Kernel.SessionState session = kernel.sessions.get(path.sid);
                    field(out, 12, "host_adapter", q(session == null ? "[undef]"
                            : kernel.localAddressFor(session.portal)), true);
                    field(out, 12, "lun_hex", q(String.format(java.util.Locale.ROOT, "0x%04x000000000000",
                            path.hctl.lun())), true);
                    field(out, 12, "marginal_st", q("normal"), false);
                    out.append("         }");
                }
                out.append("]\n      }");
            }
            out.append("]\n   }");
        }
        return out.append("]\n}\n").toString();
    }

    private static void field(StringBuilder out, int indent, String name, String value, boolean comma) {
        out.append(" ".repeat(indent)).append('"').append(name).append("\" : ").append(value)
                .append(comma ? ",\n" : "\n");
    }

    private static String q(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
