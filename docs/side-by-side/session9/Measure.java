import io.brick.benchmarks.*;
import io.brick.core.port.*;
import io.brick.core.model.*;
import io.brick.iscsi.*;
import java.nio.file.*;
import java.util.*;
import java.lang.management.*;
/** Per-call wall and thread-CPU time of brick's holderMap and volumeDevices (as LookupBenchmarks asks them). */
public class Measure {
    public static void main(String[] a) throws Exception {
        HostShape shape = HostShape.parse(a[0]);
        String lookup = a[1];
        Path root = Path.of(System.getProperty("brick.bench.dir")).resolve(a[0]);
        var brick = Hosts.sysfsRuntime(root);
        TopologyProvider t = Hosts.topology(brick);
        IscsiSessionReader reader = new IscsiSessionReader(brick.port(SysfsAccess.class), t);
        int n = 4096;
        String[] disks = new String[n]; Portal[] portals = new Portal[n]; Iqn[] iqns = new Iqn[n]; int[] luns = new int[n];
        var r = new SplittableRandom(8);
        for (int i = 0; i < n; i++) {
            int target = r.nextInt(shape.targets()), portal = r.nextInt(shape.portals()), lun = r.nextInt(shape.lunsPerTarget());
            disks[i] = shape.disk(target, portal, lun); portals[i] = new Portal(HostShape.address(portal), 3260);
            iqns[i] = Iqn.of(HostShape.iqn(target)); luns[i] = lun;
        }
        java.util.function.IntConsumer call = switch (lookup) {
            case "holderMap" -> i -> t.holderMap(disks[i]).orElseThrow();
            case "volumeDevices" -> i -> {
                int found = 0;
                for (IscsiSession s : reader.sessions(iqns[i])) {
                    if (s.connects(portals[i], iqns[i]) && reader.device(s.sessionId(), Lun.of(luns[i])).isPresent()) found++;
                }
                if (found != 1) throw new IllegalStateException("found " + found);
            };
            default -> throw new IllegalArgumentException(lookup);
        };
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        int k = 0;
        long end = System.nanoTime() + Long.parseLong(a[2]) * 1_000_000_000L;
        while (System.nanoTime() < end) call.accept(k++ % n);
        if (a.length > 3) { // strace window
            Files.exists(Path.of("/MARK-START"));
            for (int i = 0; i < 100; i++) call.accept(k++ % n);
            Files.exists(Path.of("/MARK-END"));
            System.exit(0);
        }
        double[] wall = new double[5], cpu = new double[5];
        for (int round = 0; round < 5; round++) {
            long w0 = System.nanoTime(), c0 = mx.getCurrentThreadCpuTime(); int calls = 0;
            while (System.nanoTime() - w0 < 1_000_000_000L) { call.accept(k++ % n); calls++; }
            wall[round] = (System.nanoTime() - w0) / 1e3 / calls; cpu[round] = (mx.getCurrentThreadCpuTime() - c0) / 1e3 / calls;
        }
        Arrays.sort(wall); Arrays.sort(cpu);
        System.out.printf(Locale.ROOT, "%s %s wall %.1f us cpu %.1f us (median of 5 x 1 s; cpu range %.1f-%.1f)%n", a[0], lookup, wall[2], cpu[2], cpu[0], cpu[4]);
        System.exit(0);
    }
}
