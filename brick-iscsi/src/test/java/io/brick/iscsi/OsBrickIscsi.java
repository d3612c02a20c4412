package io.brick.iscsi;

import io.brick.core.model.ConnectionProperties;
import io.brick.testkit.host.CommandLogEntry;
import io.brick.testkit.host.Latencies;
import io.brick.testkit.host.RecordedLab;
import io.brick.testkit.host.SimulatedHost;
import io.brick.testkit.host.SysfsWrite;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Fixtures of os-brick's {@code test_iscsi.py} on the simulated host: {@code CON_PROPS} (four portals, four targets,
 * LUNs 4 to 7 of one volume) and {@code SINGLE_CON_PROPS}, and small readers of the oracle's logs.
 */
final class OsBrickIscsi {
    /** The one volume behind os-brick's {@code CON_PROPS}: LUN 4 of tgt1, LUN 5 of tgt2, and so on. */
    static final String WWN = "36001405aa11bb22cc33dd44ee55ff660";
    static final List<String> PORTALS = List.of("127.0.0.1:3260", "127.0.0.2:3260", "127.0.0.3:3260",
            "127.0.0.4:3260");
    static final List<String> IQNS = List.of("iqn.2010-10.org.openstack:tgt1", "iqn.2010-10.org.openstack:tgt2",
            "iqn.2010-10.org.openstack:tgt3", "iqn.2010-10.org.openstack:tgt4");
    static final List<Integer> LUNS = List.of(4, 5, 6, 7);
    static final String PASSWORD = "Chap-s3cret-never-logged";
    static final String DISCOVERY_PASSWORD = "Disc-s3cret-never-logged";

    private OsBrickIscsi() {
    }

    /** A host whose storage matches {@code CON_PROPS}: tgt<i> on portal <i> exposes the volume as LUN 3+i. */
    static SimulatedHost fourTargets(Path dir) {
        SimulatedHost host = SimulatedHost.builder(dir).initiatorName(RecordedLab.INITIATOR)
                .latencies(Latencies.realistic()).build();
        for (int index = 0; index < 4; index++) {
            host.storage().target(IQNS.get(index)).portal(PORTALS.get(index)).lun(LUNS.get(index), WWN, 1L << 30);
        }
        return host;
    }

    /** os-brick's {@code CON_PROPS}, with {@code luns} as {@code target_luns}. */
    static ConnectionProperties conProps(List<Integer> luns) {
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("volume_id", "vol_id");
        props.put("target_portal", PORTALS.get(0));
        props.put("target_iqn", IQNS.get(0));
        props.put("target_lun", luns.get(0));
        props.put("target_portals", PORTALS);
        props.put("target_iqns", IQNS);
        props.put("target_luns", luns);
        return ConnectionProperties.of(props);
    }

    static ConnectionProperties conProps() {
        return conProps(LUNS);
    }

    /** {@code props} plus os-brick's CHAP keys ({@code auth_method}, {@code auth_username}, {@code auth_password}). */
    static ConnectionProperties withChap(ConnectionProperties props) {
        Map<String, Object> map = new LinkedHashMap<>(props.asMap());
        map.put("auth_method", "CHAP");
        map.put("auth_username", "user");
        map.put("auth_password", PASSWORD);
        return ConnectionProperties.of(map);
    }

    /** {@code props} plus os-brick's discovery CHAP keys. */
    static ConnectionProperties withDiscoveryChap(ConnectionProperties props) {
        Map<String, Object> map = new LinkedHashMap<>(props.asMap());
        map.put("discovery_auth_method", "CHAP");
        map.put("discovery_auth_username", "duser");
        map.put("discovery_auth_password", DISCOVERY_PASSWORD);
        return ConnectionProperties.of(map);
    }

    /** {@code props} with one more key. */
    static ConnectionProperties with(ConnectionProperties props, String key, Object value) {
        Map<String, Object> map = new LinkedHashMap<>(props.asMap());
        map.put(key, value);
        return ConnectionProperties.of(map);
    }

    /** The argv of each entry, joined by spaces (secrets already masked by the oracle). */
    static List<String> argv(List<CommandLogEntry> entries) {
        return entries.stream().map(entry -> String.join(" ", entry.argv())).toList();
    }

    /** The iscsiadm command lines only. */
    static List<String> iscsiadm(List<CommandLogEntry> entries) {
        return argv(entries).stream().filter(line -> line.startsWith("iscsiadm ")).toList();
    }

    /** The node-command prefix brick uses for one record. */
    static String node(String iqn, String portal, String iface) {
        return "iscsiadm -m node -T " + iqn + " -p " + portal + " --interface " + iface;
    }

    /** The writes into SCSI hosts' {@code scan} files. */
    static List<SysfsWrite> scans(SimulatedHost host) {
        return host.oracle().sysfsWrites().stream().filter(write -> write.path().endsWith("/scan")).toList();
    }

    /** Runs a command on the simulated host as an administrator would (set-up, not brick). */
    static void run(SimulatedHost host, String... argv) {
        host.run(argv);
    }
}
