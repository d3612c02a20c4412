package io.brick.testkit.host;

import io.brick.core.error.CommandTimeoutException;
import io.brick.core.port.Command;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static io.brick.testkit.host.Lab.IQN;
import static io.brick.testkit.host.Lab.P1;
import static io.brick.testkit.host.Lab.P2;
import static io.brick.testkit.host.Lab.WWID;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The same seed gives the same run: a scripted client drives 1,000 random sequences of commands, sysfs writes and
 * faults (single-threaded), twice each, and both runs log the same commands, writes and fired faults.
 */
class SimulatedDeterminismTest {
    private static final int SEQUENCES = 1000;
    private static final int STEPS = 12;

    @TempDir
    Path dir;

    /** In memory when the machine has a tmpfs at /dev/shm (ten times faster than a disk for these small trees). */
    private Path base() throws IOException {
        Path shm = Path.of("/dev/shm");
        if (Files.isDirectory(shm) && Files.isWritable(shm)) {
            return Files.createTempDirectory(shm, "brick-simulated-host-");
        }
        return dir;
    }

    @Test
    void the_same_seed_gives_the_same_command_log_over_a_thousand_random_fault_sequences() throws IOException {
        Path base = base();
        try {
            check(base);
        } finally {
            if (!base.equals(dir)) {
                delete(base);
            }
        }
    }

    private void check(Path base) throws IOException {
        int distinct = 0;
        List<String> previous = List.of();
        for (int sequence = 0; sequence < SEQUENCES; sequence++) {
            List<String> first = runSequence(base, sequence, "a");
            List<String> second = runSequence(base, sequence, "b");
            assertThat(second).as("sequence %s", sequence).isEqualTo(first);
            if (!first.equals(previous)) {
                distinct++;
            }
            previous = first;
        }
        assertThat(distinct).as("different seeds drive different runs").isGreaterThan(SEQUENCES / 2);
    }

    private static void delete(Path tree) throws IOException {
        if (!Files.exists(tree, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(tree)) {
            for (Path each : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(each);
            }
        }
    }

    private List<String> runSequence(Path base, long seed, String run) throws IOException {
        Random script = new Random(seed);
        Path root = base.resolve(seed + run);
        Lab lab = new Lab(root, builder -> builder.seed(seed).latencies(Latencies.realistic())
                .findMultipaths(script.nextBoolean()));
        try {
            for (int step = 0; step < STEPS; step++) {
                step(lab, script);
            }
            List<String> log = new ArrayList<>();
            lab.host.oracle().commandLog().forEach(entry -> log.add(entry.start() + " " + entry.display() + " -> "
                    + entry.exitCode() + " in " + entry.duration()));
            lab.host.oracle().sysfsWrites().forEach(write -> log.add(write.toString()));
            lab.host.oracle().fired().forEach(fault -> log.add(fault.toString()));
            lab.host.oracle().dataLossEvents().forEach(event -> log.add(event.toString()));
            log.add(lab.host.oracle().leftovers().toString());
            return log;
        } finally {
            lab.host.close();
            delete(root);
        }
    }

    private void step(Lab lab, Random script) {
        String portal = script.nextBoolean() ? P1 : P2;
        int hostNumber = 2 + script.nextInt(3);
        switch (script.nextInt(16)) {
            case 0 -> lab.run("iscsiadm", "-m", "discovery", "-t", "sendtargets", "-p", portal);
            case 1 -> lab.login(portal);
            case 2 -> lab.node(portal, "--logout");
            case 3 -> {
                if (lab.exists("sys/class/scsi_host/host" + hostNumber + "/scan")) {
                    lab.scan(hostNumber, "0 0 " + script.nextInt(2));
                }
            }
            case 4 -> {
                List<String> disks = lab.disks();
                if (!disks.isEmpty()) {
                    lab.deviceAttribute(disks.get(script.nextInt(disks.size())), "delete", "1");
                }
            }
            case 5 -> lab.run("multipath", "-f", WWID);
            case 6 -> lab.host.faults().flakyLogin(portal, 0.5);
            case 7 -> lab.host.faults().pathDown(portal);
            case 8 -> lab.host.faults().pathUp(portal);
            case 9 -> lab.host.faults().iscsiadmFails(script.nextBoolean() ? 8 : 255, 0.3);
            case 10 -> lab.host.faults().slowUdev(Duration.ofMillis(100L * script.nextInt(20)));
            case 11 -> {
                lab.node(portal, "--op", "new");
                lab.host.faults().loginHangs(portal);
                try {
                    lab.host.commandRunner().run(Command.builder("iscsiadm").args("-m", "node", "-T", IQN, "-p",
                            portal, "--login").timeout(Duration.ofSeconds(5)).acceptExitCodes(0, 8, 15, 21).build());
                } catch (CommandTimeoutException expected) {
                    lab.host.faults().clear();
                }
            }
            case 12 -> {
                if (!lab.maps().isEmpty()) {
                    lab.host.write(Lab.dev(lab.maps().get(0)));
                }
            }
            case 13 -> lab.host.faults().busyMap(WWID);
            case 14 -> lab.run("multipathd", "show", "paths", "raw", "format", "%d %t %T");
            default -> lab.sleep(script.nextInt(3000) / 1000.0);
        }
    }
}
