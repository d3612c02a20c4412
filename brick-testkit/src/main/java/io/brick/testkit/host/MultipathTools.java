package io.brick.testkit.host;

import io.brick.core.model.DeviceState;
import io.brick.testkit.host.Invocation.Output;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * multipath, multipathd (multipath-tools 0.9.4), dmsetup and blockdev as the simulated host answers them: messages
 * and exit codes of the real tools, table layouts from the recordings.
 */
final class MultipathTools {
    private final Kernel kernel;
    private final List<String> masked;

    MultipathTools(Kernel kernel, List<String> masked) {
        this.kernel = kernel;
        this.masked = masked;
    }

    Invocation parse(List<String> argv) {
        String program = argv.get(0).substring(argv.get(0).lastIndexOf('/') + 1);
        List<String> args = argv.subList(1, argv.size());
        Latencies latencies = kernel.latencies;
        return switch (program) {
            case "multipath" -> multipath(args, latencies);
            case "multipathd" -> multipathd(args, latencies.multipathOther());
            case "dmsetup" -> dmsetup(args, latencies.multipathOther());
            default -> blockdev(args, latencies.blockdev());
        };
    }

    // ------------------------------------------------------------------------------------------- multipath

    private Invocation multipath(List<String> args, Latencies latencies) {
        if (args.isEmpty()) {
            throw unexpected("multipath without options would reconfigure every map");
        }
        String option = args.get(0);
        Optional<String> operand = args.size() > 1 ? Optional.of(args.get(1)) : Optional.empty();
        if (args.size() > 2) {
            throw unexpected("one option and one operand at most");
        }
        return switch (option) {
            // as 0.9.4 on the lane's kernel: -a says "added" whether or not the WWID was in the file already; -w says
            // "removed", or that it was not there
            case "-a" -> new Invocation(latencies.multipathOther(), () -> {
                String wwid = operand.orElseThrow(() -> unexpected("-a needs a WWID"));
                kernel.rememberWwid(wwid);
                return Output.ok("wwid '" + wwid + "' added\n");
            });
            case "-w" -> new Invocation(latencies.multipathOther(), () -> {
                String wwid = operand.orElseThrow(() -> unexpected("-w needs a WWID"));
                return kernel.forgetWwid(wwid) ? Output.ok("wwid '" + wwid + "' removed\n")
                        : Output.ok("wwid '" + wwid + "' not in wwids file\n");
            });
            case "-f" -> new Invocation(latencies.multipathFlush(),
                    () -> flush(operand.orElseThrow(() -> unexpected("-f needs a map"))));
            case "-C" -> new Invocation(latencies.multipathOther(),
                    () -> checkUsable(operand.orElseThrow(() -> unexpected("-C needs a map"))));
            case "-l", "-ll" -> new Invocation(latencies.multipathOther(), () -> list(operand, "-ll".equals(option)));
            case "-r" -> new Invocation(latencies.multipathOther(), () -> Output.ok(""));
            default -> throw unexpected("unknown multipath option " + option);
        };
    }

    private Output flush(String reference) {
        Optional<Kernel.MapState> found = kernel.findMap(reference);
        if (found.isEmpty()) {
            return Output.fail(1, timestamp() + reference + " is not a multipath device\n");
        }
        Kernel.MapState map = found.get();
        kernel.checkMap("multipath -f", map);
        List<String> portals = map.slaves.stream().map(kernel.devices::get)
                .flatMap(device -> kernel.portalOf(device).stream()).toList();
        for (String portal : kernel.faults.takeDownDuringFlush(portals)) {
            kernel.oracle.fire(FaultKind.PATH_DOWN_DURING_FLUSH, portal + " while flushing " + map.kernelName);
            kernel.pathDown(portal);
        }
        boolean busy = kernel.faults.busy(map.wwid);
        if (busy) {
            kernel.oracle.fire(FaultKind.BUSY_MAP, map.name);
        }
        if (busy || map.openCount > 0 || map.dirty && !kernel.anyPathUp(map) && map.queueIfNoPath) {
            map.flushFailed = true;
            return Output.fail(1, timestamp() + map.name + ": map in use\n");
        }
        if (map.dirty && !kernel.anyPathUp(map)) {
            kernel.oracle.dataLoss(map.kernelName, map.wwid, "multipath -f with no path left and queueing off",
                    map.queueingDisabledByCommand || map.flushFailed);
        }
        map.dirty = false;
        kernel.removeMap(map);
        return Output.ok("");
    }

    private Output checkUsable(String reference) {
        Optional<Kernel.MapState> map = kernel.findMap(reference);
        String device = reference.startsWith("/dev/") ? reference : "/dev/" + reference;
        if (map.isEmpty()) {
            return Output.fail(1, timestamp() + "dm device not found: " + device + "\n");
        }
        if (kernel.anyPathUp(map.get())) {
            return Output.ok("");
        }
        return Output.fail(1, timestamp() + device + ": no usable paths found\n");
    }

    private Output list(Optional<String> operand, boolean withChecker) {
        List<Kernel.MapState> maps = new ArrayList<>(kernel.maps.values());
        if (operand.isPresent()) {
            Optional<Kernel.MapState> one = kernel.findMap(operand.get())
                    .or(() -> kernel.findDevice(operand.get()).flatMap(device -> kernel.mapHolding(device.name)));
            if (one.isEmpty()) {
                return new Output(1, "", "");
            }
            maps = List.of(one.get());
        }
        StringBuilder out = new StringBuilder();
        for (Kernel.MapState map : maps) {
            out.append(map.name).append(' ').append(map.kernelName).append(' ')
                    .append(map.vendor.isEmpty() ? "##" : map.vendor).append(',')
                    .append(map.model.isEmpty() ? "##" : map.model).append('\n');
            out.append("size=").append(size(map.sizeBytes)).append(" features=")
                    .append(map.queueIfNoPath ? "'1 queue_if_no_path'" : "'0'")
                    .append(" hwhandler='1 alua' wp=rw\n");
            List<Kernel.Device> paths = map.slaves.stream().map(kernel.devices::get).toList();
            if (paths.isEmpty()) {
                continue;
            }
            boolean anyUp = kernel.anyPathUp(map);
            out.append("`-+- policy='service-time 0' prio=").append(withChecker ? (anyUp ? 50 : 0) : 0)
                    .append(" status=").append(anyUp ? "active" : "enabled").append('\n');
            int width = paths.stream().mapToInt(each -> devT(each.name).length()).max().orElse(0);
            for (int i = 0; i < paths.size(); i++) {
                Kernel.Device path = paths.get(i);
                boolean up = path.state == DeviceState.RUNNING;
                out.append(i == paths.size() - 1 ? "  `- " : "  |- ").append(path.hctl).append(' ')
                        .append(path.name).append(' ').append(pad(devT(path.name), width)).append(' ')
                        .append(up ? "active" : "failed").append(' ')
                        .append(withChecker ? (up ? "ready" : "faulty") : "undef").append(' ')
                        .append(path.state.kernelName()).append('\n');
            }
        }
        return Output.ok(out.toString());
    }

    // ------------------------------------------------------------------------------------------- multipathd

    private Invocation multipathd(List<String> args, Duration latency) {
        if (!args.isEmpty() && args.get(0).startsWith("-k")) {
            throw unexpected("multipathd -k\"...\" is the interactive form: send the command as argv words");
        }
        if (args.isEmpty()) {
            throw unexpected("multipathd without a command would start the daemon");
        }
        String verb = String.join(" ", args.subList(0, Math.min(2, args.size())));
        List<String> rest = args.subList(Math.min(2, args.size()), args.size());
        Function<Void, Output> action = switch (verb) {
            case "show status" -> none -> Output.ok(status());
            case "show paths" -> none -> showPaths(rest);
            case "show maps" -> none -> showMaps(rest);
            case "add path" -> none -> addPath(single(rest));
            case "del path", "remove path" -> none -> delPath(single(rest));
            case "resize map" -> none -> resize(single(rest));
            case "disablequeueing map" -> none -> disableQueueing(single(rest), "multipathd disablequeueing map");
            case "remove map", "del map" -> none -> removeMap(single(rest));
            case "reconfigure" -> none -> Output.ok("ok\n");
            default -> throw unexpected("unknown multipathd command '" + verb + "'");
        };
        return new Invocation(latency, () -> {
            if (!kernel.multipathdRunning) {
                return new Output(1, "", "");
            }
            return action.apply(null);
        });
    }

    private String status() {
        long up = kernel.devices.values().stream().filter(each -> each.state == DeviceState.RUNNING).count();
        long down = kernel.devices.size() - up;
        StringBuilder out = new StringBuilder("path checker states:\n");
        if (up > 0) {
            out.append(String.format(Locale.ROOT, "%-20s%d%n", "up", up));
        }
        if (down > 0) {
            out.append(String.format(Locale.ROOT, "%-20s%d%n", "down", down));
        }
        return out.append("\npaths: ").append(kernel.devices.size()).append("\nbusy: False\n").toString();
    }

    private Output showPaths(List<String> rest) {
        List<Kernel.HeldPath> paths = new ArrayList<>();
        kernel.devices.values().forEach(each -> paths.add(new Kernel.HeldPath(each, null)));
        List<Kernel.HeldPath> held = kernel.heldPaths();
        paths.addAll(held);
        if (rest.isEmpty()) {
            List<String> headers = List.of("hcil", "dev", "dev_t", "pri", "dm_st", "chk_st", "dev_st", "next_check");
            List<List<String>> rows = paths.stream().map(each -> each.devT() != null
                    ? List.of(each.device().hctl.toString(), each.device().name, each.devT(), "50", "failed", "faulty",
                            "offline", "orphan")
                    : List.of(each.device().hctl.toString(), each.device().name, devT(each.device().name), "50",
                            pathDmState(each.device()), checker(each.device()), devState(each.device()),
                            "XXXXX..... 2/4"))
                    .toList();
            return Output.ok(table(headers, rows));
        }
        String format = rawFormat(rest);
        StringBuilder out = new StringBuilder();
        paths.forEach(each -> out.append(expand(format, c -> each.devT() != null ? heldField(each, c)
                : pathField(each.device(), c))).append('\n'));
        return Output.ok(out.length() == 0 ? "ok\n" : out.toString());
    }

    private Output showMaps(List<String> rest) {
        List<Kernel.MapState> maps = List.copyOf(kernel.maps.values());
        if (rest.isEmpty()) {
            List<List<String>> rows = maps.stream().map(each -> List.of(each.name, each.kernelName, each.wwid)).toList();
            return Output.ok(table(List.of("name", "sysfs", "uuid"), rows));
        }
        if (rest.size() == 1 && "json".equals(rest.get(0))) {
            return Output.ok(MapsJson.print(kernel, maps, this::devT));
        }
        String format = rawFormat(rest);
        StringBuilder out = new StringBuilder();
        maps.forEach(each -> out.append(expand(format, c -> mapField(each, c))).append('\n'));
        return Output.ok(out.length() == 0 ? "ok\n" : out.toString());
    }

    private String rawFormat(List<String> rest) {
        if (rest.size() < 3 || !"raw".equals(rest.get(0)) || !"format".equals(rest.get(1))) {
            throw unexpected("show paths|maps takes nothing, 'json' or 'raw format FMT'");
        }
        return String.join(" ", rest.subList(2, rest.size()));
    }

    private Output addPath(String reference) {
        Optional<Kernel.Device> device = kernel.findDevice(reference);
        if (device.isEmpty()) {
            return reply(false);
        }
        String wwid = device.get().wwid;
        if (kernel.mapOf(wwid).isPresent()) {
            kernel.joinPath(device.get().name);
        } else if (kernel.eligible(wwid)) {
            kernel.createMap(wwid);
        }
        return reply(true);
    }

    private Output resize(String reference) {
        Optional<Kernel.MapState> found = kernel.findMap(reference);
        if (found.isEmpty() || found.get().slaves.isEmpty()) {
            return reply(false);
        }
        Kernel.MapState map = found.get();
        kernel.checkMap("multipathd resize map", map);
        long size = map.slaves.stream().map(kernel.devices::get).mapToLong(each -> each.sizeBytes).min().orElse(0);
        map.sizeBytes = size;
        kernel.sysfs.sizeBytes(map.kernelName, size);
        return reply(true);
    }

    private Output disableQueueing(String reference, String how) {
        Optional<Kernel.MapState> found = kernel.findMap(reference);
        if (found.isEmpty()) {
            return reply(false);
        }
        Kernel.MapState map = found.get();
        kernel.checkMap(how, map);
        map.queueIfNoPath = false;
        map.queueingDisabledByCommand = true;
        if (map.dirty && !kernel.anyPathUp(map)) {
            kernel.oracle.dataLoss(map.kernelName, map.wwid, how + " failed the queued writes", true);
            map.dirty = false;
        }
        return reply(true);
    }

    private Output removeMap(String reference) {
        Optional<Kernel.MapState> found = kernel.findMap(reference);
        if (found.isEmpty()) {
            return reply(false);
        }
        Kernel.MapState map = found.get();
        kernel.checkMap("multipathd remove map", map);
        if (map.openCount > 0 || kernel.faults.busy(map.wwid)) {
            if (kernel.faults.busy(map.wwid)) {
                kernel.oracle.fire(FaultKind.BUSY_MAP, map.name);
            }
            return reply(false);
        }
        if (map.dirty) {
            kernel.oracle.dataLoss(map.kernelName, map.wwid, "multipathd remove map", map.flushFailed);
        }
        kernel.removeMap(map);
        return reply(true);
    }

    /** Stops monitoring a path: a held one is forgotten; a live one stays a device (multipathd only lets go of it). */
    private Output delPath(String reference) {
        String name = reference.startsWith("/dev/") ? reference.substring("/dev/".length()) : reference;
        kernel.heldPaths.remove(name);
        return reply(!reference.isEmpty());
    }

    private static Output reply(boolean ok) {
        return ok ? Output.ok("ok\n") : new Output(1, "fail\n", "");
    }

    // ------------------------------------------------------------------------------------------- dmsetup

    private Invocation dmsetup(List<String> args, Duration latency) {
        if (args.isEmpty()) {
            throw unexpected("dmsetup needs a command");
        }
        String command = args.get(0);
        return switch (command) {
            case "remove" -> {
                boolean force = args.contains("--force") || args.contains("-f");
                List<String> names = args.subList(1, args.size()).stream().filter(each -> !each.startsWith("-"))
                        .toList();
                if (names.size() != 1) {
                    throw unexpected("dmsetup remove takes one device");
                }
                yield new Invocation(latency, () -> dmRemove(names.get(0), force));
            }
            case "info" -> {
                if (args.size() != 2) {
                    throw unexpected("dmsetup info takes one device");
                }
                yield new Invocation(latency, () -> dmInfo(args.get(1)));
            }
            case "message" -> {
                if (args.size() != 4 || !"0".equals(args.get(2)) || !"fail_if_no_path".equals(args.get(3))) {
                    throw unexpected("only 'dmsetup message NAME 0 fail_if_no_path' is simulated");
                }
                yield new Invocation(latency, () -> {
                    Output output = disableQueueing(args.get(1), "dmsetup message fail_if_no_path");
                    return output.exitCode() == 0 ? Output.ok("")
                            : Output.fail(1, "Device does not exist.\nCommand failed.\n");
                });
            }
            default -> throw unexpected("unknown dmsetup command " + command);
        };
    }

    private Output dmRemove(String reference, boolean force) {
        Optional<Kernel.MapState> found = kernel.findMap(reference);
        if (found.isEmpty()) {
            return Output.fail(1, "Device " + reference + " not found\nCommand failed.\n");
        }
        Kernel.MapState map = found.get();
        kernel.checkMap(force ? "dmsetup remove --force" : "dmsetup remove", map);
        boolean busy = kernel.faults.busy(map.wwid);
        if (busy) {
            kernel.oracle.fire(FaultKind.BUSY_MAP, map.name);
        }
        if ((map.openCount > 0 || busy) && !force) {
            return Output.fail(1, "device-mapper: remove ioctl on " + map.name
                    + "  failed: Device or resource busy\nCommand failed.\n");
        }
        if (map.dirty) {
            kernel.oracle.dataLoss(map.kernelName, map.wwid, force ? "dmsetup remove --force" : "dmsetup remove",
                    force || map.flushFailed);
        }
        kernel.removeMap(map);
        return Output.ok("");
    }

    private Output dmInfo(String reference) {
        Optional<Kernel.MapState> found = kernel.findMap(reference);
        if (found.isEmpty()) {
            return Output.fail(1, "Device does not exist.\nCommand failed.\n");
        }
        Kernel.MapState map = found.get();
        String number = map.kernelName.substring("dm-".length());
        return Output.ok("Name:              " + map.name + "\nState:             ACTIVE\nRead Ahead:        256\n"
                + "Tables present:    LIVE\nOpen count:        " + map.openCount + "\nEvent number:      0\n"
                + "Major, minor:      253, " + number + "\nNumber of targets: 1\nUUID: mpath-" + map.wwid + "\n\n");
    }

    // ------------------------------------------------------------------------------------------- blockdev

    private Invocation blockdev(List<String> args, Duration latency) {
        if (args.size() != 2 || !Set.of("--flushbufs", "--getsize64").contains(args.get(0))) {
            throw unexpected("only 'blockdev --flushbufs|--getsize64 DEVICE' is simulated");
        }
        String device = args.get(1);
        boolean flush = "--flushbufs".equals(args.get(0));
        return new Invocation(latency, () -> flush ? flushBuffers(device) : size(device));
    }

    private Output flushBuffers(String reference) {
        Optional<Kernel.MapState> map = kernel.findMap(reference);
        if (map.isPresent()) {
            kernel.checkMap("blockdev --flushbufs", map.get());
            if (map.get().dirty && !kernel.anyPathUp(map.get())) {
                return Output.fail(1, "blockdev: ioctl error on BLKFLSBUF: Input/output error\n");
            }
            map.get().dirty = false;
            return Output.ok("");
        }
        Optional<Kernel.Device> device = kernel.findDevice(reference);
        if (device.isEmpty()) {
            return Output.fail(1, "blockdev: cannot open " + reference + ": No such file or directory\n");
        }
        kernel.checkTarget("blockdev --flushbufs", device.get().name, device.get().wwid, device);
        if (device.get().state != DeviceState.RUNNING) {
            return Output.fail(1, "blockdev: ioctl error on BLKFLSBUF: No such device or address\n");
        }
        device.get().dirty = false;
        return Output.ok("");
    }

    private Output size(String reference) {
        Optional<Kernel.MapState> map = kernel.findMap(reference);
        if (map.isPresent()) {
            return Output.ok(map.get().sizeBytes + "\n");
        }
        Optional<Kernel.Device> device = kernel.findDevice(reference);
        if (device.isEmpty()) {
            return Output.fail(1, "blockdev: cannot open " + reference + ": No such file or directory\n");
        }
        return Output.ok(device.get().sizeBytes + "\n");
    }

    // ------------------------------------------------------------------------------------------- formatting

    private String pathField(Kernel.Device path, char wildcard) {
        return switch (wildcard) {
            case 'd' -> path.name;
            case 'w' -> path.wwid;
            case 'i' -> path.hctl.toString();
            case 'D' -> devT(path.name);
            case 't' -> pathDmState(path);
            case 'T' -> checker(path);
            case 'o' -> devState(path);
            case 'm' -> kernel.mapHolding(path.name).map(map -> map.name).orElse("[orphan]");
            case 'n' -> path.iqn;
            case 'N', 'R', 'r' -> "[undef]";
            case 's' -> path.vendor + "," + path.model + ",4.0";
            case 'p' -> "50";
            case 'c' -> "tur";
            case 'C' -> "XXXXX..... 2/4";
            case 'S' -> size(path.sizeBytes);
            case 'a' -> kernel.sessions.get(path.sid) == null ? "[undef]"
                    : Kernel.splitPortal(kernel.sessions.get(path.sid).portal)[0];
            default -> "%" + wildcard;
        };
    }

    /** A removed path multipathd still lists: what it last knew of it, failed and in no map. */
    private String heldField(Kernel.HeldPath held, char wildcard) {
        return switch (wildcard) {
            case 'D' -> held.devT();
            case 't' -> "failed";
            case 'T' -> "faulty";
            case 'o' -> "offline";
            case 'm' -> "[orphan]";
            case 'a' -> "[undef]";
            default -> pathField(held.device(), wildcard);
        };
    }

    private String mapField(Kernel.MapState map, char wildcard) {
        return switch (wildcard) {
            case 'n' -> map.name;
            case 'w' -> map.wwid;
            case 'd' -> map.kernelName;
            case 'N' -> Integer.toString(map.slaves.size());
            case 't' -> "active";
            case 'S' -> size(map.sizeBytes);
            case 's' -> map.vendor + "," + map.model + ",4.0";
            case 'v' -> map.vendor;
            case 'p' -> map.model;
            case 'e' -> "4.0";
            case 'f' -> map.queueIfNoPath ? "1 queue_if_no_path" : "0";
            case 'Q' -> map.queueIfNoPath ? "12 chk" : "off";
            case 'h' -> "1 alua";
            case 'r' -> "rw";
            default -> "%" + wildcard;
        };
    }

    private static String expand(String format, Function<Character, String> field) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < format.length(); i++) {
            char c = format.charAt(i);
            if (c == '%' && i + 1 < format.length()) {
                char next = format.charAt(++i);
                out.append(next == '%' ? "%" : field.apply(next));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private String pathDmState(Kernel.Device path) {
        if (kernel.mapHolding(path.name).isEmpty()) {
            return "undef";
        }
        return checkerUp(path) ? "active" : "failed";
    }

    private String checker(Kernel.Device path) {
        return checkerUp(path) ? "ready" : "faulty";
    }

    /** The TUR checker: the device must be running and its target must still report the LUN. */
    private boolean checkerUp(Kernel.Device path) {
        return path.state == DeviceState.RUNNING && kernel.targetReports(path);
    }

    private static String devState(Kernel.Device path) {
        return path.state == DeviceState.RUNNING || path.state == DeviceState.BLOCKED ? "running" : "offline";
    }

    /** Columns padded to their widest cell and joined by one space, as multipathd prints its tables. */
    static String table(List<String> headers, List<List<String>> rows) {
        if (rows.isEmpty()) {
            return "ok\n";
        }
        int[] widths = new int[headers.size()];
        for (int i = 0; i < headers.size(); i++) {
            widths[i] = headers.get(i).length();
            for (List<String> row : rows) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        StringBuilder out = new StringBuilder();
        List<List<String>> all = new ArrayList<>();
        all.add(headers);
        all.addAll(rows);
        for (List<String> row : all) {
            for (int i = 0; i < row.size(); i++) {
                out.append(pad(row.get(i), widths[i]));
                out.append(i == row.size() - 1 ? "\n" : " ");
            }
        }
        return out.toString();
    }

    private static String pad(String text, int width) {
        return text + " ".repeat(Math.max(0, width - text.length()));
    }

    /** As multipath-tools' {@code snprint_size}: KiB, MiB, ... with one decimal under 10. */
    static String size(long bytes) {
        double value = bytes / 1024.0;
        char[] units = {'K', 'M', 'G', 'T', 'P'};
        int unit = 0;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%." + (value < 10 ? 1 : 0) + "f%c", value, units[unit]);
    }

    String devT(String kernelName) {
        return kernel.devT(kernelName);
    }

    private String timestamp() {
        long micros = kernel.clock.elapsed().toNanos() / 1000 + 1_000_000_000L;
        return String.format(Locale.ROOT, "%d.%06d | ", micros / 1_000_000, micros % 1_000_000);
    }

    private String single(List<String> rest) {
        if (rest.size() != 1) {
            throw unexpected("expected one device or map");
        }
        return rest.get(0);
    }

    private UnexpectedCommandError unexpected(String why) {
        return new UnexpectedCommandError(masked, why);
    }
}
