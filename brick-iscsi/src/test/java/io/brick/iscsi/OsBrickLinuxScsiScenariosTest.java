package io.brick.iscsi;

import io.brick.core.bootstrap.Brick;
import io.brick.core.connector.Connector;
import io.brick.core.connector.ConnectorConfig;
import io.brick.core.error.CommandFailedException;
import io.brick.core.error.HostStateException;
import io.brick.core.lock.ProcessLocks;
import io.brick.core.model.AttachedVolume;
import io.brick.core.model.ConnectionProperties;
import io.brick.core.model.Protocol;
import io.brick.core.port.Command;
import io.brick.core.port.CommandResult;
import io.brick.core.port.CommandRunner;
import io.brick.core.time.Clock;
import io.brick.multipath.MultipathPlugin;
import io.brick.sysfs.SysfsPlugin;
import io.brick.testkit.host.CommandLogEntry;
import io.brick.testkit.host.Latencies;
import io.brick.testkit.host.RecordedLab;
import io.brick.testkit.host.SimulatedHost;
import io.brick.testkit.host.SysfsWrite;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import static io.brick.iscsi.SimulatedIscsi.IQN;
import static io.brick.iscsi.SimulatedIscsi.onePortal;
import static io.brick.iscsi.SimulatedIscsi.twoPortals;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * os-brick's {@code test_linuxscsi.py} {@code extend_volume} scenarios (§7.2 of the behaviour inventory), each named
 * after the os-brick test it mirrors: the connector's extend on the simulated host with the lab's LUN 1, grown
 * from 128 MiB to 256 MiB on the target. brick rescans through sysfs ({@code device/rescan}, no {@code tee}), reads
 * sizes from sysfs (no {@code blockdev --getsize64}, no {@code lsscsi}, no {@code scsi_id}), checks the paths' sysfs
 * state (no {@code dd}) and resizes the map by {@code dm-N} without {@code multipathd reconfigure}. Where multipathd
 * must answer {@code fail} or {@code timeout}, a runner in front of the host rewrites that one answer.
 */
class OsBrickLinuxScsiScenariosTest {
    private static final long GROWN = 256L << 20;

    @TempDir
    Path dir;

    private SimulatedHost host;
    private Brick brick;
    private Connector connector;

    @AfterEach
    void stop() {
        if (brick != null) {
            brick.close();
        }
        if (host != null) {
            host.close();
        }
    }

    private void start(SimulatedHost simulated, ConnectorConfig config, Function<Command, CommandResult> rewrite) {
        host = simulated;
        CommandRunner runner = command -> {
            CommandResult rewritten = rewrite.apply(command);
            return rewritten != null ? rewritten : host.commandRunner().run(command);
        };
        brick = Brick.builder().plugins(new SysfsPlugin(), new MultipathPlugin(), new IscsiPlugin(config))
                .hostRoot(host.hostRoot()).commandRunner(runner).clock(new SettlingClock(host)).sleeper(host.clock())
                .processLocks(ProcessLocks.none()).build();
        connector = brick.connector(Protocol.ISCSI);
    }

    /**
     * The host's clock, settling the host whenever the time is read: the real kernel applies a write into
     * {@code device/rescan} before the write returns (the new capacity is in {@code size} at once), the simulated
     * kernel at its next settle point (a command, a sleep). the connector's extend reads the sizes right after
     * its rescan writes, with neither in between, so without this it would see the kernel of the sim lag behind
     * where a real one does not.
     */
    private static final class SettlingClock implements Clock {
        private final SimulatedHost host;

        SettlingClock(SimulatedHost host) {
            this.host = host;
        }

        @Override
        public long nanoTime() {
            host.settle();
            return host.clock().nanoTime();
        }

        @Override
        public Instant instant() {
            return host.clock().instant();
        }
    }

    /** Both portals attached, the map of both paths formed, the LUN grown on the target. */
    private AttachedVolume multipathAttachedAndGrown(Function<Command, CommandResult> rewrite) {
        start(RecordedLab.host(dir, Latencies.zero()), ConnectorConfig.defaults(), rewrite);
        AttachedVolume attached = connector.connect(twoPortals(1));
        host.clock().sleep(Duration.ofSeconds(3));
        host.storage().target(IQN).resizeLun(1, GROWN);
        return attached;
    }

    private static CommandResult answer(Command command, String stdout) {
        return new CommandResult(command.display(), 1, stdout, "", Duration.ZERO, false);
    }

    private List<String> rescansSince(int from) {
        List<SysfsWrite> writes = host.oracle().sysfsWrites();
        return writes.subList(from, writes.size()).stream().filter(write -> write.path().endsWith("/rescan"))
                .map(write -> write.path() + "=" + write.value()).toList();
    }

    private List<String> commandsSince(int from) {
        List<CommandLogEntry> log = host.oracle().commandLog();
        return log.subList(from, log.size()).stream().map(CommandLogEntry::display).toList();
    }

    @Test
    void test_extend_volume_no_mpath() {
        SimulatedHost single = SimulatedHost.builder(dir).initiatorName(RecordedLab.INITIATOR)
                .latencies(Latencies.zero()).multipathd(false).build();
        single.storage().target(IQN).portal(RecordedLab.PORTALS.get(0)).portal(RecordedLab.PORTALS.get(1))
                .lun(1, RecordedLab.LUN1_WWID, 128L << 20);
        start(single, ConnectorConfig.defaults().withUseMultipath(false), command -> null);
        ConnectionProperties properties = onePortal(1);
        AttachedVolume attached = connector.connect(properties);
        host.storage().target(IQN).resizeLun(1, GROWN);
        int writes = host.oracle().sysfsWrites().size();
        int commands = host.oracle().commandLog().size();

        long size = connector.extend(properties);

        assertThat(size).isEqualTo(GROWN);
        assertThat(rescansSince(writes)).singleElement().asString().endsWith(":1/rescan=1");
        assertThat(commandsSince(commands)).as("sizes from sysfs, no blockdev").isEmpty();
        assertThat(attached.path().name()).startsWith("sd");
    }

    @Test
    void test_extend_volume_with_mpath() {
        AttachedVolume attached = multipathAttachedAndGrown(command -> null);
        int writes = host.oracle().sysfsWrites().size();
        int commands = host.oracle().commandLog().size();

        long size = connector.extend(twoPortals(1));

        assertThat(size).isEqualTo(GROWN);
        assertThat(rescansSince(writes)).hasSize(2);
        assertThat(commandsSince(commands)).as("no multipathd reconfigure; dm-N, not the WWID")
                .containsExactly("multipathd resize map " + attached.path().name());
        assertThat(host.oracle().wrongDeviceEvents()).isEmpty();
    }

    @Test
    void test_extend_volume_with_mpath_fail() {
        multipathAttachedAndGrown(command -> command.display().startsWith("multipathd resize map")
                ? answer(command, "fail\n") : null);
        int writes = host.oracle().sysfsWrites().size();

        CommandFailedException failure = catchThrowableOfType(() -> connector.extend(twoPortals(1)),
                CommandFailedException.class);

        assertThat(failure).isNotNull();
        assertThat(failure.retriable()).isFalse();
        assertThat(failure.stdout()).contains("fail");
        assertThat(rescansSince(writes)).as("the paths were rescanned first").hasSize(2);
    }

    @Test
    void test_extend_volume_with_mpath_pending() {
        AtomicInteger timeouts = new AtomicInteger();
        multipathAttachedAndGrown(command -> command.display().startsWith("multipathd resize map")
                && timeouts.getAndIncrement() == 0 ? answer(command, "timeout\n") : null);
        int commands = host.oracle().commandLog().size();

        long size = connector.extend(twoPortals(1));

        assertThat(size).isEqualTo(GROWN);
        assertThat(timeouts.get()).as("resize asked twice: 'timeout', then done").isEqualTo(2);
        assertThat(commandsSince(commands)).singleElement().asString().startsWith("multipathd resize map dm-");
    }

    @Test
    void test_extend_volume_with_mpath_timeout() {
        AtomicInteger timeouts = new AtomicInteger();
        multipathAttachedAndGrown(command -> {
            if (command.display().startsWith("multipathd resize map")) {
                timeouts.incrementAndGet();
                return answer(command, "timeout\n");
            }
            return null;
        });
        Duration start = host.clock().elapsed();

        CommandFailedException failure = catchThrowableOfType(() -> connector.extend(twoPortals(1)),
                CommandFailedException.class);

        assertThat(failure).isNotNull();
        assertThat(failure.retriable()).isTrue();
        assertThat(failure.getMessage()).contains("timeout");
        assertThat(timeouts.get()).as("retried every second").isGreaterThan(10);
        assertThat(host.clock().elapsed().minus(start)).as("within the 120 s extend budget")
                .isLessThanOrEqualTo(Duration.ofSeconds(121));
    }

    @Test
    void test_extend_volume_with_mpath_path_down() {
        multipathAttachedAndGrown(command -> null);
        host.faults().pathDown(RecordedLab.PORTALS.get(0));
        int writes = host.oracle().sysfsWrites().size();
        int commands = host.oracle().commandLog().size();

        HostStateException failure = catchThrowableOfType(() -> connector.extend(twoPortals(1)),
                HostStateException.class);

        assertThat(failure).isNotNull();
        assertThat(failure.getMessage()).contains("All paths need to be up");
        assertThat(failure.evidence().get("down")).isNotEmpty();
        assertThat(rescansSince(writes)).as("nothing rescanned: no partial extend").isEmpty();
        assertThat(commandsSince(commands)).isEmpty();
    }
}
