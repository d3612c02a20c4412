package io.brick.reliability;

import io.brick.core.bootstrap.Brick;
import io.brick.core.connector.ConnectorConfig;
import io.brick.core.host.LockDirectory;
import io.brick.core.lock.LockManager;
import io.brick.core.lock.ProcessLocks;
import io.brick.iscsi.IscsiPlugin;
import io.brick.multipath.MultipathPlugin;
import io.brick.sysfs.SysfsPlugin;
import io.brick.testkit.host.Latencies;
import io.brick.testkit.host.SimulatedHost;
import io.brick.testkit.host.Target;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The stress storage on a multi-threaded simulated host: one big target ({@value #BIG_LUNS} LUNs behind two portals)
 * and {@value #SMALL_TARGETS} small targets ({@value #SMALL_LUNS} LUNs each, two portals each), and brick runtimes
 * (sysfs, multipath, iSCSI plugins) over it.
 */
final class StressHost implements AutoCloseable {
    static final String BIG = "iqn.2026-01.io.brick.stress:big";
    static final int BIG_LUNS = 32;
    static final int SMALL_TARGETS = 8;
    static final int SMALL_LUNS = 4;
    private static final long LUN_BYTES = 64L << 20;

    final SimulatedHost host;
    /** The big target's volumes, by LUN. */
    final List<StressVolume> big;
    /** The small targets' volumes, target by target. */
    final List<StressVolume> small;
    private final List<Brick> runtimes = new ArrayList<>();

    private StressHost(SimulatedHost host) {
        this.host = host;
        List<StressVolume> bigVolumes = new ArrayList<>();
        Target bigTarget = host.storage().target(BIG).portal("127.0.0.1:3260").portal("127.0.0.2:3260");
        for (int lun = 0; lun < BIG_LUNS; lun++) {
            String wwid = wwid(0, lun);
            bigTarget.lun(lun, wwid, LUN_BYTES);
            bigVolumes.add(new StressVolume(BIG, bigTarget.portals(), lun, wwid));
        }
        List<StressVolume> smallVolumes = new ArrayList<>();
        for (int index = 0; index < SMALL_TARGETS; index++) {
            String iqn = String.format(Locale.ROOT, "iqn.2026-01.io.brick.stress:small%d", index);
            Target target = host.storage().target(iqn)
                    .portal(String.format(Locale.ROOT, "127.0.1.%d:3260", index + 1))
                    .portal(String.format(Locale.ROOT, "127.0.2.%d:3260", index + 1));
            for (int lun = 0; lun < SMALL_LUNS; lun++) {
                String wwid = wwid(index + 1, lun);
                target.lun(lun, wwid, LUN_BYTES);
                smallVolumes.add(new StressVolume(iqn, target.portals(), lun, wwid));
            }
        }
        this.big = List.copyOf(bigVolumes);
        this.small = List.copyOf(smallVolumes);
    }

    /** A multi-threaded host under {@code dir} holding the stress storage. */
    static StressHost start(Path dir, long seed, Latencies latencies) {
        return new StressHost(SimulatedHost.builder(dir).seed(seed).latencies(latencies).multiThreaded().build());
    }

    /** A runtime whose process locks are files in {@code lockDirectory} (brick-sysfs's, as in production). */
    Brick runtime(Path lockDirectory) {
        return keep(base(ConnectorConfig.defaults()).lockDirectory(new LockDirectory(lockDirectory.toAbsolutePath().toString())).build());
    }

    /** A runtime with the given process locks and the iSCSI connector's default time limits. */
    Brick runtime(ProcessLocks processLocks) {
        return runtime(processLocks, ConnectorConfig.defaults());
    }

    /** A runtime with the given process locks and iSCSI connector configuration. */
    Brick runtime(ProcessLocks processLocks, ConnectorConfig config) {
        return keep(base(config).processLocks(processLocks).build());
    }

    /**
     * brick-sysfs's file locks in {@code lockDirectory} as a {@link ProcessLocks}: the production lock manager of a
     * runtime that has only the sysfs plugin, whose process half is the file lock. Its in-JVM half never waits when
     * used as the process half of another runtime (that runtime's own in-JVM lock serialises each key first).
     */
    ProcessLocks fileLocks(Path lockDirectory) {
        Brick locksOnly = keep(Brick.builder().plugins(new SysfsPlugin()).hostRoot(host.hostRoot())
                .commandRunner(host.commandRunner()).clock(host.clock()).sleeper(host.clock())
                .lockDirectory(new LockDirectory(lockDirectory.toAbsolutePath().toString())).build());
        LockManager manager = locksOnly.port(LockManager.class);
        return (key, deadline) -> manager.acquire(key, deadline)::close;
    }

    private Brick.Builder base(ConnectorConfig config) {
        return Brick.builder()
                .plugins(new SysfsPlugin(), new MultipathPlugin(), new IscsiPlugin(config))
                .hostRoot(host.hostRoot()).commandRunner(host.commandRunner())
                .clock(host.clock()).sleeper(host.clock());
    }

    private Brick keep(Brick brick) {
        synchronized (runtimes) {
            runtimes.add(brick);
        }
        return brick;
    }

    /** A WWID of the NAA 6 form LIO reports, unique per (target, LUN). */
    static String wwid(int target, int lun) {
        return String.format(Locale.ROOT, "36001405%016x%09x", 0x5eed5eedL + target, lun);
    }

    /**
     * A tenth of a real host's latencies (login 20 ms, a scanned device 30 ms, a map 100 ms, ...): many operations fit
     * the tests' time, yet every step of the kernel and the tools still takes time, so the windows between a scan and
     * its device, a login and its session, a delete and the device's going stay open for other threads to hit.
     */
    static Latencies latencies() {
        Duration ms = Duration.ofMillis(1);
        return new Latencies(ms.multipliedBy(20), ms.multipliedBy(20), ms.multipliedBy(20), Duration.ZERO,
                ms.multipliedBy(30), ms.multipliedBy(100), ms.multipliedBy(10), ms.multipliedBy(10), Duration.ZERO,
                Duration.ZERO, ms.multipliedBy(5));
    }

    @Override
    public void close() {
        synchronized (runtimes) {
            runtimes.forEach(Brick::close);
        }
        host.close();
    }
}
