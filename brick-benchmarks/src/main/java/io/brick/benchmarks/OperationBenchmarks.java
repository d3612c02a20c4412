package io.brick.benchmarks;

import io.brick.core.connector.DisconnectOptions;
import io.brick.core.model.AttachedVolume;
import io.brick.core.model.ConnectionProperties;
import io.brick.testkit.host.Latencies;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * brick's own cost of an attach and a detach (issue 8, item 3): connect + disconnect of one volume through the iSCSI
 * connector on a simulated host where every command, scan and map formation takes zero simulated time, so what is
 * measured is brick (parsing, sysfs reads, the simulated tools' bookkeeping) and not the kernel. {@code portals}: 1
 * (single path, no multipath), 2 and 4 (multipath).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class OperationBenchmarks {
    @Param({"1", "2", "4"})
    public int portals;

    private Path dir;
    private SimulatedLab lab;
    private ConnectionProperties volume;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        Path parent = TreeCache.directory().getParent();
        dir = Files.createTempDirectory(parent != null && Files.isDirectory(parent) ? parent : Path.of("/tmp"),
                "brick-operations");
        lab = SimulatedLab.start(dir, Latencies.zero(), 1, portals, 1, builder -> { });
        volume = lab.volume(0, 0);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        lab.close();
        TreeCache.delete(dir);
    }

    @Benchmark
    public AttachedVolume connectDisconnect() {
        AttachedVolume attached = lab.connector().connect(volume);
        lab.connector().disconnect(volume, Optional.of(attached), DisconnectOptions.SAFE);
        return attached;
    }
}
