package io.brick.testkit.host;

import io.brick.testkit.host.Invocation.Output;
import io.brick.testkit.snapshot.Recordings;
import io.brick.testkit.snapshot.Snapshot;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * iscsiadm 2.1.8 as the simulated host answers it: the modes, options, messages and exit codes of open-iscsi
 * ({@code include/iscsi_err.h}: 0, 6, 7, 8, 15, 19, 21, 24, 255 ...), output formats from the recordings.
 */
final class Iscsiadm {
    static final int ERR_IDBM = 6;
    static final int ERR_INVAL = 7;
    static final int ERR_TRANS_TIMEOUT = 8;
    static final int ERR_SESS_EXISTS = 15;
    static final int ERR_FATAL_LOGIN = 19;
    static final int ERR_NO_OBJS_FOUND = 21;
    static final int ERR_LOGIN_AUTH_FAILED = 24;
    static final int ERR_TRANS = 4;

    private static final Map<Integer, String> ERRORS = Map.of(1, "unknown error", 4,
            "encountered connection failure", 6, "encountered iSCSI database failure", 8, "connection timed out",
            15, "session exists", 19, "encountered non-retryable iSCSI login failure", 21, "no objects found", 24,
            "iSCSI login failed due to authorization failure", 255, "unknown error");
    private static final Set<String> WITH_VALUE = Set.of("-m", "--mode", "-T", "--targetname", "-p", "--portal", "-I",
            "--interface", "-o", "--op", "-n", "--name", "-v", "--value", "-t", "--type", "-P", "--print", "-r",
            "--sid");
    private static final Map<String, String> LONG = Map.ofEntries(Map.entry("--mode", "-m"),
            Map.entry("--targetname", "-T"), Map.entry("--portal", "-p"), Map.entry("--interface", "-I"),
            Map.entry("--op", "-o"), Map.entry("--name", "-n"), Map.entry("--value", "-v"), Map.entry("--type", "-t"),
            Map.entry("--print", "-P"), Map.entry("--sid", "-r"), Map.entry("--login", "-l"),
            Map.entry("--logout", "-u"), Map.entry("--rescan", "-R"), Map.entry("--show", "-S"));
    private static final Set<String> FLAGS = Set.of("-l", "-u", "-R", "-S", "--discover");

    private final Kernel kernel;
    private final List<String> masked;

    Iscsiadm(Kernel kernel, List<String> masked) {
        this.kernel = kernel;
        this.masked = masked;
    }

    /** Parses {@code argv} (program first) into what it will do. */
    Invocation parse(List<String> argv) {
        Options options = options(argv);
        String mode = options.single("-m").orElseThrow(() -> unexpected("no -m"));
        Latencies latencies = kernel.latencies;
        Duration latency = switch (mode) {
            case "node" -> options.has("-l") ? latencies.iscsiadmLogin()
                    : options.has("-u") ? latencies.iscsiadmLogout() : latencies.iscsiadmOther();
            case "session" -> options.has("-u") ? latencies.iscsiadmLogout() : latencies.iscsiadmOther();
            case "discovery", "discoverydb" -> options.has("--discover") || "discovery".equals(mode)
                    ? latencies.iscsiadmDiscovery() : latencies.iscsiadmOther();
            case "iface" -> latencies.iscsiadmOther();
            default -> throw unexpected("unknown mode " + mode);
        };
        if ("node".equals(mode) && options.has("-l")) {
            Optional<String> portal = options.single("-p").map(Iscsiadm::normalisePortal);
            if (portal.isPresent() && kernel.faults.hangs(portal.get())) {
                kernel.oracle.fire(FaultKind.LOGIN_HANGS, portal.get());
                latency = Invocation.FOREVER;
            }
            Optional<Duration> slowLogin = portal.flatMap(kernel.faults::slowLogin);
            if (slowLogin.isPresent() && !latency.equals(Invocation.FOREVER)) {
                kernel.oracle.fire(FaultKind.SLOW_LOGIN, portal.get());
                latency = latency.plus(slowLogin.get());
            }
        }
        Optional<Duration> slow = kernel.faults.slowIscsiadm();
        if (slow.isPresent()) {
            kernel.oracle.fire(FaultKind.SLOW_ISCSIADM, String.join(" ", masked));
            latency = latency.plus(slow.get());
        }
        Invocation.Output invalid = validate(mode, options);
        return new Invocation(latency, () -> {
            if (invalid != null) {
                return invalid;
            }
            OptionalInt failure = kernel.faults.iscsiadmFailure();
            if (failure.isPresent()) {
                kernel.oracle.fire(FaultKind.ISCSIADM_FAILS, failure.getAsInt() + ": " + String.join(" ", masked));
                int code = failure.getAsInt();
                return Output.fail(code, "iscsiadm: initiator reported error (" + code + " - "
                        + ERRORS.getOrDefault(code, "unknown error") + ")\n");
            }
            return switch (mode) {
                case "node" -> node(options);
                case "session" -> session(options);
                case "discovery" -> discovery(options, false);
                case "discoverydb" -> discovery(options, true);
                default -> iface(options);
            };
        });
    }

    /** Checks option combinations before anything runs: a malformed call fails the test, as brick must not send it. */
    private Output validate(String mode, Options options) {
        if (options.has("-l") && options.has("-u")) {
            return Output.fail(ERR_INVAL, "iscsiadm: Invalid parameters. Both login and logout passed in\n");
        }
        if ((options.has("-l") || options.has("-u")) && !options.all("-o").isEmpty()) {
            return Output.fail(ERR_INVAL, "iscsiadm: Invalid parameters. Login/logout and op passed in\n");
        }
        if (options.all("-n").size() != options.all("-v").size()) {
            throw unexpected("-n and -v come in pairs");
        }
        if (("discovery".equals(mode) || "discoverydb".equals(mode)) && options.single("-t").isPresent()) {
            String type = options.single("-t").get();
            if (!"sendtargets".equals(type) && !"st".equals(type)) {
                throw unexpected("only sendtargets discovery is simulated");
            }
        }
        return null;
    }

    // ------------------------------------------------------------------------------------------- -m node

    private Output node(Options options) {
        Optional<String> iqn = options.single("-T");
        Optional<String> portal = options.single("-p").map(Iscsiadm::normalisePortal);
        Optional<String> iface = options.single("-I");
        List<String> ops = options.all("-o");
        String op = ops.isEmpty() ? "" : ops.get(0);
        if ("new".equals(op)) {
            if (iqn.isEmpty() || portal.isEmpty()) {
                throw unexpected("--op new needs -T and -p");
            }
            return nodeNew(iqn.get(), portal.get(), iface.orElse("default"));
        }
        List<Kernel.NodeRecord> matching = kernel.nodes.values().stream()
                .filter(each -> iqn.map(each.iqn()::equals).orElse(true)
                        && portal.map(each.portal()::equals).orElse(true)
                        && iface.map(each.iface()::equals).orElse(true))
                .toList();
        if (options.has("-u")) {
            return logout(kernel.sessionsTo(iqn.orElse(null), portal.orElse(null), iface.orElse(null)));
        }
        if (options.has("-l")) {
            if (matching.isEmpty()) {
                return Output.fail(ERR_NO_OBJS_FOUND, "iscsiadm: No records found\n");
            }
            return login(matching);
        }
        if (options.has("-R")) {
            throw unexpected("node rescan is a bus-wide scan brick must not use");
        }
        boolean filtered = iqn.isPresent() || portal.isPresent() || iface.isPresent();
        if (op.isEmpty() && !filtered) {
            if (kernel.nodes.isEmpty()) {
                return Output.fail(ERR_NO_OBJS_FOUND, "iscsiadm: No records found\n");
            }
            StringBuilder out = new StringBuilder();
            if (options.single("-P").filter("1"::equals).isPresent()) {
                // open-iscsi's print_nodes_tree: a target line once per run of its records, each portal with its iface
                String last = null;
                for (Kernel.NodeRecord node : kernel.nodes.values()) {
                    if (!node.iqn().equals(last)) {
                        out.append("Target: ").append(node.iqn()).append('\n');
                        last = node.iqn();
                    }
                    out.append("\tPortal: ").append(node.portal()).append(',')
                            .append(Integer.toUnsignedString(node.tpgt())).append('\n')
                            .append("\t\tIface Name: ").append(node.iface()).append('\n');
                }
                return Output.ok(out.toString());
            }
            for (Kernel.NodeRecord node : kernel.nodes.values()) {
                out.append(node.portal()).append(',').append(Integer.toUnsignedString(node.tpgt())).append(' ')
                        .append(node.iqn()).append('\n');
            }
            return Output.ok(out.toString());
        }
        if (matching.isEmpty()) {
            return Output.fail(ERR_NO_OBJS_FOUND, "iscsiadm: No records found\n");
        }
        switch (op) {
            case "", "show" -> {
                StringBuilder out = new StringBuilder();
                matching.forEach(node -> out.append(NodeTemplate.print(node, kernel.ifaceTransport(node.iface()),
                        options.has("-S"))));
                return Output.ok(out.toString());
            }
            case "update" -> {
                List<String> names = options.all("-n");
                List<String> values = options.all("-v");
                if (names.isEmpty()) {
                    return Output.fail(ERR_INVAL, "iscsiadm: update requires name and value\n");
                }
                for (int i = 0; i < names.size(); i++) {
                    String name = names.get(i);
                    if (name.startsWith("iface.") && !"iface.transport_name".equals(name)) {
                        return Output.fail(ERR_INVAL, "iscsiadm: Cannot modify " + name
                                + ". Use iface mode to update this value.\n");
                    }
                    if (!NodeTemplate.knows(name)) {
                        return Output.fail(ERR_INVAL, "iscsiadm: Cannot modify " + name + ". Invalid param name.\n");
                    }
                }
                for (Kernel.NodeRecord node : matching) {
                    for (int i = 0; i < names.size(); i++) {
                        node.param(names.get(i), normaliseValue(names.get(i), values.get(i)));
                    }
                }
                return Output.ok("");
            }
            case "delete" -> {
                for (Kernel.NodeRecord node : matching) {
                    if (!kernel.sessionsTo(node.iqn(), node.portal(), node.iface()).isEmpty()) {
                        String[] parts = Kernel.splitPortal(node.portal());
                        return Output.fail(ERR_SESS_EXISTS, "iscsiadm: This command will remove the record [iface: "
                                + node.iface() + ", target: " + node.iqn() + ", portal: " + parts[0] + ","
                                + parts[1] + "], but a session is using it. Logout session then rerun command to "
                                + "remove record.\niscsiadm: Could not execute operation on all records: session "
                                + "exists\n");
                    }
                }
                matching.forEach(node -> kernel.nodes.remove(node.key()));
                return Output.ok("");
            }
            default -> throw unexpected("unknown node op " + op);
        }
    }

    private Output nodeNew(String iqn, String portal, String iface) {
        if (!kernel.knowsIface(iface)) {
            return Output.fail(ERR_IDBM, "iscsiadm: Could not read iface " + iface + ". Error " + ERR_IDBM
                    + "\niscsiadm: Error while adding record: encountered iSCSI database failure\n");
        }
        String key = Kernel.NodeRecord.key(iqn, portal, iface);
        Kernel.NodeRecord node = kernel.nodes.get(key);
        if (node == null) {
            node = newNode(iqn, portal, iface, -1, Optional.empty());
            kernel.nodes.put(key, node);
        }
        String[] parts = Kernel.splitPortal(portal);
        Kernel.IfaceRecord own = kernel.ifaces.get(iface);
        String hw = own == null ? "" : own.params.get("iface.hwaddress");
        String ip = own == null ? "" : own.params.get("iface.ipaddress");
        String net = own == null ? "" : own.params.get("iface.net_ifacename");
        return Output.ok("New iSCSI node [" + kernel.ifaceTransport(iface) + ":[hw=" + hw + ",ip=" + ip + ",net_if="
                + net + ",iscsi_if=" + iface + "] " + parts[0] + "," + parts[1] + "," + node.tpgt() + " " + iqn
                + "] added\n");
    }

    private Kernel.NodeRecord newNode(String iqn, String portal, String iface, int tpgt, Optional<String> discovery) {
        Kernel.NodeRecord node = new Kernel.NodeRecord(iqn, portal, iface, tpgt);
        node.param("node.session.scan", kernel.defaultScan());
        String[] parts = Kernel.splitPortal(discovery.orElse(portal));
        node.param("node.discovery_address", discovery.isPresent() ? parts[0] : "");
        node.param("node.discovery_port", discovery.isPresent() ? parts[1] : "0");
        node.param("node.discovery_type", discovery.isPresent() ? "send_targets" : "static");
        String[] own = Kernel.splitPortal(portal);
        node.param("node.conn[0].address", own[0]);
        node.param("node.conn[0].port", own[1]);
        return node;
    }

    // ------------------------------------------------------------------------------------------- login / logout

    private Output login(List<Kernel.NodeRecord> records) {
        StringBuilder out = new StringBuilder();
        StringBuilder err = new StringBuilder();
        int rc = 0;
        for (Kernel.NodeRecord node : records) {
            String[] parts = Kernel.splitPortal(node.portal());
            String what = "[iface: " + node.iface() + ", target: " + node.iqn() + ", portal: " + parts[0] + ","
                    + parts[1] + "]";
            if (!kernel.sessionsTo(node.iqn(), node.portal(), node.iface()).isEmpty()) {
                err.append("iscsiadm: ").append(node.iface()).append(": 1 session requested, but 1 already present.\n");
                rc = rc == 0 ? ERR_SESS_EXISTS : rc;
                continue;
            }
            out.append("Logging in to ").append(what).append('\n');
            int code = loginCode(node);
            if (code == 0) {
                Target target = kernel.storage.find(node.iqn()).orElseThrow();
                kernel.login(node, target);
                out.append("Login to ").append(what).append(" successful.\n");
                if (kernel.faults.takeDownAfterLogin(node.portal())) {
                    kernel.oracle.fire(FaultKind.PATH_DOWN_AFTER_LOGIN, node.portal());
                    kernel.pathDown(node.portal());
                }
            } else {
                err.append("iscsiadm: Could not login to ").append(what).append(".\n")
                        .append("iscsiadm: initiator reported error (").append(code).append(" - ")
                        .append(ERRORS.get(code)).append(")\n");
                rc = rc == 0 ? code : rc;
            }
        }
        if (rc != 0) {
            err.append("iscsiadm: Could not log into all portals\n");
        }
        return new Output(rc, out.toString(), err.toString());
    }

    private int loginCode(Kernel.NodeRecord node) {
        String portal = node.portal();
        Optional<Faults.Reason> refused = kernel.faults.refusal(portal);
        if (refused.isPresent()) {
            kernel.oracle.fire(FaultKind.LOGIN_REFUSED, portal + " " + refused.get());
            if (refused.get() == Faults.Reason.AUTH) {
                return ERR_LOGIN_AUTH_FAILED;
            }
            return kernel.portalsDown.contains(portal) ? ERR_TRANS_TIMEOUT : ERR_FATAL_LOGIN;
        }
        if (kernel.faults.flakyFails(portal)) {
            kernel.oracle.fire(FaultKind.FLAKY_LOGIN, portal);
            return ERR_TRANS_TIMEOUT;
        }
        if (kernel.portalsDown.contains(portal) || kernel.storage.at(portal).isEmpty()) {
            return ERR_TRANS_TIMEOUT;
        }
        Optional<Target> target = kernel.storage.find(node.iqn())
                .filter(each -> each.portalsInternal().contains(portal));
        if (target.isEmpty()) {
            return ERR_FATAL_LOGIN;
        }
        if (!target.get().allows(kernel.initiatorName)) {
            return ERR_LOGIN_AUTH_FAILED;
        }
        if (target.get().chapInternal().isPresent()) {
            Target.Credentials chap = target.get().chapInternal().get();
            boolean chapOn = "CHAP".equals(node.param("node.session.auth.authmethod"));
            if (!chapOn || !chap.user().equals(node.param("node.session.auth.username"))
                    || !chap.password().equals(node.param("node.session.auth.password"))) {
                return ERR_LOGIN_AUTH_FAILED;
            }
            Optional<Target.Credentials> mutual = target.get().mutualChapInternal();
            if (mutual.isPresent() && (!mutual.get().user().equals(node.param("node.session.auth.username_in"))
                    || !mutual.get().password().equals(node.param("node.session.auth.password_in")))) {
                return ERR_LOGIN_AUTH_FAILED;
            }
        }
        return 0;
    }

    private Output logout(List<Kernel.SessionState> sessions) {
        if (sessions.isEmpty()) {
            return Output.fail(ERR_NO_OBJS_FOUND, "iscsiadm: No matching sessions found\n");
        }
        StringBuilder out = new StringBuilder();
        for (Kernel.SessionState session : sessions) {
            String[] parts = Kernel.splitPortal(session.portal);
            String what = "[sid: " + session.sid + ", target: " + session.iqn + ", portal: " + parts[0] + ","
                    + parts[1] + "]";
            out.append("Logging out of session ").append(what).append('\n');
            kernel.logout(session);
            out.append("Logout of ").append(what).append(" successful.\n");
        }
        return Output.ok(out.toString());
    }

    // ------------------------------------------------------------------------------------------- -m session

    private Output session(Options options) {
        Optional<String> sid = options.single("-r");
        List<Kernel.SessionState> sessions = new ArrayList<>(kernel.sessions.values());
        if (sid.isPresent()) {
            int id;
            try {
                id = Integer.parseInt(sid.get());
            } catch (NumberFormatException e) {
                return Output.fail(ERR_INVAL, "iscsiadm: invalid sid '" + sid.get() + "'\n");
            }
            sessions.removeIf(each -> each.sid != id);
            if (sessions.isEmpty()) {
                return Output.fail(ERR_NO_OBJS_FOUND, "iscsiadm: Could not get session info for sid " + id + "\n");
            }
        }
        if (options.has("-u")) {
            return logout(sessions);
        }
        if (options.has("-R")) {
            throw unexpected("session rescan is a bus-wide scan brick must not use");
        }
        if (!options.all("-o").isEmpty() || options.has("-l")) {
            throw unexpected("session mode takes no op and no login");
        }
        if (sessions.isEmpty()) {
            return Output.fail(ERR_NO_OBJS_FOUND, "iscsiadm: No active sessions.\n");
        }
        int level = options.single("-P").map(Integer::parseInt).orElse(-1);
        if (level < 0) {
            StringBuilder out = new StringBuilder();
            for (Kernel.SessionState session : sessions) {
                out.append(kernel.ifaceTransport(session.iface)).append(": [").append(session.sid).append("] ")
                        .append(session.portal).append(',').append(Target.TPGT).append(' ').append(session.iqn)
                        .append(" (non-flash)\n");
            }
            return Output.ok(out.toString());
        }
        return Output.ok(SessionPrinter.print(kernel, sessions, level));
    }

    // ------------------------------------------------------------------------------------------- discovery

    private Output discovery(Options options, boolean db) {
        String portal = options.single("-p").map(Iscsiadm::normalisePortal)
                .orElseThrow(() -> unexpected("discovery needs -p"));
        String iface = options.single("-I").orElse("default");
        if (!kernel.knowsIface(iface)) {
            return Output.fail(ERR_IDBM, "iscsiadm: Could not read iface info for " + iface + ".\n");
        }
        List<String> ops = options.all("-o");
        Kernel.DiscoveryRecord record = kernel.discoveryRecords.get(portal);
        if (db && !options.has("--discover")) {
            String op = ops.isEmpty() ? "show" : ops.get(0);
            switch (op) {
                case "new" -> {
                    kernel.discoveryRecords.putIfAbsent(portal, new Kernel.DiscoveryRecord(portal));
                    String[] parts = Kernel.splitPortal(portal);
                    return Output.ok("New discovery record for [" + parts[0] + "," + parts[1] + "] added.\n");
                }
                case "update" -> {
                    if (record == null) {
                        return Output.fail(ERR_IDBM, "iscsiadm: Discovery record [" + portal.replace(':', ',')
                                + "] not found.\n");
                    }
                    List<String> names = options.all("-n");
                    List<String> values = options.all("-v");
                    for (int i = 0; i < names.size(); i++) {
                        record.params.put(names.get(i), values.get(i));
                    }
                    return Output.ok("");
                }
                case "delete" -> {
                    if (record == null) {
                        return Output.fail(ERR_IDBM, "iscsiadm: Discovery record [" + portal.replace(':', ',')
                                + "] not found.\n");
                    }
                    kernel.discoveryRecords.remove(portal);
                    return Output.ok("");
                }
                case "show" -> {
                    if (record == null) {
                        return Output.fail(ERR_IDBM, "iscsiadm: Discovery record [" + portal.replace(':', ',')
                                + "] not found.\n");
                    }
                    StringBuilder out = new StringBuilder("# BEGIN RECORD 2.1.8\n");
                    String[] parts = Kernel.splitPortal(portal);
                    out.append("discovery.startup = manual\ndiscovery.type = sendtargets\n")
                            .append("discovery.sendtargets.address = ").append(parts[0]).append('\n')
                            .append("discovery.sendtargets.port = ").append(parts[1]).append('\n');
                    for (String key : List.of("authmethod", "username", "password", "username_in", "password_in")) {
                        String name = "discovery.sendtargets.auth." + key;
                        String value = record.params.getOrDefault(name, key.equals("authmethod") ? "None" : "");
                        out.append(name).append(" = ").append(key.startsWith("password") && !value.isEmpty()
                                ? "********" : value.isEmpty() ? "<empty>" : value).append('\n');
                    }
                    return Output.ok(out.append("# END RECORD\n").toString());
                }
                default -> throw unexpected("unknown discoverydb op " + op);
            }
        }
        if (db && record == null) {
            return Output.fail(ERR_IDBM, "iscsiadm: Discovery record [" + portal.replace(':', ',')
                    + "] not found.\n");
        }
        String[] parts = Kernel.splitPortal(portal);
        if (kernel.portalsDown.contains(portal) || kernel.storage.at(portal).isEmpty()) {
            return Output.fail(ERR_TRANS, "iscsiadm: cannot make connection to " + parts[0] + ": Connection refused\n"
                    + "iscsiadm: connection login retries (reopen_max) 5 exceeded\n"
                    + "iscsiadm: Could not perform SendTargets discovery: encountered connection failure\n");
        }
        List<Target> targets = kernel.storage.at(portal);
        for (Target target : targets) {
            Optional<Target.Credentials> chap = target.discoveryChapInternal();
            if (chap.isPresent()) {
                Map<String, String> params = record == null ? Map.of() : record.params;
                boolean ok = "CHAP".equals(params.get("discovery.sendtargets.auth.authmethod"))
                        && chap.get().user().equals(params.get("discovery.sendtargets.auth.username"))
                        && chap.get().password().equals(params.get("discovery.sendtargets.auth.password"));
                if (!ok) {
                    return Output.fail(ERR_LOGIN_AUTH_FAILED, "iscsiadm: Login failed to authenticate with target \n"
                            + "iscsiadm: discovery login to " + parts[0] + " rejected: initiator failed "
                            + "authorization\n\niscsiadm: Could not perform SendTargets discovery: iSCSI login "
                            + "failed due to authorization failure\n");
                }
            }
        }
        StringBuilder out = new StringBuilder();
        boolean persistent = !ops.contains("nonpersistent");
        int found = 0;
        for (Target target : targets) {
            if (!target.allows(kernel.initiatorName)) {
                continue;
            }
            for (String each : target.portalsInternal()) {
                found++;
                out.append(each).append(',').append(Target.TPGT).append(' ').append(target.iqn()).append('\n');
                if (persistent) {
                    String key = Kernel.NodeRecord.key(target.iqn(), each, iface);
                    Kernel.NodeRecord node = kernel.nodes.get(key);
                    if (node == null) {
                        kernel.nodes.put(key, newNode(target.iqn(), each, iface, Target.TPGT, Optional.of(portal)));
                    } else {
                        node.tpgt(Target.TPGT);
                    }
                }
            }
        }
        if (found == 0) {
            return Output.fail(ERR_NO_OBJS_FOUND, "iscsiadm: No portals found\n");
        }
        return Output.ok(out.toString());
    }

    // ------------------------------------------------------------------------------------------- -m iface

    private Output iface(Options options) {
        Optional<String> name = options.single("-I");
        List<String> ops = options.all("-o");
        String op = ops.isEmpty() ? "" : ops.get(0);
        if (name.isEmpty()) {
            if (!op.isEmpty() && !"show".equals(op)) {
                throw unexpected("iface op " + op + " needs -I");
            }
            // open-iscsi's flat listing: name transport,hwaddress,ipaddress,net_ifacename,initiatorname
            StringBuilder out = new StringBuilder();
            for (String each : allIfaces()) {
                Map<String, String> values = ifaceValues(each);
                out.append(each).append(' ').append(values.get("iface.transport_name"));
                for (String key : List.of("iface.hwaddress", "iface.ipaddress", "iface.net_ifacename",
                        "iface.initiatorname")) {
                    String value = values.get(key);
                    out.append(',').append(value.isEmpty() ? "<empty>" : value);
                }
                out.append('\n');
            }
            return Output.ok(out.toString());
        }
        String iface = name.get();
        boolean builtin = "default".equals(iface) || "iser".equals(iface);
        switch (op) {
            case "new" -> {
                if (builtin) {
                    throw unexpected("the builtin iface " + iface + " is not made anew");
                }
                if (!kernel.sessionsTo(null, null, iface).isEmpty()) {
                    return Output.fail(ERR_SESS_EXISTS, "iscsiadm: Could not create new interface " + iface + ".\n");
                }
                // a new record has the defaults, over one that was there
                kernel.ifaces.put(iface, new Kernel.IfaceRecord(iface));
                return Output.ok("New interface " + iface + " added\n");
            }
            case "update" -> {
                if (builtin) {
                    throw unexpected("the builtin iface " + iface + " is not updated");
                }
                Kernel.IfaceRecord record = kernel.ifaces.get(iface);
                if (record == null) {
                    return Output.fail(ERR_INVAL, "iscsiadm: Could not update iface " + iface
                            + ": invalid parameter\n");
                }
                List<String> names = options.all("-n");
                List<String> values = options.all("-v");
                if (names.isEmpty()) {
                    return Output.fail(ERR_INVAL, "iscsiadm: update requires name and value\n");
                }
                for (int i = 0; i < names.size(); i++) {
                    if (!record.params.containsKey(names.get(i))) {
                        throw unexpected("iface setting " + names.get(i) + " is not simulated");
                    }
                    if ("iface.transport_name".equals(names.get(i)) && !"tcp".equals(values.get(i))
                            && !"iser".equals(values.get(i))) {
                        throw unexpected("only the tcp and iser transports are simulated");
                    }
                }
                for (int i = 0; i < names.size(); i++) {
                    record.params.put(names.get(i), values.get(i));
                }
                return Output.ok(iface + " updated.\n");
            }
            case "", "show" -> {
                if (!kernel.knowsIface(iface)) {
                    return Output.fail(ERR_IDBM, "iscsiadm: Could not read iface " + iface + " (" + ERR_IDBM
                            + ").\n");
                }
                StringBuilder out = new StringBuilder("# BEGIN RECORD 2.1.8\n");
                out.append("iface.iscsi_ifacename = ").append(iface).append('\n');
                ifaceValues(iface).forEach((key, value) -> out.append(key).append(" = ")
                        .append(value.isEmpty() ? "<empty>" : value).append('\n'));
                return Output.ok(out.append("# END RECORD\n").toString());
            }
            default -> throw unexpected("iface op " + op + " is not simulated");
        }
    }

    /** The builtin ifaces, then the operator's in the order they were made. */
    private List<String> allIfaces() {
        List<String> all = new ArrayList<>(List.of("default", "iser"));
        all.addAll(kernel.ifaces.keySet());
        return all;
    }

    /** An iface's settings as its record prints them (empty where unset). */
    private Map<String, String> ifaceValues(String iface) {
        Kernel.IfaceRecord own = kernel.ifaces.get(iface);
        if (own != null) {
            return own.params;
        }
        Kernel.IfaceRecord builtin = new Kernel.IfaceRecord(iface);
        builtin.params.put("iface.transport_name", kernel.ifaceTransport(iface));
        return builtin.params;
    }

    // ------------------------------------------------------------------------------------------- helpers

    /** {@code address:port} without a {@code ,tpgt} suffix, with the default port when none is given. */
    static String normalisePortal(String portal) {
        String text = portal;
        int comma = text.lastIndexOf(',');
        if (comma > text.lastIndexOf(']')) {
            text = text.substring(0, comma);
        }
        boolean bracketed = text.startsWith("[");
        int close = text.indexOf(']');
        boolean hasPort = bracketed ? close >= 0 && text.length() > close + 1 && text.charAt(close + 1) == ':'
                : text.indexOf(':') >= 0 && text.indexOf(':') == text.lastIndexOf(':');
        return hasPort ? text : text + ":3260";
    }

    private static String normaliseValue(String name, String value) {
        if ("node.session.scan".equals(name) && "automatic".equals(value.toLowerCase(Locale.ROOT))) {
            return "auto";
        }
        return value;
    }

    private UnexpectedCommandError unexpected(String why) {
        return new UnexpectedCommandError(masked, why);
    }

    private Options options(List<String> argv) {
        Map<String, List<String>> values = new LinkedHashMap<>();
        for (int i = 1; i < argv.size(); i++) {
            String arg = argv.get(i);
            String value = null;
            if (arg.startsWith("--") && arg.contains("=")) {
                value = arg.substring(arg.indexOf('=') + 1);
                arg = arg.substring(0, arg.indexOf('='));
            }
            String key = LONG.getOrDefault(arg, arg);
            if (WITH_VALUE.contains(arg) || WITH_VALUE.contains(key)) {
                if (value == null) {
                    if (i + 1 >= argv.size()) {
                        throw unexpected(arg + " needs a value");
                    }
                    value = argv.get(++i);
                }
                values.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
            } else if (FLAGS.contains(key)) {
                values.computeIfAbsent(key, k -> new ArrayList<>()).add("");
            } else {
                throw unexpected("unknown option " + (masked.size() > i ? masked.get(i) : arg));
            }
        }
        return new Options(values);
    }

    private final class Options {
        private final Map<String, List<String>> values;

        Options(Map<String, List<String>> values) {
            this.values = values;
        }

        boolean has(String key) {
            return values.containsKey(key);
        }

        List<String> all(String key) {
            return values.getOrDefault(key, List.of());
        }

        Optional<String> single(String key) {
            List<String> found = all(key);
            if (found.size() > 1 && !"-o".equals(key)) {
                throw unexpected(key + " given more than once");
            }
            return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
        }
    }

    /** The node record as {@code iscsiadm -m node -T -p} prints it: the recorded record's keys and defaults. */
    static final class NodeTemplate {
        private static final List<Map.Entry<String, String>> LINES = load();

        private NodeTemplate() {
        }

        static boolean knows(String key) {
            return LINES.stream().anyMatch(each -> each.getKey().equals(key));
        }

        static String print(Kernel.NodeRecord node, String transport, boolean showSecrets) {
            StringBuilder out = new StringBuilder("# BEGIN RECORD 2.1.8\n");
            for (Map.Entry<String, String> line : LINES) {
                String key = line.getKey();
                String value = switch (key) {
                    case "node.name" -> node.iqn();
                    case "node.tpgt" -> Integer.toString(node.tpgt());
                    case "iface.iscsi_ifacename" -> node.iface();
                    case "iface.transport_name" -> transport;
                    default -> node.params().getOrDefault(key, line.getValue());
                };
                if (key.startsWith("node.session.auth.password") && !showSecrets && !value.isEmpty()
                        && !"<empty>".equals(value)) {
                    value = "********";
                }
                out.append(key).append(" = ").append(value.isEmpty() ? "<empty>" : value).append('\n');
            }
            return out.append("# END RECORD\n").toString();
        }

        private static List<Map.Entry<String, String>> load() {
            String recorded = Snapshot.load(Recordings.B_TWO_PORTALS_ONE_LUN)
                    .command("iscsiadm -m node -T iqn.2003-01.org.linux-iscsi.labvm:target1 -p 127.0.0.1:3260")
                    .orElseThrow(() -> new IllegalStateException("the recording has no node record"))
                    .stdout();
            List<Map.Entry<String, String>> lines = new ArrayList<>();
            for (String line : recorded.split("\n")) {
                int equals = line.indexOf(" = ");
                if (line.startsWith("#") || equals < 0) {
                    continue;
                }
                String key = line.substring(0, equals);
                String value = line.substring(equals + 3);
                if ("<empty>".equals(value)) {
                    value = "";
                }
                if ("node.session.scan".equals(key)) {
                    value = "auto";
                }
                lines.add(Map.entry(key, value));
            }
            return List.copyOf(lines);
        }
    }
}
